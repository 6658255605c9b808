"""`exsim msel`: the MSEL for the control binder, printable and as CSV, in the class's language."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.check import load_scenario
from sim.cli import main
from tests.conftest import CHROMIUM, REPO, needs_chromium

BIRLESTIK = REPO / "scenarios" / "birlestik_2024.yaml"


def _expected_order() -> list[str]:
    """The flagship's injects and decisions in clock order, read from the YAML file here (not from exsim's
    sorting): timed items by their time, file order on ties (injects before decisions), triggered ones last."""
    s = load_scenario(str(BIRLESTIK)).scenario
    items = [(x.at, i, x.id) for i, x in enumerate([*s.injects, *s.decision_points])]
    timed = sorted((at, i, x) for at, i, x in items if at is not None)
    return [x for _, _, x in timed] + [x for at, _, x in items if at is None]


def test_the_csv_has_one_row_per_inject_and_decision_in_clock_order_with_russian_headings(tmp_path):
    out = tmp_path / "msel.csv"
    r = CliRunner().invoke(main, ["msel", str(BIRLESTIK), "--lang", "ru", "-o", str(out)])
    assert r.exit_code == 0, r.output
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    head, body = rows[0], rows[1:]
    assert head[:2] == ["день", "время или условие"] and "ожидаемые действия" in head
    assert [row[head.index("обозначение")] for row in body] == _expected_order()
    by_id = {row[head.index("обозначение")]: dict(zip(head, row, strict=True)) for row in body}
    radio = by_id["tjk_radio_failure"]
    assert radio["кому"] == "управление таджикской роты, штаб казахстанского компонента"
    assert radio["ожидаемые действия"].startswith("довести приказы до таджикской роты")
    assert radio["проверяемые задачи"] == "овладеть пунктом «высота на полигоне Оймаша» в течение 6 ч (secure_ridge)"
    assert radio["время или условие"] == "Д+0 05:00" and radio["день"] == "День Д+0 (12.07.2024)"
    assert "связь нарушена: (TJK), на 1 ч 30 мин" in radio["последствия"]
    reserve = by_id["reserve"]  # on a trigger alone: its own section, last
    assert reserve["день"] == "По условию"
    assert reserve["время или условие"].startswith("при условии: после (ag_reinforces)")
    assert "резерв не вводить: оставить резерв в Курыке" in reserve["варианты"]
    assert "(принимается, если обучаемые не решат иначе)" in reserve["варианты"].split(" | ")[0]  # hold: the default


def test_the_english_csv_is_in_english(tmp_path):
    out = tmp_path / "msel.csv"
    r = CliRunner().invoke(main, ["msel", "birlestik_2024", "--lang", "en", "-o", str(out)])
    assert r.exit_code == 0, r.output
    head, *body = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    first = dict(zip(head, body[0], strict=True))
    assert first["day"] == "Day D+0 (2024-07-12)" and first["time or trigger"] == "D+0 05:00"
    assert first["to"] == "Uzbek air group HQ, Kazakh component HQ"
    assert first["expected action"].startswith("re-time the ridge attack")


def test_an_unknown_receiver_is_named_at_its_field(tmp_path):
    text = BIRLESTIK.read_text(encoding="utf-8").replace("to: [tjk_company, kaz_component_hq]", "to: [tjk_compny]")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    r = CliRunner().invoke(main, ["msel", str(bad), "-o", str(tmp_path / "m.csv")])
    assert r.exit_code == 2
    assert "injects.1.to.0" in r.output and "tjk_compny" in r.output and "tjk_company" in r.output  # a suggestion


def test_an_output_that_is_neither_html_nor_csv_is_refused(tmp_path):
    r = CliRunner().invoke(main, ["msel", "birlestik_2024", "-o", str(tmp_path / "msel.pdf")])
    assert r.exit_code == 2 and "write .html or .csv" in r.output


def test_check_msel_in_russian_names_things_and_keeps_ids_in_parentheses():
    r = CliRunner().invoke(main, ["check", "--msel", "--lang", "ru", str(BIRLESTIK)])
    assert r.exit_code == 0, r.output
    msel = r.output[r.output.index("План-график ввода вводных") :]
    assert "Вводная (dust_storm): Пыльная буря" in msel
    assert "высота на полигоне Оймаша» в течение 6 ч (secure_ridge): (dust_storm), (tjk_radio_failure)" in msel


@needs_chromium
@pytest.mark.slow
def test_the_printed_msel_has_one_row_per_item_in_clock_order_and_a_page_a_day(tmp_path):
    pytest.importorskip("jinja2")
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader

    page_file = tmp_path / "msel.html"
    r = CliRunner().invoke(main, ["msel", str(BIRLESTIK), "--lang", "ru", "-o", str(page_file)])
    assert r.exit_code == 0, r.output
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(page_file.as_uri())
            assert page.locator("tr.item").count() == len(_expected_order())
            pdf = page.pdf(prefer_css_page_size=True)
        finally:
            browser.close()
    reader = PdfReader(io.BytesIO(pdf))
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (842, 595)  # A4 landscape, in points
    pages = [p.extract_text() for p in reader.pages]
    ids = [m for text in pages for m in re.findall(r"(?:Вводная|Решение)\s+\(([a-z_]+)\):", text)]
    assert ids == _expected_order()
    days = [re.findall(r"День Д\+\d|По условию", text) for text in pages]
    starts = [(i, d[0]) for i, d in enumerate(days) if d]
    assert [d for _, d in starts] == ["День Д+0", "День Д+1", "По условию"]
    assert all(len(d) <= 1 for d in days)  # never two days on one page


def test_the_msel_page_escapes_scenario_text(tmp_path):
    pytest.importorskip("jinja2")
    text = BIRLESTIK.read_text(encoding="utf-8").replace(
        "en: The patrol boat reports a fuel pump failure; repair takes three hours.",
        "en: <script>alert(1)</script> pump failure",
    )
    src = tmp_path / "x.yaml"
    src.write_text(text, encoding="utf-8")
    out = tmp_path / "m.html"
    r = CliRunner().invoke(main, ["msel", str(src), "--lang", "en", "-o", str(out)])
    assert r.exit_code == 0, r.output
    page = Path(out).read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; pump failure" in page
