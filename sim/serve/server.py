"""Starting the classroom: the play session and its room, the listening socket, the addresses to give
the facilitator and the class, and uvicorn running until Ctrl-C (after which the play is saved)."""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.config.schema import Scenario
from sim.errors import ExsimError
from sim.play.batch import Batch
from sim.play.session import PlaySession
from sim.present import i18n
from sim.present.labels import Labels
from sim.serve.app import create_app
from sim.serve.guard import Guard, quiet_logs
from sim.serve.room import Room


@dataclass(frozen=True)
class Addresses:
    projector: str  # with the facilitator's token: for the facilitator's screen only
    join: list[str]  # where phones join (one per address of this machine the class can reach)


def open_room(
    scenario: Scenario,
    seed: int,
    folder: Path,
    *,
    speed: float,
    lang: str,
    source: Path | None = None,
    runs: int = 0,
) -> Room:
    """A fresh play session of ``scenario`` (read from ``source``) and the room that steps it (paused until
    the facilitator starts); ``runs``: the batch the run is placed in at the end (0: none)."""
    language = i18n.language(lang)
    session = PlaySession(scenario, seed, lang=language.code)
    batch = Batch(seed, runs) if runs else None
    return Room(session, scenario, Labels(scenario, language), folder, source=source, speed=speed, batch=batch)


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, opened before anything is printed, so a taken port is a one-line error."""
    try:
        family = socket.AF_INET6 if ipaddress.ip_address(host).version == 6 else socket.AF_INET
    except ValueError:
        family = socket.AF_INET  # a host name
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        if e.errno == errno.EADDRINUSE:
            raise ExsimError(f"--port {port}: the port is in use; choose another with --port") from None
        raise ExsimError(f"--host {host} --port {port}: cannot listen there ({e.strerror or e})") from None
    sock.listen(128)
    return sock


def addresses(sock: socket.socket, token: str) -> Addresses:
    host, port = sock.getsockname()[:2]
    shown = _shown(host)
    projector = f"http://{_url_host(shown[0])}:{port}/projector?token={token}"
    return Addresses(projector, [f"http://{_url_host(h)}:{port}/join" for h in shown])


def _shown(host: str) -> list[str]:
    """The addresses to print: the one listened on, or this machine's own when listening on all of them."""
    if host not in ("0.0.0.0", "::"):
        return [host]
    found: list[str] = []
    with contextlib.suppress(OSError):
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            ip = str(info[4][0])
            if not ip.startswith("127.") and ip not in found:
                found.append(ip)
    return found or ["127.0.0.1"]


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def serve(room: Room, sock: socket.socket, lang: str) -> Path | None:
    """Run the server on ``sock`` until Ctrl-C or SIGTERM; then save the play and return its folder (None
    when the run never started: there is nothing to keep)."""
    server = make_server(room, sock, lang)
    try:
        with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises the Ctrl-C it stopped on
            server.run(sockets=[sock])
    finally:
        room.close()
    return room.save_now() if room.started else None


def make_server(room: Room, sock: socket.socket, lang: str, guard: Guard | None = None) -> Any:
    """The uvicorn server of ``room`` on ``sock``, with the protections of ``guard`` (sim.serve.guard)."""
    import uvicorn  # the serve extra, optional: exsim serve names it when missing

    guard = guard or Guard(hosts=_shown(sock.getsockname()[0]))
    # a page or socket still open when the server stops is given a few seconds, not waited for without end
    config = uvicorn.Config(
        create_app(room, lang, guard=guard),
        log_level="warning",
        lifespan="on",
        ws="auto",
        timeout_graceful_shutdown=5,
        **guard.uvicorn_options(),
    )
    quiet_logs()  # after uvicorn has set up its loggers
    return uvicorn.Server(config)
