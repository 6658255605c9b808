"""The classroom server against a hostile room: what keeps the projector answering whatever a phone (or a
laptop on the same network) sends.

- Connections: a cap per client and in total, and a deadline for a request's headers (an idle or slow
  connection, slowloris, is closed), at the socket, before anything is parsed (``protocol``).
- Requests: the Host must be this machine (an IP address, or a name without dots, or this machine's own
  name: a DNS-rebinding page's host is refused); a state-changing request (POST) must come from this
  server's own pages (Origin and Sec-Fetch-Site: never another site, nor another port of this host); a
  body is at most ``max_body`` bytes and its JSON at most ``max_depth`` deep, checked before it is parsed.
- Joining: wrong codes are counted per client and logged; beyond ``join_per_minute`` in a minute a client
  waits (429), and after ``lockout_after`` within ``lockout_s`` it is locked out for ``lockout_s``. New
  participants may be capped per client address (``voters_per_client``; off by default, as docs/serve.md
  says why).
- WebSockets: a binary frame is answered with close code 1003 (unsupported data), never a traceback.
- The log: a message repeated within a minute is written once, then counted.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import logging
import socket
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

LOG = logging.getLogger("exsim.serve")
UNSUPPORTED_DATA = 1003  # WebSocket close code (RFC 6455): a frame of a type this socket does not take
REFUSED = 4403  # WebSocket close code: not allowed (the HTTP 403 of a socket)
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass
class Limits:
    """The numbers a facilitator may change (all are generous for a class of 100 phones)."""

    # a class behind one router is one address: 100 phones, each a WebSocket and a few page requests
    connections_per_client: int = 400
    connections_total: int = 1024
    header_timeout_s: float = 10.0
    max_body: int = 64 * 1024
    max_depth: int = 32
    join_per_minute: int = 20  # wrong codes a client address may try in a minute (a class behind one router
    lockout_after: int = 100  # shares one); this many in ``lockout_s`` lock it out for ``lockout_s``
    lockout_s: float = 600.0
    voters_per_client: int | None = None  # off: a class often reaches the server through one address


@dataclass
class _Client:
    failures: deque[float] = field(default_factory=deque)  # wrong codes in the last minute
    recent: deque[float] = field(default_factory=deque)  # wrong codes in the last ``lockout_s``
    failed: int = 0
    locked_until: float = 0.0
    admitted: int = 0


class Guard:
    """The server's protections, one per room; ``clock`` is monotonic seconds (a test gives its own)."""

    def __init__(
        self, limits: Limits | None = None, hosts: Iterable[str] = (), clock: Callable[[], float] = time.monotonic
    ):
        self.limits = limits or Limits()
        self.hosts = {h.lower() for h in hosts} | _own_names()
        self.clock = clock
        self.clients: dict[str, _Client] = {}
        self.open: dict[str, set[Any]] = {}  # client address -> its open transports

    # --- joining ------------------------------------------------------------------------------------------

    def join_wait(self, client: str) -> float:
        """Seconds ``client`` must wait before trying a code again (0: it may try now)."""
        c = self.clients.setdefault(client, _Client())
        now = self.clock()
        if c.locked_until > now:
            return c.locked_until - now
        while c.failures and c.failures[0] <= now - 60:
            c.failures.popleft()
        if len(c.failures) >= self.limits.join_per_minute:
            return c.failures[0] + 60 - now
        return 0.0

    def join_failed(self, client: str) -> None:
        c = self.clients.setdefault(client, _Client())
        now = self.clock()
        c.failures.append(now)
        c.recent.append(now)
        while c.recent and c.recent[0] <= now - self.limits.lockout_s:
            c.recent.popleft()
        c.failed = len(c.recent)
        LOG.warning("join: a wrong code from %s (%d so far)", client, c.failed)
        if c.failed >= self.limits.lockout_after and c.locked_until <= now:
            c.locked_until = now + self.limits.lockout_s
            c.recent.clear()
            LOG.warning(
                "join: %s locked out for %d min after %d wrong codes",
                client,
                self.limits.lockout_s // 60,
                self.limits.lockout_after,
            )

    def may_admit(self, client: str) -> bool:
        """Whether ``client`` may become one more participant (counted when it does)."""
        c = self.clients.setdefault(client, _Client())
        if self.limits.voters_per_client is not None and c.admitted >= self.limits.voters_per_client:
            LOG.warning("join: %s already joined %d times; refused another participant", client, c.admitted)
            return False
        c.admitted += 1
        return True

    # --- requests -----------------------------------------------------------------------------------------

    def host_allowed(self, host: str | None) -> bool:
        """Whether a request's Host names this machine (DNS rebinding: another site's name is refused)."""
        if not host:
            return False
        name = urlsplit(f"//{host}").hostname or ""
        try:
            ipaddress.ip_address(name)
            return True
        except ValueError:
            pass
        return "." not in name or name in self.hosts

    def same_origin(self, headers: dict[str, str]) -> bool:
        """Whether a request comes from this server's own page (a script sends no Origin and passes)."""
        if headers.get("sec-fetch-site") in ("cross-site", "same-site"):  # same-site: another port of this host
            return False
        origin = headers.get("origin")
        if origin is None:
            return True
        return origin != "null" and urlsplit(origin).netloc.lower() == headers.get("host", "").lower()

    def loads(self, raw: bytes) -> Any:
        """JSON of at most ``max_body`` bytes and ``max_depth`` levels, checked before it is parsed."""
        if len(raw) > self.limits.max_body:
            raise ValueError(f"the body is larger than {self.limits.max_body} bytes")
        text = raw.decode("utf-8")
        if _depth(text) > self.limits.max_depth:
            raise ValueError(f"the body is nested deeper than {self.limits.max_depth} levels")
        return json.loads(text)

    def middleware(self, app: Any) -> Any:
        return GuardMiddleware(app, self)

    # --- connections --------------------------------------------------------------------------------------

    def connect(self, client: str, transport: Any) -> bool:
        """Count a new connection of ``client``; False (and logged once in a while) beyond a cap."""
        mine = self.open.setdefault(client, set())
        for t in [t for t in mine if t.is_closing()]:
            mine.discard(t)
        total = 0
        for ts in self.open.values():
            for t in [t for t in ts if t.is_closing()]:
                ts.discard(t)
            total += len(ts)
        if len(mine) >= self.limits.connections_per_client or total >= self.limits.connections_total:
            LOG.warning("connections: refused one more from %s (%d open, %d in all)", client, len(mine), total)
            return False
        mine.add(transport)
        return True

    def protocol(self) -> type:
        """uvicorn's HTTP protocol (h11), with the connection caps and the deadline for a request's headers."""
        from uvicorn.protocols.http.h11_impl import H11Protocol  # the serve extra, as the server's

        guard = self

        class Guarded(H11Protocol):  # type: ignore[misc]
            def connection_made(self, transport: Any) -> None:
                super().connection_made(transport)
                client = self.client[0] if self.client else "?"
                if not guard.connect(str(client), transport):
                    transport.abort()
                    return
                self._last: object = None
                self._watch = self.loop.call_later(guard.limits.header_timeout_s, self._check)

            def _check(self) -> None:
                if self.transport.is_closing() or self.transport.get_protocol() is not self:
                    return  # closed, or a WebSocket now (its own pings watch it)
                idle = self.cycle is None or self.cycle.response_complete
                if idle and self.scope is self._last:  # no request began since the last look: slow or idle
                    self.transport.abort()
                    return
                self._last = self.scope
                self._watch = self.loop.call_later(guard.limits.header_timeout_s, self._check)

            def connection_lost(self, exc: Exception | None) -> None:
                watch = getattr(self, "_watch", None)
                if watch is not None:
                    watch.cancel()
                super().connection_lost(exc)

        return Guarded

    def uvicorn_options(self) -> dict[str, Any]:
        """What uvicorn itself bounds: keep-alive, header size, WebSocket frame size and pings, concurrency."""
        return {
            "http": self.protocol(),
            "timeout_keep_alive": 5,
            "h11_max_incomplete_event_size": 16 * 1024,
            "ws_max_size": self.limits.max_body,
            "ws_ping_interval": 20.0,
            "ws_ping_timeout": 20.0,
            "limit_concurrency": self.limits.connections_total,
        }


def _own_names() -> set[str]:
    names = {"localhost"}
    with contextlib.suppress(OSError):
        host = socket.gethostname().lower()
        names |= {host, f"{host.split('.')[0]}.local", socket.getfqdn().lower()}  # .local: its mDNS name
    return names


def _depth(text: str) -> int:
    """The deepest nesting of arrays and objects in JSON ``text`` (brackets inside strings do not count)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


async def receive_text(ws: Any) -> str | None:
    """The next text frame of a WebSocket; a binary frame closes it with 1003 and gives None."""
    message = await ws.receive()
    if message["type"] == "websocket.disconnect":
        from starlette.websockets import WebSocketDisconnect  # the serve extra, as the app's

        raise WebSocketDisconnect(message.get("code", 1000))
    text = message.get("text")
    if text is None:
        LOG.warning("websocket: a binary frame; closed with %d", UNSUPPORTED_DATA)
        await ws.close(code=UNSUPPORTED_DATA)
        return None
    return str(text)


class GuardMiddleware:
    """Host, Origin and body-size checks before the application sees a request."""

    def __init__(self, app: Any, guard: Guard):
        self.app = app
        self.guard = guard

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        unsafe = scope["type"] == "websocket" or scope.get("method") in UNSAFE_METHODS
        refusal = None
        if not self.guard.host_allowed(headers.get("host")):
            refusal = (400, "this server answers to its own address only")
        elif unsafe and not self.guard.same_origin(headers):
            refusal = (403, "a page of another site (or another port) may not act here")
        if refusal is None and scope["type"] == "http" and scope.get("method") in UNSAFE_METHODS:
            body, refusal = await self._body(headers, receive)
            if refusal is None:
                receive = _replay(body)
        if refusal is None:
            await self.app(scope, receive, send)
            return
        LOG.warning("%s %s: refused (%s)", scope.get("method", "websocket"), scope.get("path"), refusal[1])
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": REFUSED})
            return
        status, message = refusal
        payload = json.dumps({"error": message}).encode()
        if status != 413:  # refused before its body was read; _body reads the rest of a large one
            await _drain(receive, self.guard.limits.max_body)
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(payload)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})

    async def _body(self, headers: dict[str, str], receive: Any) -> tuple[bytes, tuple[int, str] | None]:
        limit = self.guard.limits.max_body
        too_large = (413, f"the body is larger than {limit} bytes")
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _drain(receive, 4 * limit)
            return b"", too_large
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                if message.get("more_body", False):
                    await _drain(receive, 4 * limit)
                return b"", too_large
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks), None


async def _drain(receive: Callable[[], Any], bound: int) -> None:
    """Read and drop the rest of a refused request's body, stopping after ``bound`` bytes.

    A socket closed with a body unread answers the client with a reset, which can destroy the refusal
    before the client reads it (CI saw it once, on a 403); past the bound, the client gets its reset."""
    size = 0
    while size <= bound:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            return
        size += len(message.get("body", b""))


def _replay(body: bytes) -> Callable[[], Any]:
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


class Dedup(logging.Filter):
    """A message repeated within ``window_s`` is written once, then counted: the next one after the window
    says how many were left out (a flood of identical errors or tracebacks never fills the disk)."""

    def __init__(self, window_s: float = 60.0, clock: Callable[[], float] = time.monotonic):
        super().__init__()
        self.window_s = window_s
        self.clock = clock
        self.seen: dict[tuple[Any, ...], list[float | int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else ""
        key = (record.name, record.levelno, record.getMessage()[:300], exc)
        now = self.clock()
        entry = self.seen.get(key)
        if entry is not None and now - entry[0] < self.window_s:
            entry[1] += 1
            return False
        if entry is not None and entry[1]:
            record.msg = f"{record.msg} (and {int(entry[1])} more like it in the last minute, not shown)"
        self.seen[key] = [now, 0]
        if len(self.seen) > 10_000:  # bounded, whatever the messages
            self.seen.clear()
        return True


def quiet_logs() -> Dedup:
    """Install the de-duplication on the server's loggers (uvicorn's and exsim's)."""
    dedup = Dedup()
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "exsim.serve"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, Dedup) for f in logger.filters):
            logger.addFilter(dedup)
        for handler in logger.handlers:
            if not any(isinstance(f, Dedup) for f in handler.filters):
                handler.addFilter(dedup)
    return dedup
