"""Building blocks shared by every schema module.

Every number in a scenario is finite (``allow_inf_nan=False`` on the base) and every count or
quantity has a sane ceiling, so that nonsense such as a strength of 1e12 or a stock near 2**63 is
refused with its file:line instead of making a replication run for hours.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

# Ceilings: far above any exercise (a brigade is a few thousand people; a tanker carries a few
# thousand tonnes), far below where float time or event counts stop behaving.
MAX_COUNT = 100_000  # elements of a unit, casualties of one event, teams, beds, sorties
MAX_QUANTITY = 1e9  # litres or tonnes, per stock, trip or hour; kilometres; km/h; factors

Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_-]*$", max_length=64)]
# a human-facing text: one string, or one per language code (sim.config.text.pick chooses)
LangCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")]


class HumanText:
    """Marks a field as a text readers see (``exsim check --lang`` lists those with no text in a language)."""


Text = Annotated[
    str | dict[LangCode, Annotated[str, StringConstraints(min_length=1)]],
    Field(description="one text, or one per language code (en, ru)"),
    HumanText(),
]
PositiveFloat = Annotated[float, Field(gt=0.0, le=MAX_QUANTITY)]
Quantity = Annotated[float, Field(ge=0.0, le=MAX_QUANTITY)]
Count = Annotated[int, Field(gt=0, le=MAX_COUNT)]
Fraction = Annotated[float, Field(ge=0.0, le=1.0)]


class Frozen(BaseModel):
    """Base of every schema model: immutable, unknown fields are errors, NaN and infinity are refused."""

    # defer_build: a model builds its validator when first used, not at import; a scenario read back from
    # exsim run's cache (sim/check/cache.py) is never validated, and most of the schema is never built
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False, defer_build=True)


F = TypeVar("F", bound=Frozen)


def default_of(model: type[F], **values: Any) -> F:
    """``model(**values)`` for a schema default, built without running the model's validator.

    A default written ``Field(Combat())`` is built at import, and building it would build ``Combat``'s
    validator there and then, which ``defer_build`` puts off until a scenario is validated (never, for a
    scenario read back from exsim run's cache). Only for constants of models with no validator that
    changes what they hold: tests/config/test_frozen.py checks that each default so built equals the
    same model validated from the same values.
    """
    return cast(F, model.model_construct(**values))
