"""``exsim compare``: paired differences between the points of a sweep, or between two results folders."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.text import Text

from sim.cli.options import known_metrics
from sim.errors import ExsimError
from sim.experiment import history, meaning
from sim.experiment.compare import compare_points, compare_stores, shared_metrics
from sim.experiment.store import ResultStore
from sim.present import i18n
from sim.present.console import Console
from sim.present.table import comparison_view, point_label

if TYPE_CHECKING:
    from sim.present.labels import Labels


@click.command()
@click.argument("folder_ref", metavar="FOLDER")
@click.argument("other_ref", metavar="[OTHER]", required=False)
@click.option("--metric", "metrics", multiple=True, help="Metrics to compare (repeatable; default: all).")
@click.option(
    "--baseline",
    help="The reference point, by some or all of its factors: name=value[,name=value] (e.g. landing_ships=2, "
    "'helicopters=[medevac-1]'); factors left out are held equal.",
)
@click.option("--lang", metavar="en|ru", help="Language of the tables (default: EXSIM_LANG, else the locale).")
def compare(
    folder_ref: str, other_ref: str | None, metrics: tuple[str, ...], baseline: str | None, lang: str | None
) -> None:
    """Differences between the points of FOLDER (each against its --baseline), or between FOLDER and OTHER.

    FOLDER and OTHER are results folders or run ids: latest, latest~1, <scenario>/latest, an id from exsim runs.
    """
    speak = i18n.language(lang)
    folder = history.resolve(folder_ref)
    other = history.resolve(other_ref) if other_ref is not None else None
    store = ResultStore.open(folder)
    means = meaning.of_manifest(store.manifest())
    names = _names(folder, speak)
    labels = {p.label: point_label(p.settings, p.label, names=names) for p in store.points()}
    console = Console()
    if other is not None:
        if baseline:
            raise ExsimError("--baseline picks a point within one folder; give FOLDER alone, or two folders")
        second = ResultStore.open(other)
        shared = shared_metrics(store, second, store.metrics)
        known_metrics(metrics, shared, f"both {folder} and {other}")
        diffs = compare_stores(store, second, means, list(metrics) or shared)
        one_side = len(set(store.metrics) ^ set(second.metrics))
        if one_side and not metrics:
            text = speak._("{n} metrics are in one folder only and are not compared").format(n=one_side)
            console.print(Text(text, style="dim"))
    else:
        if len(store.points()) < 2:
            raise ExsimError(f"{folder} holds one point: give a second folder to compare with")
        known_metrics(metrics, store.metrics, str(folder))
        diffs = compare_points(store, means, list(metrics) or store.metrics, baseline)
    console.print(comparison_view(diffs, labels, names))


def _names(folder: Path, speak: i18n.Language) -> Labels | None:
    """The scenario's names in ``speak`` (its first point's), for the tables; none in English, which shows ids."""
    if speak.code == "en":
        return None
    # here, not at the top: pydantic and the models' catalogue, which an English comparison never loads (start-up)
    from sim.experiment.replay import stored_scenario  # start-up
    from sim.present.labels import Labels  # start-up

    return Labels(stored_scenario(folder, 0), speak)
