"""A package's public names imported on first use, so that importing the package pays only for what it needs.

``exsim --help`` must start about as fast as ``import numpy``: importing scipy, pydantic's schema, the
models or rich up front would cost it half a second. ``package_getattr(__name__, {"name": "module"})``
is a package ``__init__``'s ``__getattr__`` (PEP 562): the package's public names stay where they were
(``from sim import load_scenario``) but are imported when first asked for. (The command line imports
its commands lazily instead: sim/cli/lazy.py.)
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
