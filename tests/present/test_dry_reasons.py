"""Every reason the supply model gives for a unit running dry has its sentence in the story (and its Russian)."""

from __future__ import annotations

import ast
import inspect

from sim.models.supply_lines import LinesState
from sim.present.families.logistics import DRY
from sim.present.i18n import language


def _reasons() -> set[str]:
    """The string constants ``why_dry`` returns, read from its source (not from the table under test)."""
    tree = ast.parse(inspect.getsource(LinesState.why_dry).strip().replace("\n    ", "\n"))
    return {
        node.value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Constant)
    }


def test_every_reason_for_running_dry_is_told_in_english_and_russian():
    reasons = _reasons()
    assert {"no_line", "depot_empty", "depot_away", "too_slow"} <= reasons  # the reading found the returns
    assert reasons <= set(DRY), reasons - set(DRY)
    ru = language("ru")
    assert all(ru._(DRY[r]) != DRY[r] for r in reasons)
