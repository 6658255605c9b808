"""Write sim/experiment/t_table.py: Student-t quantiles from scipy, once, so that ``exsim run`` needs no scipy.

    python tools/t_table.py           # after changing the levels or the degrees of freedom kept
    python tools/t_table.py --check   # exit 1 if the file is not what this would write (a test runs it)

For each two-sided level (0.90, 0.95, 0.99) the quantile at p = 0.5 + level/2 for 1 to ``MAX_DF`` degrees of
freedom, each float written exactly (``repr``). Beyond ``MAX_DF`` ``sim.experiment.stats`` uses the
Cornish-Fisher expansion, whose error there is below 1e-14 (a test checks both against scipy).
"""

from __future__ import annotations

import sys
from pathlib import Path

from scipy.special import stdtrit

OUT = Path(__file__).resolve().parent.parent / "sim" / "experiment" / "t_table.py"
PS = (0.95, 0.975, 0.995)  # levels 0.90, 0.95 and 0.99
MAX_DF = 1000


def text() -> str:
    lines = [
        '"""Student-t quantiles by p and degrees of freedom: written by tools/t_table.py from scipy (do not edit)."""',
        "",
        f"MAX_DF = {MAX_DF}",
        "",
        "# p -> quantiles at 1, 2, ... MAX_DF degrees of freedom",
        "QUANTILES: dict[float, tuple[float, ...]] = {",
    ]
    for p in PS:
        lines.append(f"    {p!r}: (")
        lines += [f"        {float(stdtrit(df, p))!r}," for df in range(1, MAX_DF + 1)]
        lines.append("    ),")
    lines.append("}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if sys.argv[1:] == ["--check"]:
        sys.exit(0 if OUT.read_text() == text() else f"{OUT} is stale: run python tools/t_table.py")
    OUT.write_text(text())
