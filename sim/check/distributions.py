"""The times a scenario gives as distributions, by field, for ``exsim check`` to report their mean and cv."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel

from sim.config.distributions import is_distribution
from sim.config.schema import Scenario


def distributions(s: Scenario) -> list[tuple[str, BaseModel]]:
    """(dotted field path as the file writes it, distribution) for every time given as a distribution."""
    return list(_walk(s, ""))


def _walk(node: object, path: str) -> Iterator[tuple[str, BaseModel]]:
    if isinstance(node, BaseModel):
        if is_distribution(node):
            yield path, node
            return
        for name, f in type(node).model_fields.items():
            yield from _walk(getattr(node, name), _join(path, f.alias or name))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _walk(item, _join(path, str(i)))
    elif isinstance(node, dict):
        for key, item in node.items():
            yield from _walk(item, _join(path, str(key)))


def _join(path: str, part: str) -> str:
    return f"{path}.{part}" if path else part


__all__ = ["distributions"]
