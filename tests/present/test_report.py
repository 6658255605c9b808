"""The after-action report and exsim plot: contents checked against the stored results, computed here."""

from __future__ import annotations

import csv
import html
import re
import statistics
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.present.report import median_replication
from tests.conftest import REPO
from tests.present.test_story import _english_fragments

ISLAND = str(REPO / "scenarios" / "island_retake.yaml")


def invoke(*args: str):
    r = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "run"
    invoke("run", ISLAND, "--seed", "3", "--reps", "12", "--out", str(out), "-q")
    return out


@pytest.fixture(scope="module")
def sweep_folder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "sweep"
    invoke("sweep", ISLAND, "--vary", "units.ls-1.strength=1,2", "--reps", "8", "--out", str(out), "-q")
    return out


def rows(folder: Path) -> list[dict[str, str]]:
    with (folder / "replications.csv").open() as f:
        return list(csv.DictReader(f))


def visible(page: str) -> str:
    """The page's text as a reader sees it: no tags, scripts or styles; metric ids (dim) left out."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r'<span class="dim">.*?</span>', " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_report_of_a_run_holds_its_objectives_and_headline_metrics(run_folder, tmp_path):
    out = tmp_path / "aar.html"
    invoke("report", str(run_folder), "-o", str(out))
    page = out.read_text()
    table = re.search(r'<table id="objectives-table">(.*?)</table>', page, re.S).group(1)
    data = rows(run_folder)
    for name in ("mission_success", "objective.secure_island", "objective.limit_losses"):
        k = sum(1 for r in data if float(r[name]) == 1.0)
        row = re.search(rf"\({re.escape(name)}\)</span></td><td class=\"num\">(\d+) of (\d+)</td>", table)
        assert row is not None and (int(row.group(1)), int(row.group(2))) == (k, len(data)), name
    killed = statistics.fmean(float(r["killed.coalition"]) for r in data)
    assert f"{killed:.2f} people" in page or f"{killed:.1f} people" in page
    assert (
        5
        <= len(re.findall(r"[.!?](?:\s|$)", re.search(r'<section id="summary">.*?<p>(.*?)</p>', page, re.S).group(1)))
        <= 8
    )
    assert page.count('<figure class="chart">') >= 8  # 4 distributions, strength, casualties, queues, stocks, Gantt
    for forbidden in ("<link", "@import", 'src="http', "src='http", "url(http", 'href="http'):
        assert forbidden not in page, forbidden
    met = sum(float(r["mission_success"]) == 1.0 for r in data)  # seed 3: 9 of 12 by the 10:00 deadline
    assert 0 < met < len(data) and f"Every objective was met in {met} of {len(data)} runs" in page
    assert "Every objective was met in every run." not in page
    assert "in most runs" not in page
    secured = [float(r["time_to_secure_h.island"]) for r in data if r["time_to_secure_h.island"]]
    chosen = int(re.search(r"Replication (\d+) in detail", page).group(1))
    assert float(data[chosen]["time_to_secure_h.island"]) == statistics.median_low(secured)


def test_median_replication_is_the_lower_median_and_skips_missing_values():
    nan = float("nan")
    data = [{"replication": i, "x": v} for i, v in enumerate([5.0, nan, 1.0, 3.0, 9.0, 7.0])]
    assert median_replication(data, "x") == 0  # 1, 3, 5, 7, 9: the median 5 is replication 0
    data = [{"replication": i, "x": v} for i, v in enumerate([5.0, nan, 1.0, 4.0])]
    assert median_replication(data, "x") == 3  # 1, 4, 5: the median 4 is replication 3
    assert median_replication(data, None) == 0


def test_report_of_a_sweep_charts_each_headline_metric_across_points(sweep_folder, tmp_path):
    out = tmp_path / "sweep.html"
    invoke("report", str(sweep_folder), "-o", str(out))
    page = out.read_text()
    section = re.search(r'<section id="sweep">(.*?)</section>', page, re.S).group(1)
    assert section.count('<figure class="chart">') == 7  # mission, 2 objectives and 4 headline metrics
    assert "ls-1.strength=1<" in section and "ls-1.strength=2<" in section
    for chart in re.findall(r'<figure class="chart">(.*?)</figure>', section, re.S):  # points named, not numbered
        assert re.search(r"<text[^>]*>[^<]*ls-1\.strength=1<", chart) and re.search(r"<text[^>]*>[^<]*=2<", chart)
    assert re.search(r"<td>(better|worse|no detectable difference|higher|lower)</td>", section)


def test_russian_report_has_no_untranslated_english_message(run_folder, tmp_path):
    out = tmp_path / "aar_ru.html"
    invoke("report", str(run_folder), "-o", str(out), "--lang", "ru")
    text = visible(out.read_text())
    leaks = [p for p in _english_fragments() if p in text]
    assert not leaks, leaks
    assert "Задачи" in text and "Разбор" in text and 'lang="ru"' in out.read_text()


@pytest.mark.parametrize("suffix", [".png", ".svg", ".html"])
def test_plot_of_a_sweep_metric(sweep_folder, tmp_path, suffix):
    out = tmp_path / f"ships{suffix}"
    invoke("plot", str(sweep_folder), "--metric", "time_to_secure_h.island", "-o", str(out))
    body = out.read_bytes()
    if suffix == ".png":
        assert body.startswith(b"\x89PNG") and len(body) > 5000
    else:
        assert b"<svg" in body and b"time until" in body


def test_plot_of_a_run_is_its_distribution(run_folder, tmp_path):
    out = tmp_path / "killed.svg"
    invoke("plot", str(run_folder), "--metric", "killed.coalition", "-o", str(out))
    assert out.read_text().count('<g id="patch_') >= 3  # background, axes, and at least one bar


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--metric", "nope", "-o", "x.png"], "unknown metric"),
        (["--metric", "killed.coalition", "-o", "x.pdf"], ".png, .svg or .html"),
    ],
)
def test_plot_errors_are_one_line(run_folder, tmp_path, args, message):
    r = CliRunner().invoke(main, ["plot", str(run_folder), *args])
    assert r.exit_code == 2 and message in r.output and "Traceback" not in r.output


def test_units_aboard_move_with_their_transport_on_the_map(island):
    from sim.experiment.runner import run_replication
    from sim.present import tracks

    events = run_replication(island, 2024, 15, trace=True).events
    sail = next(e for e in events if e["kind"] == "depart" and e["unit"] == "ls-1")
    arrive = next(e for e in events if e["kind"] == "arrive" and e["unit"] == "ls-1" and e["t"] > sail["t"])
    frames = tracks.positions(island, events)
    middle = (sail["t"] + arrive["t"]) / 2
    where = {unit: tracks.at(frames[unit], middle) for unit in ("ls-1", "mar-1", "mar-2")}
    for unit, (a, b, k) in where.items():  # on the first leg, by Tokmak roads (tests/present/test_map.py)
        assert (a, b) == ("kuryk_port", "tokmak_roads") and 0 < k < 1, unit
        assert k == pytest.approx(where["ls-1"][2]), unit  # aboard: where the ship is
    assert tracks.at(frames["mar-1"], 0.0) == ("kuryk_port", "kuryk_port", 0.0)
    landed = next(e for e in events if e["kind"] == "disembark" and e["unit"] == "mar-1")
    assert tracks.at(frames["mar-1"], landed["t"] + 1)[:2] == ("island_beach", "island_beach")
    assert tracks.at(frames["ls-1"], landed["t"] + 1)[0] == "island_beach", "the ship sails home alone"
    assert tracks.at(frames["mar-1"], landed["t"] + 1)[:2] != tracks.at(frames["ls-1"], landed["t"] + 1)[:2]


def test_without_the_report_extra_report_and_plot_say_what_to_install(run_folder, tmp_path, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "matplotlib" else real(name, *a))
    for args in (
        ["report", str(run_folder), "-o", str(tmp_path / "a.html")],
        ["plot", str(run_folder), "--metric", "killed.coalition", "-o", str(tmp_path / "a.png")],
    ):
        r = CliRunner().invoke(main, args)
        assert r.exit_code == 2 and "pip install '.[report]'" in r.output and "matplotlib" in r.output
        assert not (tmp_path / "a.html").exists()


@pytest.mark.parametrize("name", ["trans_caspian_logistics", "medical_chain", "birlestik_2024"])
def test_every_other_shipped_scenario_has_a_report(name, tmp_path):
    import json

    from sim.check import load_scenario

    invoke("run", name, "--reps", "2", "--out", str(tmp_path / "run"), "-q")
    invoke("report", str(tmp_path / "run"), "-o", str(tmp_path / "aar.html"), "--lang", "ru")
    page = (tmp_path / "aar.html").read_text()
    scenario = load_scenario(name).scenario
    rows = re.search(r'<table id="objectives-table">(.*?)</table>', page, re.S).group(1).count("<tr>")
    assert rows == 1 + 1 + len(scenario.objectives)  # the header, mission_success, each objective
    data = json.loads(
        re.search(r'<script type="application/json" id="replay-data">(.*?)</script>', page, re.S).group(1)
    )
    assert [u["id"] for u in data["units"]] == [u.id for u in scenario.units]
    assert set(data["places"]) == set(scenario.map.places)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("on average 3 casualties entered the chain of care.", "On average 3 casualties entered the chain of care."),
        ("coalition: 5 killed and 2 wounded.", "Coalition: 5 killed and 2 wounded."),
        ("oymasha_ridge secured within 6 h: met.", "oymasha_ridge secured within 6 h: met."),  # an id, as written
        ("mar-1 ran out of water.", "mar-1 ran out of water."),
        ("коалиция: 5 убитых.", "Коалиция: 5 убитых."),
    ],
)
def test_the_summary_s_sentences_start_with_a_capital_unless_they_start_with_an_id(text, shown):
    from sim.present.i18n import sentence

    assert sentence(text) == shown


def test_russian_report_s_map_names_its_routes_in_russian_and_the_footer_names_the_real_folder(run_folder, tmp_path):
    latest = tmp_path / "latest"  # the alias exsim keeps beside a group's runs
    latest.symlink_to(run_folder, target_is_directory=True)
    out = tmp_path / "aar_ru.html"
    invoke("report", str(latest), "-o", str(out), "--lang", "ru")
    page = out.read_text()
    assert "порт Курык – рейд Токмак: 48 км (море)" in page and " km (" not in page
    assert ": 1,5 км (море)" in page and "1.5 км" not in page  # the last leg to the island beach: a decimal comma
    assert f"по результатам {run_folder.name}." in page and "latest" not in visible(page)


def test_russian_sweep_report_writes_percentage_points_in_russian(sweep_folder, tmp_path):
    out = tmp_path / "sweep_ru.html"
    invoke("report", str(sweep_folder), "-o", str(out), "--lang", "ru")
    section = re.search(r'<section id="sweep">(.*?)</section>', out.read_text(), re.S).group(1)
    assert re.search(r"<td class=\"num\">[+-][\d.]+ п\.п\.</td>", section) and " pp<" not in section
