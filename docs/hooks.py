"""mkdocs hooks: pages generated from exsim itself at build time (never committed, so never stale).

- reference/scenario.md, reference/sweep.md and reference/sensitivity.md: from the JSON Schemas `exsim schema` prints;
- metrics.md: from the metrics a replication of each shipped scenario reports.
"""

from __future__ import annotations

import json
from typing import Any

from mkdocs.structure.files import File, Files

PAGES = {
    "reference/scenario.md": "scenario",
    "reference/sweep.md": "sweep",
    "reference/sensitivity.md": "sensitivity",
    "metrics.md": "metrics",
}


def on_files(files: Files, config: Any) -> Files:
    for uri, what in PAGES.items():
        files.append(File.generated(config, uri, content=render(what)))
    return files


def render(what: str) -> str:
    from sim.config.json_schema import json_schema, scenario_schema
    from sim.experiment.design import SweepSpec

    if what == "scenario":
        return reference(scenario_schema(), "Scenario reference", SCENARIO_INTRO)
    if what == "sweep":
        return reference(json_schema(SweepSpec, "exsim sweep", under="sweep"), "Sweep reference", SWEEP_INTRO)
    if what == "sensitivity":
        from sim.experiment.sensitivity import StudySpec

        doc = json_schema(StudySpec, "exsim sensitivity", under="sensitivity")
        return reference(doc, "Sensitivity study reference", STUDY_INTRO)
    return metrics_page()


SCENARIO_INTRO = """\
Every field a scenario file may hold, generated from the schema exsim validates against (`exsim
schema` prints it as JSON Schema). Unknown fields are errors. Times are explained in
[Times and durations](../times.md). Put `# yaml-language-server: $schema=scenario.schema.json` at the
top of a scenario, and `exsim schema > scenario.schema.json` beside it, for an editor that completes
and checks these fields as you type (`exsim new` does both).
"""

SWEEP_INTRO = """\
A sweep file holds one mapping, `sweep:`, with the fields below (`exsim schema --sweep` prints them
as JSON Schema; `# yaml-language-server: $schema=sweep.schema.json` at the top of the file lets an
editor check it). Shipped sweeps run by name: `exsim sweep island_landing_ships`.
"""


STUDY_INTRO = """\
A sensitivity study file holds one mapping, `sensitivity:`, with the fields below (`exsim schema --sensitivity`
prints them as JSON Schema). `exsim sensitivity FILE` runs it; see [Which factor matters](../sensitivity.md).
"""


def reference(doc: dict[str, Any], title: str, intro: str) -> str:
    """One section per object of the schema, in the order a reader meets them from the top."""
    defs = doc.get("$defs", {})
    lines = [f"# {title}", "", intro, ""]
    for name, obj in _reachable(doc, defs):
        lines += [f"## {name}", "", obj.get("description", "").strip(), ""]
        lines += ["| field | type | default | meaning | example |", "|---|---|---|---|---|"]
        required = set(obj.get("required", []))
        for prop, spec in obj.get("properties", {}).items():
            default = "required" if prop in required else _code(spec.get("default"))
            if "$ref" in spec and isinstance(spec.get("default"), dict):
                default = "its fields' defaults"
            example = _code(spec["examples"][0]) if spec.get("examples") else ""
            lines.append(f"| `{prop}` | {_type(spec)} | {default} | {_cell(spec.get('description', ''))} | {example} |")
        lines.append("")
    return "\n".join(lines)


def _reachable(doc: dict[str, Any], defs: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    order, seen, todo = [], set(), [("Top level", doc)]
    while todo:
        name, obj = todo.pop(0)
        order.append((name, obj))
        for ref in _refs(obj.get("properties", {})):
            if ref not in seen:
                seen.add(ref)
                todo.append((ref, defs[ref]))
    return order


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"].rsplit("/", 1)[-1]] if "$ref" in node else []
        return found + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def _type(spec: dict[str, Any]) -> str:
    if "$ref" in spec:
        name = spec["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    if "enum" in spec:
        return " \\| ".join(f"`{v}`" for v in spec["enum"])
    if "const" in spec:
        return f"`{spec['const']}`"
    for key in ("anyOf", "oneOf"):
        if key in spec:
            if any(s.get("pattern") and "H" in s["pattern"] for s in spec[key]):
                return "time"
            if any(s.get("pattern") and "min" in s["pattern"] for s in spec[key]) and key == "anyOf":
                return "duration"
            kinds = [_type(s) for s in spec[key] if s.get("type") != "null"]
            return " or ".join(dict.fromkeys(kinds))
    kind = spec.get("type", "")
    if isinstance(kind, list):
        return " or ".join(k for k in kind if k != "null")
    if kind == "array":
        return f"list of {_type(spec.get('items', {}))}"
    values = [*spec.get("patternProperties", {}).values(), spec.get("additionalProperties")]
    if kind == "object" and isinstance(values[0], dict):
        return f"map of name to {_type(values[0])}"
    return kind


def _code(value: Any) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, separators=(", ", ": "))
    return "`" + " ".join(text.split()).replace("|", "\\|") + "`"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


METRICS_INTRO = """\
What a replication reports: every metric the models declare for the four shipped scenarios, read
from exsim's metric catalogue at build time (the same declarations the summary, sweeps and `compare`
use). Metrics come in families: the part of a name after the first dot names a place, side, unit,
supply class, supply line, port or facility of the scenario. Rates (0/1 outcomes) are summarised with
Wilson intervals, the rest with Student-t intervals. *Better* is the direction that is better for the
metric's side (*neither*: a quantity to know, not to judge).
"""


def metrics_page() -> str:
    from sim.check import load_scenario
    from sim.config.locate import shipped

    by_scenario = {name: metric_specs(load_scenario(name).scenario) for name in sorted(shipped("scenario"))}
    families: dict[str, list[Any]] = {}
    for specs in by_scenario.values():
        for spec in specs:
            families.setdefault(spec.family, []).append(spec)
    lines = ["# Metric catalogue", "", METRICS_INTRO, "", "## Families", ""]
    lines += ["| family | kind | unit | better | for example |", "|---|---|---|---|---|"]
    for family, specs in families.items():
        first = specs[0]
        lines.append(
            f"| `{family}` | {first.kind} | {first.unit or '-'} | {first.better} | "
            f"`{first.name}`: {_cell(first.description)} |"
        )
    for name, specs in by_scenario.items():
        lines += ["", f"## {name}", "", "| metric | meaning | kind | unit | better |", "|---|---|---|---|---|"]
        lines += [f"| `{m.name}` | {_cell(m.description)} | {m.kind} | {m.unit or '-'} | {m.better} |" for m in specs]
    return "\n".join(lines) + "\n"


def metric_specs(scenario: Any) -> list[Any]:
    """The metrics a replication of ``scenario`` reports, as the models declare them."""
    from sim.models.catalogue import catalogue

    return list(catalogue(scenario))
