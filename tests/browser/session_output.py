"""Serving a session program and reading a session's output straight from its websocket (the
tests that need no browser)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
import psutil

from kiosk.browser.forked_sessions import SessionProgram
from kiosk.browser.web_server import KioskWebServer

READ_TIMEOUT_S = 60


async def read_until(websocket: aiohttp.ClientWebSocketResponse, text: bytes) -> bytes:
    """Collect the kiosk's output until `text` shows up in it."""
    seen = b""
    while text not in seen:
        message = await asyncio.wait_for(websocket.receive(), timeout=READ_TIMEOUT_S)
        assert message.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT), message
        if message.type == aiohttp.WSMsgType.BINARY:
            seen += message.data
    return seen


@asynccontextmanager
async def serving(
    program: SessionProgram, **options: int
) -> AsyncIterator[tuple[KioskWebServer, str]]:
    """A kiosk web server on a free loopback port running `program` per tab, and its address;
    stopped (every session with it) on the way out."""
    server = KioskWebServer(program, port=0, **options)
    url = await server.start()
    try:
        yield server, url
    finally:
        await server.stop()


def session_processes(server: KioskWebServer) -> list[psutil.Process]:
    """The tabs' sessions: the processes the server's session forker has forked."""
    assert server.forker.pid is not None, "the server is not running"
    return psutil.Process(server.forker.pid).children()
