"""The names a scenario defines, by kind, and the one way every cross-check looks them up.

Every list of things with ids is named in ``ID_LISTS``: each is checked for duplicate ids the same
way. A kind that has a duplicate is *in doubt*: its names are not what the author meant (a copied
item whose id was not changed), so a reference to an unknown name of that kind is not reported
again, and a duplicated name resolves to nothing, so checks that would use it keep quiet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sim.config.schema import Scenario
from sim.config.suggest import unknown
from sim.config.yamlsafe import PathKey, dotted

Finding = tuple[PathKey, str]


@dataclass(frozen=True)
class IdList:
    """A list of items with an ``id:``; lists of the same kind share one set of names."""

    path: PathKey
    kind: str


ID_LISTS: tuple[IdList, ...] = (
    IdList(("units",), "unit"),
    IdList(("map", "routes"), "route id"),  # a route needs an id only to be closed
    IdList(("phases",), "phase"),
    IdList(("objectives",), "objective"),
    IdList(("depots",), "depot"),
    IdList(("supply_lines",), "supply line"),
    IdList(("medical", "facilities"), "facility"),
    IdList(("command", "chains"), "command chain"),
    IdList(("injects",), "inject or decision point"),  # a trigger's fired: names either
    IdList(("decision_points",), "inject or decision point"),
    IdList(("cells",), "cell"),
    IdList(("requests",), "request"),
)


def items_at(s: Scenario, path: PathKey) -> list[Any]:
    node: Any = s
    for key in path:
        node = getattr(node, str(key))
    return list(node)


class Names:
    """The places, sides, unit types and every id of ``s``; ``where`` renders a path for a message."""

    def __init__(self, s: Scenario, where: Callable[[PathKey], str] = dotted) -> None:
        self._items: dict[str, dict[str, Any]] = {
            "place": dict(s.map.places),
            "side": dict(s.sides),
            "unit type": dict(s.unit_types),
        }
        self._twice: dict[str, set[str]] = {}
        self.duplicates: list[Finding] = []
        first: dict[tuple[str, str], PathKey] = {}
        for spec in ID_LISTS:
            items = self._items.setdefault(spec.kind, {})
            for i, item in enumerate(items_at(s, spec.path)):
                if item.id is None:
                    continue
                here: PathKey = (*spec.path, i, "id")
                if item.id in items:
                    self._twice.setdefault(spec.kind, set()).add(item.id)
                    there = first[spec.kind, item.id]
                    lists = there[:-2]
                    also = f"; {dotted(lists)} and {dotted(spec.path)} share names" if lists != spec.path else ""
                    self.duplicates.append((here, f"duplicate id {item.id!r} (first at {where(there)}{also})"))
                else:
                    items[item.id] = item
                    first[spec.kind, item.id] = here

    def known(self, kind: str) -> Mapping[str, Any]:
        """Every name of ``kind`` (a duplicated one once)."""
        return self._items[kind]

    def in_doubt(self, kind: str) -> bool:
        """Some id of ``kind`` is given twice (and reported as such)."""
        return kind in self._twice

    def get(self, kind: str, name: str | None) -> Any:
        """The item named ``name``, or None when there is none or more than one."""
        if name is None or name in self._twice.get(kind, ()):
            return None
        return self._items[kind].get(name)

    def ref(self, path: PathKey, kind: str, name: str) -> Iterator[Finding]:
        """A finding at ``path`` when ``name`` is not a ``kind`` (unless that kind is in doubt)."""
        if name not in self._items[kind] and not self.in_doubt(kind):
            yield path, unknown(kind, name, self._items[kind])
