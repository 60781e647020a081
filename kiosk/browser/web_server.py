"""`kiosk serve`: the kiosk in a tablet's browser, one kiosk process per browser tab.

Each browser websocket gets its own kiosk process, forked by the session forker (which has
loaded the kiosk once: session_forker.py) and spoken to with textual-serve's AppService and
Textual's web driver protocol (forked_sessions.py). Around it this module gives a clinic: a page
that loads nothing from outside the kiosk host (own template, local font, a
Content-Security-Policy that forbids other origins), a websocket that refuses other sites' pages
and ignores malformed or oversized input, loopback by default, and a clean stop that asks every
session to quit (each seals its draft as it goes, so a stop loses nothing sealed) and kills one
that hangs.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import signal
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp_jinja2
import jinja2
import textual_serve
from aiohttp import WSCloseCode, WSMsgType, web
from textual_serve.download_manager import DownloadManager

from kiosk.browser.forked_sessions import (
    ForkedSession,
    SessionForker,
    SessionNotStarted,
    SessionProgram,
)
from kiosk.browser.read_aloud_route import ReadAloudRoute
from kiosk.browser.tab_limit import DEFAULT_MAX_SESSIONS
from kiosk.desk.facade import Kiosk
from kiosk.page_channel import MAX_PAGE_MESSAGE_BYTES, PAGE_CHANNEL_OSC

PAGE_DIR = Path(__file__).parent / "page"
TEXTUAL_SERVE_STATIC = Path(textual_serve.__file__).parent / "static"
PAGE_TITLE = "Clinic check-in"
PAGE_FONT_SIZE = 18
SESSION_QUIT_S = 10.0
MAX_BROWSER_MESSAGE = 1024 * 1024  # keys and pastes; larger frames end the session
DEFAULT_COLUMNS, DEFAULT_ROWS = 80, 24
MIN_COLUMNS, MIN_ROWS = 20, 10
MAX_COLUMNS, MAX_ROWS = 400, 150

# 'unsafe-inline' styles only: the terminal bundle injects its own <style> tags; no inline script.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)

PUBLIC_BIND_WARNING = (
    "The kiosk is listening on {host}, not only on this machine.\n"
    "Patients' answers cross the network between the tablet and this host while they type.\n"
    "Serve it only on a trusted clinic LAN (a separate Wi-Fi for the tablets, no guests),\n"
    "or behind a TLS reverse proxy (https) so that nobody on the network can read or change them."
)


class PublicBindRefused(ValueError):
    """Binding to a non-loopback address was asked for without --public."""


def is_loopback(host: str) -> bool:
    """True when `host` is reachable only from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def kiosk_sessions(data_dir: Path) -> SessionProgram:
    """What each browser tab runs: one kiosk check-in session on the kiosk in `data_dir`."""
    return SessionProgram("kiosk.browser.tab_session", ("--data", str(data_dir)))


def terminal_size(width: object, height: object) -> tuple[int, int]:
    """A browser's claimed size in cells, kept sane: a hostile 10**6 x 10**6 must not be drawn."""
    columns = width if isinstance(width, int) else DEFAULT_COLUMNS
    rows = height if isinstance(height, int) else DEFAULT_ROWS
    return (
        min(max(columns, MIN_COLUMNS), MAX_COLUMNS),
        min(max(rows, MIN_ROWS), MAX_ROWS),
    )


def _query_int(request: web.Request, name: str) -> int | None:
    value = request.query.get(name, "")
    return int(value) if value.isdecimal() and len(value) <= 6 else None


@web.middleware
async def page_security_headers(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Forbid the page from loading or sending anything to another host, framing, or caching."""
    response = await handler(request)
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


class KioskWebServer:
    """The kiosk's web server: its page, and one kiosk process per browser websocket."""

    def __init__(
        self,
        program: SessionProgram,
        host: str = "127.0.0.1",
        port: int = 8000,
        max_sessions: int = DEFAULT_MAX_SESSIONS,
    ) -> None:
        self.forker = SessionForker(program)
        self.max_sessions = max_sessions
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None
        self._open_sessions: set[web.WebSocketResponse] = set()
        self.read_aloud = ReadAloudRoute()
        # textual-serve's sessions require one; the kiosk offers no downloads, so it stays idle.
        self._downloads = DownloadManager()

    @property
    def open_sessions(self) -> int:
        """How many tabs have a session now (what the limit counts)."""
        return len(self._open_sessions)

    def _make_app(self) -> web.Application:
        """Only the routes the kiosk needs: no downloads, no directory listings."""
        app = web.Application(middlewares=[page_security_headers])
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(PAGE_DIR / "templates"))
        app.add_routes(
            [
                web.get("/", self.handle_index),
                web.get("/ws", self.handle_websocket),
                web.post("/read-aloud", self.read_aloud.handle),
                web.static("/static", TEXTUAL_SERVE_STATIC),
                web.static("/kiosk-static", PAGE_DIR / "static"),
            ]
        )
        app.on_shutdown.append(self._end_open_sessions)
        return app

    async def handle_index(self, request: web.Request) -> web.Response:
        """The check-in page; every URL in it is relative to the host the tablet asked for."""
        context = {
            "title": PAGE_TITLE,
            "font_size": PAGE_FONT_SIZE,
            "page_channel": PAGE_CHANNEL_OSC,
            "page_message_max": MAX_PAGE_MESSAGE_BYTES,
        }
        return aiohttp_jinja2.render_template("kiosk_page.html", request, context)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One browser tab: start its kiosk process, relay both ways, stop it when the tab goes."""
        origin = request.headers.get("Origin")
        if origin is not None and urlsplit(origin).netloc != request.host:
            # Cross-site websocket hijacking: another site's page must not drive a session.
            raise web.HTTPForbidden(text="This kiosk only answers its own check-in page.")
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_BROWSER_MESSAGE)
        await websocket.prepare(request)
        if len(self._open_sessions) >= self.max_sessions:
            print(
                f"kiosk serve: a tab was refused: {self.max_sessions} sessions are open "
                "(--max-sessions)",
                file=sys.stderr,
                flush=True,
            )
            await websocket.close(code=WSCloseCode.TRY_AGAIN_LATER, message=b"kiosk busy")
            return websocket

        async def close_tab() -> None:
            await websocket.close()

        session = ForkedSession(
            self.forker,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=close_tab,
            download_manager=self._downloads,
        )
        self._open_sessions.add(websocket)
        try:
            await session.start(
                *terminal_size(_query_int(request, "width"), _query_int(request, "height"))
            )
            await self._relay_browser_messages(websocket, session)
        except SessionNotStarted as reason:
            # The page starts a new session two seconds after its websocket closes.
            print(f"kiosk serve: {reason}", file=sys.stderr, flush=True)
        finally:
            self._open_sessions.discard(websocket)
            await _stop_session(session)
        return websocket

    async def _relay_browser_messages(
        self, websocket: web.WebSocketResponse, session: ForkedSession
    ) -> None:
        """Pass keys, taps and resizes to the kiosk process; drop anything malformed."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = json.loads(message.data)
            except (ValueError, RecursionError):  # deeply nested arrays exhaust the parser
                continue
            if not isinstance(envelope, list) or not envelope:
                continue
            kind, body = envelope[0], envelope[1] if len(envelope) > 1 else None
            if kind == "stdin" and isinstance(body, str):
                await session.send_bytes(body.encode("utf-8", "replace"))
            elif kind == "resize" and isinstance(body, dict):
                await session.set_terminal_size(
                    *terminal_size(body.get("width"), body.get("height"))
                )
            elif kind == "ping" and isinstance(body, str):
                await websocket.send_json(["pong", body])
            elif kind == "focus":
                await session.focus()
            elif kind == "blur":
                await session.blur()

    async def _end_open_sessions(self, app: web.Application) -> None:
        """On stop, close every tab's websocket so each kiosk process is asked to quit."""
        for websocket in list(self._open_sessions):
            await websocket.close(code=WSCloseCode.GOING_AWAY, message=b"kiosk stopping")

    async def start(self) -> str:
        """Load the kiosk once (the session forker), then start listening; returns the address a
        browser on this host can open."""
        await self.forker.start()
        self._runner = web.AppRunner(self._make_app(), handle_signals=False)
        try:
            await self._runner.setup()
            site = web.TCPSite(self._runner, self.host, self.port)
            await site.start()
        except BaseException:  # the port is taken, say: no forker left behind
            await self.stop()
            raise
        bound_host, bound_port = self._runner.addresses[0][:2]
        shown_host = f"[{bound_host}]" if ":" in bound_host else bound_host
        return f"http://{shown_host}:{bound_port}/"

    async def stop(self) -> None:
        """Stop listening, end every session, then the session forker."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        await self.forker.stop()


async def _stop_session(session: ForkedSession) -> None:
    """Ask the kiosk process to quit (it seals nothing new: drafts are sealed as it goes); kill
    it if it has not gone within SESSION_QUIT_S."""
    try:
        await asyncio.wait_for(session.stop(), SESSION_QUIT_S)
    except TimeoutError:
        pass
    process = session.kiosk_process
    if process is not None:
        process.kill()  # a hung kiosk must not linger; one that has ended is left alone
        await process.wait()
        process.close()


async def _sync_periodically(kiosk: Kiosk) -> None:
    """The kiosk host's one sync loop: records reach the clinic server whether or not a tablet
    has the page open, and four tablets do not make four syncs (their sessions run none)."""
    from sync.client.engine import sync_once
    from sync.client.retry_policy import SYNC_INTERVAL_SECONDS

    while True:
        try:
            await asyncio.to_thread(sync_once, kiosk)
        except Exception as error:  # noqa: BLE001 - the loop must outlive a full disk
            # The engine handles only sealed envelopes: its messages name no patient data.
            print(f"kiosk serve: sync run failed: {error}", file=sys.stderr, flush=True)
        await asyncio.sleep(SYNC_INTERVAL_SECONDS)


async def _serve_until_signalled(server: KioskWebServer, kiosk: Kiosk) -> None:
    """Run until SIGINT or SIGTERM (systemd's stop), then stop the sessions cleanly."""
    stop_requested = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signal_number, stop_requested.set)
    url = await server.start()
    print(f"Kiosk check-in served at {url}", flush=True)
    syncing = asyncio.create_task(_sync_periodically(kiosk))
    try:
        await stop_requested.wait()
    finally:
        syncing.cancel()
        await server.stop()


def serve(
    data_dir: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    public: bool = False,
    max_sessions: int = DEFAULT_MAX_SESSIONS,
) -> None:
    """Serve the kiosk to browsers until stopped; refuses a non-loopback host without `public`."""
    if not is_loopback(host):
        if not public:
            raise PublicBindRefused(
                f"Refusing to listen on {host}: add --public to serve other machines."
            )
        print(PUBLIC_BIND_WARNING.format(host=host), file=sys.stderr, flush=True)
    # Fail here, once, with the reason, rather than in every tab's session.
    kiosk = Kiosk.open(data_dir)
    try:
        server = KioskWebServer(
            kiosk_sessions(data_dir), host=host, port=port, max_sessions=max_sessions
        )
        asyncio.run(_serve_until_signalled(server, kiosk))
    finally:
        kiosk.close()
