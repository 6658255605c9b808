"""The structured event log: one record per meaningful event, for narration, reports and debugging."""

from __future__ import annotations

from typing import Any


class EventLog:
    """Records ``{"t": minutes, "kind": ..., **fields}``; switched off in batch runs (hot paths test ``on``)."""

    def __init__(self, on: bool = False):
        self.on = on
        self.records: list[dict[str, Any]] = []

    def emit(self, t: float, kind: str, **fields: Any) -> None:
        if self.on:
            self.records.append({"t": t, "kind": kind, **fields})
