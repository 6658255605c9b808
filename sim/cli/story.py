"""``exsim story``: one replication told in plain words, in scenario clock time."""

from __future__ import annotations

from pathlib import Path

import click

from sim.check import load_scenario
from sim.cli.options import LANG_OPTION, SET_HELP
from sim.config.locate import shipped
from sim.errors import ExsimError
from sim.experiment import history, meaning, replay
from sim.experiment.store import ResultStore
from sim.play.session import PlayScript
from sim.present import i18n
from sim.present.console import Console
from sim.present.labels import Labels
from sim.present.story import tell, view


@click.command()
@click.argument("source", metavar="SCENARIO_OR_RUN")
@click.option("--rep", type=click.IntRange(min=0), default=0, show_default=True, help="The replication to tell.")
@click.option("--point", type=click.IntRange(min=0), default=0, show_default=True, help="The point of a sweep.")
@click.option("--seed", type=click.IntRange(min=0), help="Base seed of a scenario (default: its own).")
@click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE", help=SET_HELP)
@LANG_OPTION
def story(source: str, rep: int, point: int, seed: int | None, overrides: tuple[str, ...], lang: str | None) -> None:
    """Tell replication --rep of SCENARIO_OR_RUN in plain words, in scenario clock time.

    SCENARIO_OR_RUN is a scenario (file or shipped name) or a stored run or sweep (a folder or a run id:
    latest, island_retake/latest~1); a stored one is replayed exactly from its seed and resolved scenario.
    """
    language = i18n.language(lang)
    ended = True  # False: a class's play stopped before its end (no verdicts on objectives still open)
    if _is_scenario(source):
        if point:
            raise ExsimError("--point picks a point of a stored sweep; a scenario has one")
        loaded = load_scenario(source, overrides)
        scenario = loaded.scenario
        done = replay.trace(scenario, scenario.scenario.seed if seed is None else seed, rep)
        specs = meaning.of_scenarios([loaded]).specs
    else:
        if overrides or seed is not None:
            raise ExsimError("a stored run is replayed exactly: give no --set or --seed with it")
        folder = history.resolve(source)
        done = replay.replay(folder, rep, point)
        specs = meaning.of_manifest(ResultStore.open(folder).manifest()).specs
        if (folder / replay.PLAY).exists():
            ended = PlayScript.load(folder).finished
    told = tell(done.scenario, done.events, done.metrics, specs, language, rep, done.seed, ended=ended)
    Console(highlight=False).print(view(told, Labels(done.scenario, language), language))


def _is_scenario(source: str) -> bool:
    """SOURCE names a scenario (a YAML file or a shipped name) rather than a stored run."""
    path = Path(source)
    if path.is_dir():
        return False
    return path.is_file() or source in shipped("scenario") or source.endswith((".yaml", ".yml"))
