"""The classroom's routes: the projector (facilitator's token), the join and vote pages (join code, then a
voter cookie), the JSON actions and the WebSockets that push the state. Everything is served from the
package; no page loads anything from elsewhere (the Content-Security-Policy says so to the browser).

Who may do what: the facilitator's actions need the token (403 without it), a ballot needs the voter cookie
issued at join (403 without it), and a WebSocket without either is refused before it opens. The token comes
once in the printed link (``/projector?token=...``), which is answered with an HttpOnly, SameSite=Strict
cookie and a redirect to the bare ``/projector``: the address bar the class sees on the projector holds no
token, and the page itself holds none either. A script may send the token in the ``X-Exsim-Token`` header
instead of the cookie.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Callable
from importlib import resources
from typing import Any
from urllib.parse import urlencode, urlsplit

import anyio
from starlette.applications import Starlette
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.websockets import WebSocket, WebSocketDisconnect

from sim.errors import ExsimError
from sim.play.session import RATINGS
from sim.present import i18n
from sim.serve.auth import DEVICE_COOKIE_S, EVALUATOR, FACILITATOR_COOKIE, SEAT_COOKIE, TOKEN_HEADER, VOTER_COOKIE
from sim.serve.guard import Guard, GuardMiddleware, receive_text
from sim.serve.room import STORY_BACKLOG, Room, RoomError
from sim.serve.text import texts
from sim.serve.vote import VoteError

HERE = resources.files("sim.serve")
LANG_COOKIE = "exsim_lang"
CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'"
REFUSED = 4403  # WebSocket close code: not allowed (the HTTP 403 of a socket)


def create_app(room: Room, lang: str, *, run: bool = True, guard: Guard | None = None) -> Starlette:
    """The application around ``room``; with ``run`` its lifespan steps the session in the background;
    ``guard``: the protections against a hostile room (sim.serve.guard)."""
    guard = guard or Guard()
    site = _Site(room, lang, guard)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with anyio.create_task_group() as tg:
            if run:
                tg.start_soon(room.run)
            yield
            tg.cancel_scope.cancel()
        await anyio.to_thread.run_sync(room.close)  # the batch's workers go with the server

    routes = [
        Route("/", site.home),
        Route("/join", site.join),
        Route("/vote", site.vote_page),
        Route("/projector", site.projector),
        Route("/facilitator", site.projector),  # the facilitator's controls and private material: not projected
        Route("/api/control/{action}", site.control, methods=["POST"]),
        Route("/api/vote", site.cast, methods=["POST"]),
        Route("/api/state", site.state),
        Route("/cell", site.cell_page),
        Route("/evaluate", site.evaluator_page),
        Route("/api/cell/state", site.cell_state),
        Route("/api/cell/{action}", site.cell_action, methods=["POST"]),
        Route("/api/evaluator/state", site.evaluator_state),
        Route("/api/observe", site.observe, methods=["POST"]),
        Route("/aar", site.aar),
        WebSocketRoute("/ws/projector", site.projector_socket),
        WebSocketRoute("/ws/vote", site.voter_socket),
        Route("/static/map.js", site.map_script),  # the map the report draws too (sim.present)
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.add_middleware(_Headers)
    app.add_middleware(GuardMiddleware, guard=guard)
    return app


class _Site:
    """The pages, JSON actions and WebSockets around one room, in ``lang`` unless the visitor asks for another."""

    def __init__(self, room: Room, lang: str, guard: Guard) -> None:
        self.room = room
        self.lang = lang
        self.guard = guard
        # the map's markup is the report's too (sim/present/templates/_map.html)
        maps = resources.files("sim.present") / "templates"
        self.templates = Jinja2Templates(directory=[str(HERE / "templates"), str(maps)])

    def language(self, request: Request) -> str:
        asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
        return asked if asked in i18n.LANGUAGES else self.lang

    def page(self, request: Request, name: str, status: int = 200, **context: Any) -> Response:
        code = self.language(request)
        t = texts(i18n.language(code), self.room.scenario)
        response = self.templates.TemplateResponse(
            request,
            name,
            {"lang": code, "t": t, "languages": i18n.LANGUAGES, **context},
            status_code=status,
        )
        if request.query_params.get("lang") in i18n.LANGUAGES:
            response.set_cookie(LANG_COOKIE, code, samesite="strict")
        return response

    async def home(self, request: Request) -> Response:
        return RedirectResponse("/join", status_code=303)

    async def join(self, request: Request) -> Response:
        room = self.room
        given = request.query_params.get("code")
        if given is None:
            return self.page(request, "join.html")
        client = request.client.host if request.client else "?"
        if wait := self.guard.join_wait(client):  # too many wrong codes from this address: the join page, 429
            refused = self.page(request, "join.html", status=429, error=True, code=given)
            refused.headers["retry-after"] = f"{wait:.0f}"
            return refused
        if (seat := room.keys.seat_for(given)) is not None:  # a cell's or the evaluators' own code
            page = "/evaluate" if seat == EVALUATOR else "/cell"
            response = RedirectResponse(page, status_code=303)
            if room.keys.seated(request.cookies.get(SEAT_COOKIE)) != seat:
                response.set_cookie(
                    SEAT_COOKIE, room.keys.seat(seat), max_age=DEVICE_COOKIE_S, httponly=True, samesite="strict"
                )
            return response
        if not room.keys.joins(given):
            self.guard.join_failed(client)
            return self.page(request, "join.html", status=403, error=True, code=given)
        response = RedirectResponse("/vote", status_code=303)
        if room.keys.voter(request.cookies.get(VOTER_COOKIE)) is None:
            if not self.guard.may_admit(client):  # (off unless a cap per address is set: sim.serve.guard)
                return self.page(request, "join.html", status=429, error=True, code=given)
            voter = await room.admit()
            response.set_cookie(VOTER_COOKIE, voter, max_age=DEVICE_COOKIE_S, httponly=True, samesite="strict")
        return response

    async def map_script(self, request: Request) -> Response:
        text = (resources.files("sim.present") / "templates" / "mapview.js").read_text(encoding="utf-8")
        return Response(text, media_type="text/javascript")

    async def vote_page(self, request: Request) -> Response:
        if self.room.keys.voter(request.cookies.get(VOTER_COOKIE)) is None:
            return RedirectResponse("/join", status_code=303)
        code = self.language(request)
        return self.page(request, "vote.html", map=self.room.map_in(code), units=self.room.marks_in(code))

    def seat(self, conn: HTTPConnection) -> str | None:
        return self.room.keys.seated(conn.cookies.get(SEAT_COOKIE))

    async def cell_page(self, request: Request) -> Response:
        cell = self.seat(request)
        if cell is None or cell == EVALUATOR:
            return RedirectResponse("/join", status_code=303)
        return self.page(request, "cell.html", cell=cell, cell_name=self.room.names.cell(cell))

    async def evaluator_page(self, request: Request) -> Response:
        if self.seat(request) != EVALUATOR:
            return RedirectResponse("/join", status_code=303)
        room = self.room
        cells = [{"id": c.id, "name": room.names.cell(c.id)} for c in room.scenario.cells if not c.control]
        return self.page(request, "evaluate.html", guide=room.guide(), cells=cells, ratings=RATINGS)

    async def cell_state(self, request: Request) -> Response:
        cell = self.seat(request)
        if cell is None or cell == EVALUATOR:
            return _error(403, "join with your cell's code first")
        return JSONResponse(self.room.cell_state(cell))

    async def cell_action(self, request: Request) -> Response:
        cell = self.seat(request)
        if cell is None or cell == EVALUATOR:
            return _error(403, "join with your cell's code first")
        body = await _json(request, self.guard)
        if body is None:
            return _error(400, "the body must be a JSON object")
        try:
            await self.room.cell_action(cell, request.path_params["action"], body)
        except RoomError as e:
            return _error(409, str(e))
        except (ValueError, ExsimError) as e:
            return _error(400, str(e))
        return JSONResponse(self.room.cell_state(cell))

    async def evaluator_state(self, request: Request) -> Response:
        if self.seat(request) != EVALUATOR and not self.facilitator(request):
            return _error(403, "join with the evaluators' code first")
        return JSONResponse(self.room.evaluator_state())

    async def observe(self, request: Request) -> Response:
        if self.seat(request) != EVALUATOR:
            return _error(403, "join with the evaluators' code first")
        body = await _json(request, self.guard)
        if body is None:
            return _error(400, "the body must be a JSON object")
        try:
            await self.room.observe(body)
        except (ValueError, ExsimError) as e:
            return _error(400, str(e))
        return JSONResponse(self.room.evaluator_state())

    async def aar(self, request: Request) -> Response:
        if not self.facilitator(request):
            return self.page(request, "forbidden.html", status=403)
        fmt = request.query_params.get("format", "html")
        if fmt not in ("html", "md", "csv"):
            return _error(400, "format: html, md or csv")
        text, media = await anyio.to_thread.run_sync(self.room.aar, self.language(request), fmt)
        response = Response(text, media_type=media)
        if fmt == "html":  # a page of its own, as exported: its style inline, nothing loaded
            response.headers["content-security-policy"] = "default-src 'none'; style-src 'unsafe-inline'"
        else:
            response.headers["content-disposition"] = f'attachment; filename="aar.{fmt}"'
        return response

    def facilitator(self, conn: HTTPConnection) -> bool:
        """The facilitator's cookie (the projector page) or header (a script)."""
        given = conn.headers.get(TOKEN_HEADER) or conn.cookies.get(FACILITATOR_COOKIE)
        return self.room.keys.facilitator(given)

    async def projector(self, request: Request) -> Response:
        room = self.room
        token = request.query_params.get("token")
        if token is not None:  # the printed link: swap the token for a cookie and show a bare address
            if not room.keys.facilitator(token):
                return self.page(request, "forbidden.html", status=403)
            rest = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "token"])
            response = RedirectResponse(request.url.path + (f"?{rest}" if rest else ""), status_code=303)
            response.set_cookie(FACILITATOR_COOKIE, token, httponly=True, samesite="strict")
            return response
        if not self.facilitator(request):
            return self.page(request, "forbidden.html", status=403)
        return self.page(
            request,
            "facilitator.html" if request.url.path == "/facilitator" else "projector.html",
            code=room.keys.code,
            map=room.map_in(self.language(request)),
            units=room.marks_in(self.language(request)),
            join_url=self.join_url(request),
            msel=room.msel(),
            excon=room.excon() if room.scenario.cells else None,
        )

    def join_url(self, request: Request) -> str:
        return f"{request.url.scheme}://{request.url.netloc}/join"

    async def control(self, request: Request) -> Response:
        room = self.room
        if not self.facilitator(request):
            return _error(403, "the facilitator's token is needed")
        body = await _json(request, self.guard)
        if body is None:
            return _error(400, "the body must be a JSON object")
        try:
            await room.control(request.path_params["action"], body)
        except RoomError as e:
            return _error(409, str(e))
        except (ValueError, ExsimError) as e:  # a bad value, an option or override the session refuses
            return _error(400, str(e))
        return Response(room.projector_state(), media_type="application/json")

    async def cast(self, request: Request) -> Response:
        room = self.room
        voter = room.keys.voter(request.cookies.get(VOTER_COOKIE))
        if voter is None:
            return _error(403, "join with the class's code first")
        body = await _json(request, self.guard)
        option = body.get("option") if body else None
        if not isinstance(option, str):
            return _error(400, 'the body must be {"option": NAME}')
        try:
            await room.cast(voter, option)
        except VoteError as e:
            return _error(409 if room.vote is None or not room.vote.open else 400, str(e))
        return JSONResponse({**room.voter_state(voter), "version": room.version})  # its age: see _push

    async def state(self, request: Request) -> Response:
        room = self.room
        if self.facilitator(request):
            return Response(room.projector_state(), media_type="application/json")
        voter = room.keys.voter(request.cookies.get(VOTER_COOKIE))
        if voter is None:
            return _error(403, "join with the class's code first")
        return JSONResponse(room.voter_state(voter))

    async def projector_socket(self, ws: WebSocket) -> None:
        room = self.room
        if not self.facilitator(ws) or not _same_origin(ws):
            await ws.close(code=REFUSED)
            return
        await ws.accept()
        cursor = max(0, len(room.story) - STORY_BACKLOG)

        def message() -> tuple[str, str]:
            nonlocal cursor
            story, cursor = room.story[cursor:], len(room.story)
            text = f'{{"state":{room.projector_state()},"story":{json.dumps(story, ensure_ascii=False)}}}'
            return text, text  # all of it shows

        await _push(ws, room, message)

    async def voter_socket(self, ws: WebSocket) -> None:
        room = self.room
        voter = room.keys.voter(ws.cookies.get(VOTER_COOKIE))
        if voter is None or not _same_origin(ws):
            await ws.close(code=REFUSED)
            return
        await ws.accept()

        def message() -> tuple[str, str]:
            state = json.dumps(room.voter_state(voter), ensure_ascii=False)
            return state, f'{{"version":{room.version},"state":{state}}}'

        await _push(ws, room, message)


async def _push(ws: WebSocket, room: Room, message: Callable[[], tuple[str, str]]) -> None:
    """Send the state now and after every change that shows, until the page goes; a page sends nothing but
    pings, and anything else it sends is answered with a refusal (actions go through the HTTP API).

    ``message`` gives what shows and the text to send: a phone is sent a state only when what it
    shows changes, though the text carries the room's version. (A page also draws the states its actions'
    answers bring, and draws none older than one it has drawn: an answer can arrive after a newer push.)"""

    async def listen(tg: anyio.abc.TaskGroup) -> None:
        with contextlib.suppress(WebSocketDisconnect):
            while True:
                text = await receive_text(ws)
                if text is None:  # a binary frame: closed with 1003
                    break
                if text != "ping":
                    await ws.send_text(json.dumps({"refused": "this socket only sends; actions use /api/"}))
        tg.cancel_scope.cancel()

    async def speak() -> None:
        last = None
        with contextlib.suppress(WebSocketDisconnect, RuntimeError):  # RuntimeError: sent after the page left
            while True:
                seen = room.version
                shows, text = message()
                if shows != last:  # a phone is not sent the same state again (the projector's clock moves)
                    await ws.send_text(text)
                    last = shows
                await room.wait(seen)

    async with anyio.create_task_group() as tg:
        tg.start_soon(listen, tg)
        await speak()
        tg.cancel_scope.cancel()


def _same_origin(ws: WebSocket) -> bool:
    """A browser's socket opened by this server's own page (a browser always says whose page opens a socket;
    another site's page must not ride on the class's cookies). A script sends no Origin: its cookie or header
    is checked all the same."""
    origin = ws.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == ws.headers.get("host")


async def _json(request: Request, guard: Guard) -> dict[str, Any] | None:
    raw = await request.body()
    if not raw:
        return {}
    try:
        body = guard.loads(raw)  # size and depth checked before parsing
    except (ValueError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


class _Headers:
    """Every response: the Content-Security-Policy (only this server's own files) and no caching of state."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(k == b"content-security-policy" for k, _ in headers):  # the AAR/IP page sets its own
                    headers.append((b"content-security-policy", CSP.encode()))
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
