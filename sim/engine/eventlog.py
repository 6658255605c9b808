"""The structured event log: one record per meaningful event, for narration, reports and debugging."""

from __future__ import annotations

import json
from typing import Any


class EventLog:
    """Records ``{"t": minutes, "kind": ..., **fields}``; switched off in batch runs (hot paths test ``on``)."""

    def __init__(self, on: bool = False):
        self.on = on
        self.records: list[dict[str, Any]] = []

    def emit(self, t: float, kind: str, **fields: Any) -> None:
        if self.on:
            self.records.append({"t": t, "kind": kind, **fields})

    @staticmethod
    def to_jsonl(records: list[dict[str, Any]]) -> str:
        """One JSON object per line (the events.jsonl format)."""
        return "".join(json.dumps(r) + "\n" for r in records)
