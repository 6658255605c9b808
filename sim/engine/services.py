"""Model-owned state on the World, looked up by its class (typed, unlike a dict of names)."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


class Services:
    __slots__ = ("_by_type",)

    def __init__(self) -> None:
        self._by_type: dict[type, object] = {}

    def provide(self, service: object) -> None:
        kind = type(service)
        if kind in self._by_type:
            raise RuntimeError(f"a {kind.__name__} is already installed in this world")
        self._by_type[kind] = service

    def get(self, kind: type[T]) -> T:
        """The installed ``kind``; a KeyError names the model that was not installed."""
        try:
            return self._by_type[kind]  # type: ignore[return-value]
        except KeyError:
            raise KeyError(f"no {kind.__name__} in this world (is its model installed?)") from None

    def find(self, kind: type[T]) -> T | None:
        return self._by_type.get(kind)  # type: ignore[return-value]
