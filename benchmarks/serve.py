"""``exsim serve`` with a class: how fast it starts, and how it answers 60 phones at once over a whole run.

Goals: the server answers its first page in under 2 s (issue 13); a vote's result reaches all 60 phones
within 150 ms at the 95th percentile, and the server's memory stays flat over a full three-day run with the
projector at high speed (issue 27). The server is driven from outside, as a class would.
Everything runs on this machine (127.0.0.1): the server as a user starts it (``exsim serve birlestik_2024
--port 0``), then ``--clients`` participants, each with its own cookies, who

1. load the vote page and its three static files (page-load latency);
2. hold a WebSocket open; the facilitator opens a vote, and each socket's delay until it shows the open
   vote is the broadcast latency;
3. all vote at once, ``--votes`` times each (changing their vote), as fast as the server answers (vote
   latency, and the throughput of the whole class); the projector's tally is checked against the ballots;
4. the facilitator closes the vote, then steps the run ``--steps`` times: each action's latency, from the
   facilitator's request to each phone's next update, all phones' (p50 and p95 over actions x phones);
5. the facilitator sets the fastest speed and lets the run go to its end, acknowledging each inject and
   choosing each decision, the phones all connected: the server's CPU share (its CPU time over the wall
   time) and its memory (PSS, sampled every 0.2 s), the median of the run's first and last fifths.

    python benchmarks/serve.py [--clients 60] [--votes 10] [--steps 10] [--rounds 3]
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/queue.py would shadow the standard library's `queue` (asyncio and subprocess import it): take
# the script's folder off the import path first
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import argparse
import asyncio
import json
import os
import re
import signal
import statistics
import subprocess
import tempfile
import time
import urllib.request

import httpx
import psutil
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from sim.serve import MAX_SPEED

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "birlestik_2024.yaml"
TIMEOUT_S = 60.0


class Server:
    """``exsim serve`` in its own process, stopped with Ctrl-C."""

    def __init__(self, folder: Path):
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sim.cli", "serve", str(SCENARIO), "--port", "0", "--out", str(folder / "play")],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        assert self.proc.stdout is not None
        text = ""
        while "joins at" not in text:
            line = self.proc.stdout.readline()
            if not line:
                raise SystemExit(f"exsim serve ended: {text}")
            text += line
        self.projector = re.search(r"projector \(facilitator only\): (\S+)", text).group(1)  # type: ignore[union-attr]
        m = re.search(r"joins at (\S+) with the code (\w+)", text)
        assert m is not None
        self.join, self.code = m.group(1), m.group(2)
        self.origin = self.join.rsplit("/join", 1)[0]
        self.token = self.projector.split("token=")[1]
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            try:
                with urllib.request.urlopen(self.join, timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.01)
        self.started_s = time.perf_counter() - t0

    def stop(self) -> float:
        """Ctrl-C, as a facilitator ends the class; the seconds it took to end (killed after TIMEOUT_S)."""
        t0 = time.perf_counter()
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            for child in psutil.Process(self.proc.pid).children(recursive=True):
                child.kill()
            self.proc.kill()
            self.proc.wait()
        assert self.proc.stdout is not None
        self.proc.stdout.close()
        return time.perf_counter() - t0


def pct(values: list[float], q: float) -> float:
    """The q-quantile (nearest rank) of ``values``."""
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * len(s) + 0.5) - 1))]


def line(name: str, values_s: list[float]) -> str:
    ms = [v * 1000 for v in values_s]
    return (
        f"{name:<34} median {statistics.median(ms):7.1f} ms   p95 {pct(ms, 0.95):7.1f} ms   "
        f"max {max(ms):7.1f} ms   (n = {len(ms)})"
    )


async def the_class(server: Server, clients: int, votes: int, steps: int) -> dict[str, list[float] | float]:
    facilitator = httpx.AsyncClient(base_url=server.origin, headers={"X-Exsim-Token": server.token}, timeout=30)

    async def control(action: str, **body: object) -> dict:
        r = await facilitator.post(f"/api/control/{action}", json=body)
        r.raise_for_status()
        return r.json()

    state = await control("pause")
    for _ in range(200):  # to the first decision (H+1), acknowledging the injects before it
        pending = state["pending"]
        if pending is not None and pending["kind"] == "decision":
            break
        state = await control("acknowledge") if pending is not None else await control("step", minutes=10)
    options = [o["name"] for o in state["pending"]["options"]]

    one = httpx.Limits(max_connections=1)  # a phone keeps one connection (the server limits those per address)
    phones = [httpx.AsyncClient(base_url=server.origin, timeout=30, limits=one) for _ in range(clients)]
    page_s: list[float] = []

    async def load(phone: httpx.AsyncClient) -> None:
        r = await phone.get(f"/join?code={server.code}", follow_redirects=True)
        r.raise_for_status()
        t0 = time.perf_counter()
        pages = await asyncio.gather(
            phone.get("/vote"), *(phone.get(f"/static/{f}") for f in ("style.css", "live.js", "vote.js"))
        )
        for p in pages:
            p.raise_for_status()
        page_s.append(time.perf_counter() - t0)

    await asyncio.gather(*(load(p) for p in phones))

    opened = asyncio.Event()
    arrivals: list[list[float]] = [[] for _ in phones]  # when each phone received each update
    dropped: list[int] = []  # phones whose socket the server closed
    seen_open: list[float] = []
    sockets_ready = asyncio.Barrier(clients + 1)
    done = asyncio.Event()
    t_open = 0.0

    async def listen(i: int, phone: httpx.AsyncClient) -> None:
        cookie = "; ".join(f"{k}={v}" for k, v in phone.cookies.items())
        url = server.origin.replace("http", "ws", 1) + "/ws/vote"
        async with connect(url, additional_headers={"Cookie": cookie}, open_timeout=TIMEOUT_S) as ws:
            json.loads(await ws.recv())  # the state now
            await sockets_ready.wait()
            noted = False
            while not done.is_set():
                try:
                    msg = json.loads(await asyncio.wait_for(ws.recv(), timeout=0.5))
                except TimeoutError:
                    continue
                except ConnectionClosed:  # the server closed it (counted: a phone that lost its updates)
                    dropped.append(i)
                    return
                arrivals[i].append(time.perf_counter())
                if not noted and msg["state"]["vote"] and msg["state"]["vote"]["open"]:
                    seen_open.append(time.perf_counter() - t_open)
                    noted = True
                    if len(seen_open) == clients:
                        opened.set()

    listeners = [asyncio.create_task(listen(i, p)) for i, p in enumerate(phones)]
    await sockets_ready.wait()
    t_open = time.perf_counter()
    await control("open_vote")
    await asyncio.wait_for(opened.wait(), TIMEOUT_S)

    vote_s: list[float] = []
    final: dict[str, str] = {}

    async def vote(i: int, phone: httpx.AsyncClient) -> None:
        for k in range(votes):
            option = options[(i + k) % len(options)]
            t0 = time.perf_counter()
            r = await phone.post("/api/vote", json={"option": option})
            vote_s.append(time.perf_counter() - t0)
            r.raise_for_status()
            final[str(i)] = option

    t0 = time.perf_counter()
    await asyncio.gather(*(vote(i, p) for i, p in enumerate(phones)))
    wall = time.perf_counter() - t0
    state = await control("pause")
    tally = {o["name"]: o["count"] for o in state["vote"]["options"]}
    expected = {o: sum(1 for v in final.values() if v == o) for o in options}
    assert tally == expected, (tally, expected)  # every last ballot counted, once

    async def acted(action: str, **body: object) -> tuple[dict, list[float]]:
        """The facilitator's action, and the delay until each phone's next update."""
        marks = [len(a) for a in arrivals]
        t0 = time.perf_counter()
        answer = await control(action, **body)
        deadline = time.monotonic() + TIMEOUT_S
        while any(len(a) <= m for a, m in zip(arrivals, marks, strict=True)):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{action}: not every phone was updated within {TIMEOUT_S} s")
            await asyncio.sleep(0.001)
        return answer, [a[m] - t0 for a, m in zip(arrivals, marks, strict=True)]

    state, result_s = await acted("close_vote")
    state = await control("continue")
    state, step_s = await timed_steps(control, acted, state, steps)
    usage = await whole_run(server, control, state)
    done.set()
    await asyncio.gather(*listeners)
    for p in [*phones, facilitator]:
        await p.aclose()
    return {
        "page": page_s,
        "broadcast": seen_open,
        "vote": vote_s,
        "throughput": len(vote_s) / wall,
        "result": result_s,
        "step": step_s,
        "dropped": float(len(dropped)),
        **usage,
    }


async def timed_steps(control, acted, state: dict, steps: int) -> tuple[dict, list[float]]:  # type: ignore[no-untyped-def]
    """``steps`` facilitator's steps of 10 minutes, each timed to every phone; pauses met on the way are
    answered untimed (an inject's acknowledgement may change no phone's view)."""
    took: list[float] = []
    done = 0
    while done < steps:
        pending = state["pending"]
        if pending is not None and pending["kind"] == "decision":
            state = await control("choose", option=pending["default"])
        elif pending is not None:
            state = await control("acknowledge")
        else:
            state, delays = await acted("step", minutes=10)
            took += delays
            done += 1
    return state, took


async def whole_run(server: Server, control, state: dict) -> dict[str, list[float] | float]:  # type: ignore[no-untyped-def]
    """The rest of the run at the fastest speed, answering every pause: the server's CPU and memory."""
    proc = psutil.Process(server.proc.pid)
    cpu0, t0 = sum(proc.cpu_times()[:2]), time.perf_counter()
    memory: list[float] = []

    async def sample() -> None:
        while True:
            memory.append(proc.memory_full_info().pss / 2**20)
            await asyncio.sleep(0.2)

    sampler = asyncio.create_task(sample())
    state = await control("speed", speed=MAX_SPEED)
    deadline = time.monotonic() + 20 * TIMEOUT_S
    while not state["finished"] and time.monotonic() < deadline:
        pending = state["pending"]
        if pending is not None and pending["kind"] == "decision":
            state = await control("choose", option=pending["default"])
        elif pending is not None:
            state = await control("acknowledge")
        elif state.get("shown"):
            state = await control("continue")
        elif not state["running"]:
            state = await control("resume")
        else:
            await asyncio.sleep(0.05)
            state = await control("speed", speed=MAX_SPEED)  # the projector's state, without changing anything
    sampler.cancel()
    wall = time.perf_counter() - t0
    cpu = sum(proc.cpu_times()[:2]) - cpu0
    fifth = max(1, len(memory) // 5)
    return {
        "finished": float(bool(state["finished"])),
        "run_wall": wall,
        "cpu_share": cpu / wall,
        "memory_first": statistics.median(memory[:fifth]),
        "memory_last": statistics.median(memory[-fifth:]),
        "memory_peak": max(memory),
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=60, help="participants (phones)")
    ap.add_argument("--steps", type=int, default=10, help="facilitator's steps timed (10 simulated minutes each)")
    ap.add_argument("--votes", type=int, default=10, help="ballots each participant casts")
    ap.add_argument("--rounds", type=int, default=3, help="server starts (the class is served in the first)")
    args = ap.parse_args(argv)
    starts: list[float] = []
    stops: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.rounds):
            server = Server(Path(tmp) / str(i))
            starts.append(server.started_s)
            try:
                if i == 0:
                    measured = asyncio.run(the_class(server, args.clients, args.votes, args.steps))
            finally:
                stops.append(server.stop())
    print(f"exsim serve {SCENARIO.stem}: {args.clients} participants, {args.votes} ballots each")
    print(line("start to first page (goal < 2 s)", starts))
    print(line(f"Ctrl-C to the end (killed at {TIMEOUT_S:.0f} s)", stops))
    print(line("vote page + 3 static files", measured["page"]))  # type: ignore[arg-type]
    print(line("vote opened -> shown on phones", measured["broadcast"]))  # type: ignore[arg-type]
    print(line("ballot (POST /api/vote)", measured["vote"]))  # type: ignore[arg-type]
    print(f"{'ballots per second, whole class':<34} {measured['throughput']:7.0f}")
    result = measured["result"]
    assert isinstance(result, list)
    print(line("vote's result -> every phone", result) + f"  (goal: p95 <= 150 ms to {args.clients} phones)")
    print(line("facilitator's step -> every phone", measured["step"]))  # type: ignore[arg-type]
    m = measured
    print(
        f"{'whole run, fastest speed':<34} {m['run_wall']:.1f} s wall, to its end: "
        f"{'yes' if m['finished'] else 'NO (time limit)'}; server CPU share {100 * m['cpu_share']:.0f} % of a core; "
        f"sockets the server closed {m['dropped']:.0f} of {args.clients}"
    )
    growth = m["memory_last"] / m["memory_first"]  # type: ignore[operator]
    print(
        f"{'server memory (PSS)':<34} first fifth {m['memory_first']:.0f} MB, last fifth {m['memory_last']:.0f} MB, "
        f"peak {m['memory_peak']:.0f} MB: last / first {growth:.2f}  (goal: flat, <= 1.10)"
    )


if __name__ == "__main__":
    main()
