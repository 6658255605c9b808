"""Find a scenario by path or by the name of a shipped scenario (``island_retake``)."""

from __future__ import annotations

from pathlib import Path

from sim.errors import Problem, ScenarioError

_PACKAGE = Path(__file__).resolve().parent.parent


def scenario_dirs() -> list[Path]:
    """Where shipped scenarios live: ./scenarios, the wheel's data, the source checkout."""
    dirs = [Path.cwd() / "scenarios", _PACKAGE / "_data" / "scenarios", _PACKAGE.parent / "scenarios"]
    seen: list[Path] = []
    for d in dirs:
        if d.is_dir() and d.resolve() not in seen:
            seen.append(d.resolve())
    return seen


def shipped_scenarios() -> dict[str, Path]:
    """Name → file of every shipped scenario (first folder wins)."""
    found: dict[str, Path] = {}
    for d in scenario_dirs():
        for f in sorted(d.glob("*.yaml")):
            found.setdefault(f.stem, f)
    return found


def locate(name_or_path: str | Path) -> Path:
    p = Path(name_or_path)
    if p.exists() or p.suffix in (".yaml", ".yml") or len(p.parts) > 1:
        return p
    shipped = shipped_scenarios()
    if str(name_or_path) in shipped:
        return shipped[str(name_or_path)]
    known = ", ".join(shipped) or "none found"
    raise ScenarioError([Problem(str(name_or_path), 0, 0, "", f"no such file or shipped scenario (shipped: {known})")])
