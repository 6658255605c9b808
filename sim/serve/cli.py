"""``exsim serve``: the classroom in a browser (its web stack is imported only when it serves)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import click

from sim.check import load_scenario
from sim.config.text import pick
from sim.errors import MissingExtra, capped
from sim.play.folder import claim, default_folder
from sim.play.options import play_options
from sim.present import i18n
from sim.serve import MAX_SPEED


@click.command()
@click.argument("scenario")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True, help="TCP port (0: any free).")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on: 127.0.0.1 is this computer only; 0.0.0.0 lets phones on the local network join.",
)
@play_options(
    max_speed=MAX_SPEED,
    speed_help="Simulated seconds per real second (the facilitator can change it on the projector).",
    lang_help="Language of the pages and the story (each page can switch).",
    out_help="The play folder (default: plays/<date>_<time>-<scenario>).",
    batch_help="Simulated runs to place the class's run in at the end (0: no placement).",
)
def serve(
    scenario: str,
    port: int,
    host: str,
    seed: int | None,
    speed: float,
    lang: str | None,
    out: Path | None,
    runs: int,
    overrides: tuple[str, ...],
) -> None:
    """Play SCENARIO with a class in the browser: a projector view for the facilitator, a vote page for phones.

    Prints the projector's address (with the facilitator's token: keep it to yourself) and the join address
    and code for the class. A scenario with cells also gets a code per players' cell, which opens that cell's
    page (its units as reported to it, its requests and decisions), and one for the evaluators' page (the
    evaluation guide and their observations, for the after-action report). The run starts paused; the
    facilitator starts it, opens and closes the votes on decisions and may override. Choices, votes and
    overrides are saved in the play folder after each one; Ctrl-C stops the server and saves the play (then
    `exsim report FOLDER` tells it). At the end the projector shows where the run landed among --batch
    simulated runs of the scenario with the class's choices (computed in the background while the class
    plays), and the play folder keeps it.
    """
    missing = [m for m in ("starlette", "uvicorn", "jinja2", "websockets") if importlib.util.find_spec(m) is None]
    if missing:
        raise MissingExtra("exsim serve", "serve", missing)
    from sim.serve import server  # here: it imports the serve extra (starlette), checked just above

    code = i18n.choose(lang)
    loaded = load_scenario(scenario, overrides)
    for line in capped(loaded.warnings, "warnings"):
        click.echo(line, err=True)
    folder = claim(out or default_folder(loaded.path.stem))
    sock = server.bind(host, port)
    seed = loaded.scenario.scenario.seed if seed is None else seed
    room = server.open_room(loaded.scenario, seed, folder, speed=speed, lang=code, source=Path(loaded.path), runs=runs)
    where = server.addresses(sock, room.keys.token)
    click.echo(f"exsim serve: {pick(loaded.scenario.scenario.name, 'en')}, seed {seed}")
    click.echo(f"  projector (facilitator only): {where.projector}")
    _ = i18n.language(code)._
    for cell, cell_code in room.keys.cell_codes.items():  # each cell joins at the same address with its own code
        click.echo("  " + _("cell {cell}: code {code}").format(cell=cell, code=cell_code))
    if room.keys.evaluator_code is not None:
        click.echo("  " + _("evaluators: code {code}").format(code=room.keys.evaluator_code))
    for url in where.join:
        click.echo(f"  the class joins at {url} with the code {room.keys.code}")
    if host in ("127.0.0.1", "localhost", "::1"):
        click.echo("  (this computer only: --host 0.0.0.0 lets phones on the local network join)")
    click.echo("  Ctrl-C stops the server and saves the play", nl=True)
    saved = server.serve(room, sock, code)
    click.echo(f"play saved to {saved}/" if saved else "the run had not started: no play folder written")
