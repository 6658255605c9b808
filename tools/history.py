"""exsim's combat model against history: a validity table from CDB90.

    python tools/history.py            # print the table (Markdown)
    python tools/history.py --write    # and write it into docs/planning_factors.md (between its markers)

The data: CDB90, the CAA Database of Battles (US Army Concepts Analysis Agency, 1990; Helmbold 1993, 1995),
in the tidy version by Jeffrey Arnold (github.com/jrnold/CDB90), licensed ODC-By; this attribution goes
with every table or figure derived from it. The columns used are in tools/data/cdb90 (see its README); set
EXSIM_CDB90 to another copy of the tidy files to use that instead.

What the table holds, for 20th-century battles (1900 on) whose strengths, casualties and duration are known:
- each side's daily casualty rate, 100 * casualties / initial strength / duration in days (CDB90 counts a
  battle's days from its first to its last, at least one), by the defender's posture (hasty, prepared,
  fortified) and by force ratio (attacker / defender strength), as median and interquartile range;
- beside it, exsim's combat model with the shipped catalogue: a marine infantry company attacking armed-group
  fighters (configs/units.yaml), the flagship's breakpoints and the default combat settings, at the bin's
  median force ratio, on a place whose defence is open (hasty), prepared or fortified; its rate is counted the
  same way (an engagement's days rounded up, at least one);
- a calibration of P(attacker wins): exsim's share of replications won by the attacker against the share of
  battles the attacker won (a draw counts as not won), by force-ratio bin.
"""

from __future__ import annotations

import csv
import math
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DATA = Path(os.environ.get("EXSIM_CDB90", ROOT / "tools" / "data" / "cdb90"))
DOC = ROOT / "docs" / "planning_factors.md"
BEGIN, END = "<!-- history: begin (python tools/history.py --write) -->", "<!-- history: end -->"
POSTURES = {"HD": "hasty", "PD": "prepared", "FD": "fortified"}
DEFENCE = {"hasty": "open", "prepared": "prepared", "fortified": "fortified"}  # exsim's place defence
BINS = ((0.0, 1.5), (1.5, 3.0), (3.0, math.inf))
ATTRIBUTION = (
    "Data: CDB90, the CAA Database of Battles (US Army Concepts Analysis Agency, 1990), tidy version by "
    "Jeffrey Arnold (github.com/jrnold/CDB90), ODC-By."
)


@dataclass(frozen=True)
class Battle:
    isqno: str
    year: int
    posture: str  # hasty, prepared, fortified
    ratio: float  # attacker / defender initial strength
    att_rate: float  # attacker casualties, % of its strength per day
    def_rate: float
    attacker_won: bool


def _num(x: str) -> float | None:
    try:
        v = float(x)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def battles(data: Path = DATA, since: int = 1900) -> list[Battle]:
    """The battles usable for the table, in file order."""
    with (data / "battles.csv").open(encoding="utf-8") as f:
        meta = {r["isqno"]: r for r in csv.DictReader(f)}
    with (data / "battle_durations.csv").open(encoding="utf-8") as f:
        dur = {r["isqno"]: r for r in csv.DictReader(f)}
    sides: dict[str, dict[bool, dict[str, str]]] = {}
    with (data / "belligerents.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            sides.setdefault(r["isqno"], {})[r["attacker"] == "1"] = r
    out = []
    for q, b in meta.items():
        d, s = dur.get(q), sides.get(q, {})
        if d is None or True not in s or False not in s or b["post1"] not in POSTURES:
            continue
        year = int(d["datetime"][:4]) if d["datetime"][:4].isdigit() else None
        days = _num(d["duration1"])
        a_str, d_str = _num(s[True]["intst"]), _num(s[False]["intst"])
        a_cas, d_cas = _num(s[True]["cas"]), _num(s[False]["cas"])
        if year is None or year < since or not days or not a_str or not d_str or a_cas is None or d_cas is None:
            continue
        out.append(
            Battle(
                q,
                year,
                POSTURES[b["post1"]],
                a_str / d_str,
                100 * a_cas / a_str / days,
                100 * d_cas / d_str / days,
                b["wina"] == "1",  # 1: the attacker won; 0: a draw; blank: the defender won
            )
        )
    return out


def bin_of(ratio: float) -> int:
    return next(i for i, (lo, hi) in enumerate(BINS) if lo <= ratio < hi)


def quartiles(xs: list[float]) -> tuple[float, float, float]:
    """Median and interquartile range (numpy's default linear interpolation)."""
    q1, med, q3 = np.percentile(np.asarray(xs, float), [25, 50, 75])
    return float(med), float(q1), float(q3)


def historical(bs: list[Battle]) -> dict[tuple[str, int], dict[str, object]]:
    """(posture, bin) -> n, median force ratio, attacker and defender rates (median, q1, q3), attacker wins."""
    groups: dict[tuple[str, int], list[Battle]] = {}
    for b in bs:
        groups.setdefault((b.posture, bin_of(b.ratio)), []).append(b)
    return {
        key: {
            "n": len(g),
            "ratio": float(np.median([b.ratio for b in g])),
            "att": quartiles([b.att_rate for b in g]),
            "def": quartiles([b.def_rate for b in g]),
            "won": sum(b.attacker_won for b in g) / len(g),
        }
        for key, g in sorted(groups.items(), key=lambda kv: (list(POSTURES.values()).index(kv[0][0]), kv[0][1]))
    }


DUEL = """\
scenario: {{name: history, duration: 10d, seed: 1}}
catalog: exsim:units
map:
  places:
    start: {{kind: training_area, lat: 43.5, lon: 51.3}}
    hill: {{kind: objective, lat: 43.51, lon: 51.3, defence: {defence}}}
  routes:
    - {{from: start, to: hill, mode: land, distance_km: 1}}
sides:
  att: {{break_fraction: {fa}}}
  dfd: {{break_fraction: {fd}}}
units:
  - {{id: a, type: marine_infantry_company, side: att, at: start, strength: {a}}}
  - {{id: d, type: armed_group_fighters, side: dfd, at: hill, strength: {d}}}
phases:
  - id: attack
    orders: [{{unit: a, do: assault, target: hill}}]
"""


def modelled(posture: str, ratio: float, reps: int = 40, defenders: int = 100) -> dict[str, float]:
    """exsim's attacker and defender daily rates (median) and P(attacker wins) at ``ratio`` and ``posture``."""
    from sim.check import load_scenario
    from sim.experiment import run_replication

    flagship = load_scenario("birlestik_2024").scenario
    fa, fd = flagship.sides["coalition"].break_fraction, flagship.sides["armed_group"].break_fraction
    text = DUEL.format(defence=DEFENCE[posture], fa=fa, fd=fd, a=max(1, round(ratio * defenders)), d=defenders)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "history.yaml"
        path.write_text(text, encoding="utf-8")
        s = load_scenario(path).scenario
    att, dfd, won = [], [], 0
    a0 = max(1, round(ratio * defenders))
    for i in range(reps):
        m = run_replication(s, 1, i).metrics
        days = max(1, math.ceil(m["engagement_h.hill"] / 24 - 1e-9))
        att.append(100 * (m["killed.att"] + m["wounded.att"]) / a0 / days)
        dfd.append(100 * (m["killed.dfd"] + m["wounded.dfd"]) / defenders / days)
        won += int(m["secured.hill"])
    return {"att": float(np.median(att)), "def": float(np.median(dfd)), "won": won / reps}


def _bin_name(i: int) -> str:
    lo, hi = BINS[i]
    return f"< {hi:g}" if lo == 0 else f"≥ {lo:g}" if hi == math.inf else f"{lo:g}–{hi:g}"


def table(bs: list[Battle] | None = None, reps: int = 40) -> str:
    """The validity table in Markdown, with the CDB90 attribution."""
    hist = historical(battles() if bs is None else bs)
    rows = [
        "| posture | force ratio | battles | attacker % a day: median (IQR) | exsim | "
        "defender % a day: median (IQR) | exsim | attacker won | exsim P(win) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for (posture, b), h in hist.items():
        m = modelled(posture, h["ratio"], reps)  # type: ignore[arg-type]
        am, aq1, aq3 = h["att"]  # type: ignore[misc]
        dm, dq1, dq3 = h["def"]  # type: ignore[misc]
        a_in = "" if aq1 <= m["att"] <= aq3 else " ✗"
        d_in = "" if dq1 <= m["def"] <= dq3 else " ✗"
        rows.append(
            f"| {posture} | {_bin_name(b)} (median {h['ratio']:.2f}) | {h['n']} | {am:.1f} ({aq1:.1f}–{aq3:.1f}) | "
            f"{m['att']:.1f}{a_in} | {dm:.1f} ({dq1:.1f}–{dq3:.1f}) | {m['def']:.1f}{d_in} | "
            f"{100 * h['won']:.0f} % | {100 * m['won']:.0f} % |"  # type: ignore[operator]
        )
    return "\n".join(rows) + "\n\n✗: exsim outside the historical interquartile range.\n\n" + ATTRIBUTION + "\n"


def write(text: str, doc: Path | None = None) -> None:
    """Put ``text`` between the page's markers (default page: DOC, looked up when called)."""
    doc = DOC if doc is None else doc
    page = doc.read_text(encoding="utf-8")
    head, _, rest = page.partition(BEGIN)
    _, _, tail = rest.partition(END)
    doc.write_text(f"{head}{BEGIN}\n{text}{END}{tail}", encoding="utf-8")


def main(argv: list[str]) -> int:
    text = table()
    print(text)
    if "--write" in argv:
        write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
