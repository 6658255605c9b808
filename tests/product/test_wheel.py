"""A planner's first hour after `pip install` of the built wheel (not editable), in a folder outside the
repository: new, check, run, and a shipped sweep by name — all from the wheel's own data."""

from __future__ import annotations

import os
import site
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO


def sh(*args: str | Path, cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    r = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, (args, r.stdout, r.stderr)
    return r.stdout


@pytest.mark.slow
def test_new_check_run_and_a_shipped_sweep_from_an_installed_wheel(tmp_path):
    dist, venv, work = tmp_path / "dist", tmp_path / "venv", tmp_path / "work"
    work.mkdir()
    sh(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", dist, REPO, cwd=tmp_path)
    (wheel,) = dist.glob("exsim-*.whl")
    # A fresh environment holding the wheel alone; the dependencies (numpy, scipy, pydantic, ...) are this
    # interpreter's, listed in a .pth file (plain paths: the editable exsim of this checkout is not among them).
    sh(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    (purelib,) = [Path(p) for p in sh(python, "-c", "import site; print(site.getsitepackages()[0])", cwd=work).split()]
    (purelib / "_exsim_test_deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    sh(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--no-deps",
        "--no-index",
        "--quiet",
        wheel,
        cwd=work,
    )
    exsim = venv / "bin" / "exsim"

    where = sh(python, "-c", "import sim; print(sim.__file__)", cwd=work).strip()
    assert Path(where).is_relative_to(purelib), where  # exsim comes from the wheel, not from the checkout

    assert "wrote plan1.yaml" in sh(exsim, "new", "plan1", cwd=work)
    assert "ok: plan1.yaml" in sh(exsim, "check", "--strict", "plan1.yaml", cwd=work)
    sh(exsim, "run", "plan1.yaml", "--reps", "3", "--out", "out", "-q", cwd=work)
    assert len((work / "out" / "replications.csv").read_text().splitlines()) == 1 + 3
    sh(exsim, "sweep", "medical_helicopters", "--reps", "1", "--executor", "serial", "--out", "sweep", "-q", cwd=work)
    assert (work / "sweep" / "results.sqlite").is_file()

    # every shipped resource, the catalogue that plan1.yaml names included, is read from the wheel's data
    listing = sh(exsim, "list", "--paths", cwd=work)
    data = purelib / "sim" / "_data"
    paths = [Path(line.rsplit("[", 1)[1].rstrip("]")) for line in listing.splitlines() if line.endswith("]")]
    assert len(paths) >= 7 and all(p.is_relative_to(data) for p in paths), listing
    assert str(REPO) not in listing

    # the message catalogues and the report's template travel in the wheel
    told = sh(exsim, "story", "island_retake", "--rep", "1", "--lang", "ru", cwd=work)
    assert "Итоги" in told and "выдвигается" in told
    assert (purelib / "sim" / "locale" / "ru" / "LC_MESSAGES" / "exsim.mo").is_file()
    for page in ("static/projector.js", "static/style.css", "templates/projector.html"):  # exsim serve's pages
        assert (purelib / "sim" / "serve" / page).is_file(), page
    sh(exsim, "report", "out", "-o", "aar.html", cwd=work)
    page = (work / "aar.html").read_text(encoding="utf-8")
    assert 'id="objectives-table"' in page and 'id="replay-data"' in page
