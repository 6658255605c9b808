"""The schema's models build their validators when first used (``defer_build``), and the defaults built at
import (``default_of``) are what validating the same values gives."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import sim.config.schema  # noqa: F401  (every model of the schema defined)
from sim.config.frozen import Frozen


def models(base: type[Frozen] = Frozen) -> Iterator[type[Frozen]]:
    for sub in base.__subclasses__():
        yield sub
        yield from models(sub)


def frozen_defaults(value: Any) -> Iterator[Frozen]:
    """Every model instance in a field's default (itself, or inside a dict or a list)."""
    if isinstance(value, Frozen):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from frozen_defaults(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from frozen_defaults(v)


def test_each_default_built_at_import_is_the_model_validated_from_its_values():
    """A default built without its validator (``default_of``) that a validator would have changed (an int
    made a float, a value normalised) would make a scenario that omits it differ from one that writes it."""
    found = 0
    for model in set(models()):
        for name, info in model.model_fields.items():
            defaults = list(frozen_defaults(info.default)) if info.default_factory is None else []
            if info.default_factory is not None:
                defaults = list(frozen_defaults(info.default_factory()))  # type: ignore[call-arg]
            for d in defaults:
                found += 1
                given = d.model_dump(include=d.model_fields_set, by_alias=True)
                validated = type(d).model_validate(given)
                where = f"{model.__name__}.{name}"
                assert validated == d, where
                assert validated.model_fields_set == d.model_fields_set, where
                assert repr(validated) == repr(d), where  # the same types too: 1 for a float field is 1.0 validated
    assert found >= 10  # Combat, Logistics, Medical (its hazards), Command, Analysis, Interoperability...


def test_importing_the_schema_builds_no_validator():
    """Building the validators at import would cost exsim run's start-up the schema's whole build even for a
    scenario read back from its cache (a default written ``Field(Combat())`` builds Combat's)."""
    code = (
        "import sim.config.schema\n"
        "from sim.config.frozen import Frozen\n"
        "def subs(c):\n"
        "    for s in c.__subclasses__():\n"
        "        yield s\n"
        "        yield from subs(s)\n"
        "print(sorted({c.__name__ for c in subs(Frozen) if c.__pydantic_complete__}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
