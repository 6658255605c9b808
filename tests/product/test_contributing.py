"""CONTRIBUTING.md's "Adding a model", followed step by step: every metric family has a label in every
language; the toy model of the page, built in a copy of the repository from the page's own code, runs
and is told in Russian; leaving out a step fails the test that guards it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from sim.check import load_scenario
from sim.models import catalogue as catalogue_module
from sim.models import registry
from sim.models.catalogue import catalogue
from sim.present.labels import FAMILY
from tests.conftest import REPO

PAGE = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
LABELLED_ELSEWHERE = {"objective"}  # objective.<id> is worded from the objective itself (Labels.objective)


def _translations(lang: str, root: Path = REPO) -> dict[str, str]:
    with (root / "sim" / "locale" / lang / "LC_MESSAGES" / "exsim.po").open("rb") as f:
        return {str(m.id): str(m.string) for m in read_po(f) if m.id}


def test_every_metric_family_has_a_label_in_every_language():
    families = set().union(*registry.METRICS.values()) - LABELLED_ELSEWHERE
    unlabelled = sorted(families - set(FAMILY))
    assert not unlabelled, f"metric families with no label in sim/present/labels.py FAMILY: {unlabelled}"
    russian = _translations("ru")
    untranslated = sorted(f for f in families if not russian.get(FAMILY[f]))
    assert not untranslated, f"metric family labels with no Russian translation: {untranslated}"


def test_every_model_lists_its_metric_families():
    assert {m.NAME for m in registry.MODELS} | {"objectives"} == set(registry.METRICS)


def test_the_catalogue_refuses_a_metric_of_a_family_not_listed(monkeypatch):
    s = load_scenario("island_retake").scenario
    assert "killed.coalition" in catalogue(s)
    listed = dict(registry.METRICS)
    listed["combat"] = listed["combat"] - {"killed"}
    monkeypatch.setattr(registry, "METRICS", listed)
    catalogue_module._cached.cache_clear()
    try:
        with pytest.raises(RuntimeError, match=re.escape("model 'combat' declares metric 'killed.coalition'")):
            catalogue(s)
    finally:
        catalogue_module._cached.cache_clear()


# --- the toy model, built by the page's steps ---------------------------------------------------------------


def _section(number: int) -> str:
    """The text of step ``number`` of "Adding a model"."""
    match = re.search(rf"^### {number}\. .*?(?=^### |\Z)", PAGE, re.S | re.M)
    assert match, f"CONTRIBUTING.md has no step {number}"
    return match.group(0)


def _blocks(text: str, lang: str) -> list[tuple[str | None, str]]:
    """The fenced blocks of ``lang`` in ``text``: (the file named by title="…" or None, the code)."""
    return [(m.group(1), m.group(2)) for m in re.finditer(rf'```{lang}(?: title="([^"]+)")?\n(.*?)```', text, re.S)]


def _replace(path: Path, anchor: str, text: str) -> None:
    source = path.read_text(encoding="utf-8")
    assert source.count(anchor) == 1, f"{path.name}: the anchor {anchor!r} is not there once"
    path.write_text(source.replace(anchor, text), encoding="utf-8")


def _insert_after(path: Path, anchor: str, text: str) -> None:
    _replace(path, anchor, anchor + text)


def _write_files(root: Path, step: int) -> None:
    """The step's new files, from the page's titled blocks."""
    for name, code in _blocks(_section(step), "python"):
        if name is not None:
            (root / name).write_text(code, encoding="utf-8")


def _register(root: Path) -> None:
    text = _section(3)
    registry_py = root / "sim" / "models" / "registry.py"
    _add_to_models(registry_py)
    for mapping in ("EVENTS", "METRICS"):
        line = re.search(rf"^{mapping}\[daylight\.NAME\] = (.*?)\s+#", text, re.M)
        assert line, f"step 3 shows no {mapping} line"
        anchor = f"{mapping}: Mapping[str, frozenset[str]] = MappingProxyType(\n    {{\n"
        _insert_after(registry_py, anchor, f"        daylight.NAME: {line.group(1)},\n")


def _add_to_models(registry_py: Path) -> None:
    _insert_after(registry_py, "from sim.models.contract import Model\n", "from sim.models import daylight\n")
    _replace(registry_py, "    orders,\n)", "    orders,\n    daylight,\n)")  # installed last


def _label(root: Path) -> None:
    (code,) = [c for name, c in _blocks(_section(4), "python") if name is None]
    _insert_after(root / "sim" / "present" / "labels.py", "FAMILY = {\n", code)


def _translate(root: Path) -> None:
    run = [sys.executable, str(root / "tools" / "catalogue.py")]
    subprocess.run(run, cwd=root, check=True, capture_output=True)
    po = root / "sim" / "locale" / "ru" / "LC_MESSAGES" / "exsim.po"
    source = po.read_text(encoding="utf-8")
    ((block,),) = [(c,) for _, c in _blocks(_section(6), "po")]
    for msgid, msgstr in re.findall(r'msgid "(.*)"\nmsgstr "(.*)"', block):
        empty = f'msgid "{msgid}"\nmsgstr ""'  # absent where the step that writes the message was left out
        source = source.replace(empty, f'msgid "{msgid}"\nmsgstr "{msgstr}"')
    po.write_text(source, encoding="utf-8")
    subprocess.run(run, cwd=root, check=True, capture_output=True)


def _family(root: Path) -> None:
    _write_files(root, 5)
    families = root / "sim" / "present" / "families" / "__init__.py"
    _insert_after(families, "from sim.present.family import Family\n", "from sim.present.families import daylight\n")
    _insert_after(families, "FAMILIES: tuple[Family, ...] = (\n", "    daylight.FAMILY,\n")


STEPS = {"model": lambda root: _write_files(root, 2), "register": _register, "label": _label}
STEPS |= {"family": _family, "translate": _translate}  # in the page's order


def _built(tmp_path: Path, leave_out: str | None = None) -> Path:
    root = tmp_path / "repo"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".venv*", "results")
    for part in ("sim", "tests", "tools", "scenarios", "configs"):
        shutil.copytree(REPO / part, root / part, ignore=ignore)
    for name in ("pyproject.toml", "CONTRIBUTING.md"):
        shutil.copy(REPO / name, root)
    for name, step in STEPS.items():
        if name != leave_out:
            step(root)
    return root


def _run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([sys.executable, *args], cwd=root, env=env, capture_output=True, text=True, timeout=600)


TOLD = "tests/present/test_told.py"
GUARDS = [
    f"{TOLD}::test_every_kind_a_model_declares_is_told_or_declared_silent",
    f"{TOLD}::test_the_declaration_holds_every_kind_the_code_emits",
    "tests/product/test_contributing.py::test_every_metric_family_has_a_label_in_every_language",
    "tests/product/test_contributing.py::test_every_model_lists_its_metric_families",
]
TELL = """
from sim.check import load_scenario
from sim.experiment.replay import trace
from sim.models.catalogue import catalogue
from sim.present.i18n import language
from sim.present.labels import Labels
from sim.present.story import Narrator
import sim.models.daylight

s = load_scenario("medical_chain").scenario
print("nights column:", "nights" in catalogue(s))
print("label:", Labels(s, language("ru")).metric("nights", catalogue(s)["nights"]))
for line in Narrator(s, language("ru")).feed(trace(s, s.scenario.seed, 0).events):
    print("story:", line.t, line.text)
"""


@pytest.mark.slow
def test_the_toy_model_built_by_the_pages_steps_runs_and_is_told_in_russian(tmp_path):
    root = _built(tmp_path)
    told = _run(root, "-c", TELL)
    assert told.returncode == 0, told.stderr
    assert "nights column: True" in told.stdout
    assert "label: ночей за время прогона" in told.stdout
    nights = [line for line in told.stdout.splitlines() if line.endswith("Наступает ночь.")]
    assert [line.split()[1] for line in nights] == ["720.0"], "medical_chain runs 24 h: one nightfall, at 12 h"
    guards = _run(root, "-m", "pytest", "-n", "0", "-p", "no:cacheprovider", "-q", *GUARDS)
    assert guards.returncode == 0, guards.stdout[-3000:]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("leave_out", "fails"),
    [
        ("label", "test_every_metric_family_has_a_label_in_every_language"),
        ("translate", "test_every_metric_family_has_a_label_in_every_language"),
        ("family", "test_every_kind_a_model_declares_is_told_or_declared_silent"),
    ],
)
def test_leaving_out_a_step_fails_its_guard(tmp_path, leave_out, fails):
    root = _built(tmp_path, leave_out=leave_out)
    guards = _run(root, "-m", "pytest", "-n", "0", "-p", "no:cacheprovider", "-q", *GUARDS)
    assert guards.returncode == 1, guards.stdout[-3000:]
    failed = re.findall(r"^FAILED \S+::(\w+)", guards.stdout, re.M)
    assert failed == [fails], guards.stdout[-3000:]


def test_leaving_out_the_metric_families_stops_the_catalogue(tmp_path):
    root = tmp_path / "repo"
    for part in ("sim", "scenarios", "configs"):
        shutil.copytree(REPO / part, root / part, ignore=shutil.ignore_patterns("__pycache__"))
    _write_files(root, 2)
    _add_to_models(root / "sim" / "models" / "registry.py")
    script = "from sim.check import load_scenario\nload_scenario('island_retake')\n"
    ran = _run(root, "-c", script)
    assert ran.returncode == 1
    assert "model 'daylight' declares metric 'nights', whose family is not in sim.models.registry.METRICS" in ran.stderr
