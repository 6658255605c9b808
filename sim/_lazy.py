"""Names imported on first use, so that a command pays only for what it needs.

``exsim --help`` must start about as fast as ``import numpy``: importing scipy, pydantic's schema, the
models or rich up front would cost it half a second. Two forms, both from the standard library's
import machinery:

- ``package_getattr(__name__, {"name": "module"})`` for a package's ``__init__`` (PEP 562): the
  package's public names stay where they were (``from sim import load_scenario``) but are imported
  when first asked for;
- ``Later("module", "name")`` for a module-level name that is only called or has attributes read
  (``record(...)``, ``Plan.for_run(...)``, ``history.resolve(...)``); it imports on first use and
  caches the object. It is not the object: do not pass it where a class itself is expected. Its own
  attributes are private, so that none hides one of the object's.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def package_getattr(package: str, names: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports ``names[attr]`` (a module path) and returns its ``attr``."""

    def __getattr__(attr: str) -> Any:
        module = names.get(attr)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {attr!r}")
        return getattr(importlib.import_module(module), attr)

    return __getattr__


class Later:
    """``name`` from ``module`` (or the module itself), imported the first time it is called or read."""

    __slots__ = ("_module", "_name", "_obj")

    def __init__(self, module: str, name: str | None = None) -> None:
        self._module, self._name = module, name
        self._obj: Any = None

    def _load(self) -> Any:
        if self._obj is None:
            obj = importlib.import_module(self._module)
            self._obj = getattr(obj, self._name) if self._name else obj
        return self._obj

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._load()(*args, **kwargs)

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._load(), attr)

    def __repr__(self) -> str:
        return f"Later({self._module!r}, {self._name!r})"
