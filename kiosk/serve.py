"""`kiosk serve`: the kiosk in a tablet's browser, one kiosk process per browser tab.

textual-serve does the terminal plumbing (a websocket per tab, a subprocess per websocket). This
module adds what a clinic needs around it: a page that loads nothing from outside the kiosk host
(own template, local font, a Content-Security-Policy that forbids other origins), a websocket
that refuses other sites' pages, loopback by default, and a clean stop that lets every session
close its own check-in (each session seals its draft as it goes, so a stop loses nothing sealed).
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import shlex
import signal
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
import jinja2
import textual_serve
from aiohttp import web
from textual_serve.server import Server

PAGE_DIR = Path(__file__).parent / "serve_page"
TEXTUAL_SERVE_STATIC = Path(textual_serve.__file__).parent / "static"

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


def session_command(data_dir: Path) -> str:
    """The shell command textual-serve runs for each browser tab: one kiosk session."""
    return shlex.join([sys.executable, "-m", "kiosk.serve_session", "--data", str(data_dir)])


@web.middleware
async def page_security_headers(request: web.Request, handler: Any) -> web.StreamResponse:
    """Forbid the page from loading or sending anything to another host, framing, or caching."""
    response: web.StreamResponse = await handler(request)
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


class KioskWebServer(Server):
    """textual-serve's Server with the kiosk's own page, headers, origin check and lifecycle."""

    def __init__(self, command: str, host: str = "127.0.0.1", port: int = 8000) -> None:
        super().__init__(
            command,
            host=host,
            port=port,
            title="Clinic check-in",
            statics_path=TEXTUAL_SERVE_STATIC,
            templates_path=PAGE_DIR / "templates",
        )
        self._runner: web.AppRunner | None = None

    async def _make_app(self) -> web.Application:
        """Only the routes the kiosk needs: no downloads, no directory listings."""
        app = web.Application(middlewares=[page_security_headers])
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
        app.add_routes(
            [
                web.get("/", self.handle_index, name="index"),
                web.get("/ws", self.handle_websocket, name="websocket"),
                web.static("/static", self.statics_path, name="static"),
                web.static("/kiosk-static", PAGE_DIR / "static", name="kiosk-static"),
            ]
        )
        return app

    async def handle_index(self, request: web.Request) -> web.Response:
        """The check-in page; every URL in it is relative to the host the tablet asked for."""
        context = {"title": self.title, "font_size": 18}
        return aiohttp_jinja2.render_template("kiosk_page.html", request, context)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """Refuse a session opened by a page of another site (cross-site websocket hijacking)."""
        origin = request.headers.get("Origin")
        if origin is not None and urlsplit(origin).netloc != request.host:
            raise web.HTTPForbidden(text="This kiosk only answers its own check-in page.")
        response: web.WebSocketResponse = await super().handle_websocket(request)
        return response

    async def start(self) -> str:
        """Start listening; returns the address a browser on this host can open."""
        self._runner = web.AppRunner(
            await self._make_app(), handle_signals=False, shutdown_timeout=10.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        bound_host, bound_port = self._runner.addresses[0][:2]
        shown_host = f"[{bound_host}]" if ":" in bound_host else bound_host
        return f"http://{shown_host}:{bound_port}/"

    async def stop(self) -> None:
        """Stop listening and end every session; each kiosk process gets asked to quit."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


async def _serve_until_signalled(server: KioskWebServer) -> None:
    """Run until SIGINT or SIGTERM (systemd's stop), then stop the sessions cleanly."""
    stop_requested = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signal_number, stop_requested.set)
    url = await server.start()
    print(f"Kiosk check-in served at {url}", flush=True)
    try:
        await stop_requested.wait()
    finally:
        await server.stop()


def serve(data_dir: Path, host: str = "127.0.0.1", port: int = 8000, public: bool = False) -> None:
    """Serve the kiosk to browsers until stopped; refuses a non-loopback host without `public`."""
    if not is_loopback(host):
        if not public:
            raise PublicBindRefused(
                f"Refusing to listen on {host}: add --public to serve other machines."
            )
        print(PUBLIC_BIND_WARNING.format(host=host), file=sys.stderr, flush=True)
    server = KioskWebServer(session_command(data_dir), host=host, port=port)
    asyncio.run(_serve_until_signalled(server))


def _run_serve_command(arguments: argparse.Namespace) -> int:
    """`kiosk serve`: every refusal becomes one clear line on stderr and exit code 2."""
    data_dir = getattr(arguments, "data", None)
    if data_dir is None:
        print("kiosk serve: say which data directory with --data", file=sys.stderr)
        return 2
    try:
        serve(Path(data_dir), host=arguments.host, port=arguments.port, public=arguments.public)
    except PublicBindRefused as refusal:
        print(refusal, file=sys.stderr)
        return 2
    except OSError as error:
        # Typically the port is taken by another program or needs privileges.
        print(
            f"kiosk serve: cannot listen on {arguments.host}:{arguments.port}: {error.strerror}",
            file=sys.stderr,
        )
        return 2
    return 0


def add_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `kiosk serve` to the kiosk command line; the handler is in `func`."""
    parser = subparsers.add_parser(
        "serve",
        help="serve the check-in to tablet browsers",
        description="Serve the kiosk to browsers: each tab is its own check-in session.",
    )
    # SUPPRESS: given after `serve` it wins, otherwise the kiosk command's global --data stands.
    parser.add_argument(
        "--data", type=Path, default=argparse.SUPPRESS, help="the kiosk's data directory"
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (0: any free)")
    parser.add_argument(
        "--public",
        action="store_true",
        help="allow a non-loopback --host (use only on a trusted LAN or behind TLS)",
    )
    parser.set_defaults(func=_run_serve_command)
