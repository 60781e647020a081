"""Sessions as the kiosk host sees them: one process per tab, hostile input ignored, clean stop.

These talk to /ws directly (no browser) with a stand-in kiosk app, so they are quick.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import aiohttp
import psutil
import pytest
from conftest import TINY_KIOSK
from session_output import read_until, serving, session_processes

from kiosk.browser.tab_session import CRASH_NOTE
from kiosk.browser.web_server import MAX_COLUMNS, KioskWebServer, terminal_size

pytestmark = pytest.mark.usefixtures("tiny_app_importable")


async def _wait_closed(websocket: aiohttp.ClientWebSocketResponse) -> None:
    """Read what the kiosk drew before going until the server closes the tab's websocket."""
    ended = (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING)
    while (await asyncio.wait_for(websocket.receive(), timeout=30)).type not in ended:
        pass


async def test_stopping_the_service_ends_every_tabs_kiosk_process() -> None:
    server = KioskWebServer(TINY_KIOSK, port=0)
    url = await server.start()
    async with aiohttp.ClientSession() as http:
        tabs = [await http.ws_connect(f"{url}ws?width=80&height=24") for _ in range(2)]
        for tab in tabs:
            await read_until(tab, b"Welcome")
        sessions = session_processes(server)
        assert len(sessions) == 2, "each tab should have its own kiosk process"

        await server.stop()

        gone, alive = psutil.wait_procs(sessions, timeout=15)
        assert alive == [], "a kiosk process outlived the service"
        for tab in tabs:
            await _wait_closed(tab)


async def test_closing_a_tab_ends_its_kiosk_process_and_no_other() -> None:
    async with serving(TINY_KIOSK) as (server, url):
        async with aiohttp.ClientSession() as http:
            staying = await http.ws_connect(f"{url}ws?width=80&height=24")
            await read_until(staying, b"Welcome")
            before = {process.pid for process in session_processes(server)}
            leaving = await http.ws_connect(f"{url}ws?width=80&height=24")
            await read_until(leaving, b"Welcome")
            leaving_process = [p for p in session_processes(server) if p.pid not in before]

            await leaving.close()

            _, alive = psutil.wait_procs(leaving_process, timeout=15)
            assert alive == []
            await staying.send_str(json.dumps(["stdin", "Ada"]))
            assert b"Ada" in await read_until(staying, b"Ada")


async def test_garbage_from_a_browser_is_ignored_and_the_session_keeps_working() -> None:
    async with serving(TINY_KIOSK) as (server, url):
        async with aiohttp.ClientSession() as http:
            tab = await http.ws_connect(f"{url}ws?width=999999&height=-3")
            await read_until(tab, b"Welcome")
            for garbage in (
                "not json",
                "{}",
                "[]",
                '["stdin", 42]',
                '["resize", "huge"]',
                '["resize", {"width": 100000000, "height": 100000000}]',
                '["no-such-kind", 1]',
                "[" * 10_000,
            ):
                await tab.send_str(garbage)
            await tab.send_bytes(b"\x00\xff binary from a browser")
            await tab.send_str(json.dumps(["stdin", "Bob"]))
            assert b"Bob" in await read_until(tab, b"Bob")


def test_a_browser_claiming_an_absurd_size_gets_a_drawable_one() -> None:
    assert terminal_size(10**9, 10**9) == (MAX_COLUMNS, 150)
    assert terminal_size(-5, 0) == (20, 10)
    assert terminal_size(None, "x") == (80, 24)


def test_a_crashing_session_leaves_one_line_in_the_log_and_no_patient_answer() -> None:
    crashing_app = Path(__file__).with_name("crashing_kiosk_app.py")
    ended = subprocess.run(
        [sys.executable, str(crashing_app)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "TEXTUAL_DRIVER": "textual.drivers.headless_driver:HeadlessDriver"},
        cwd=Path(__file__).parents[2],
    )

    assert ended.returncode != 0
    assert "CANARY-PATIENT-ANSWER" not in ended.stdout + ended.stderr
    assert ended.stderr.strip() == CRASH_NOTE


async def until_fewer_open_sessions_than(server: KioskWebServer, count: int) -> None:
    """Wait (up to 30 s) until the server counts fewer than `count` open sessions."""
    async with asyncio.timeout(30):
        while server.open_sessions >= count:
            await asyncio.sleep(0.01)


async def test_tabs_over_the_session_limit_are_refused_until_one_closes() -> None:
    async with serving(TINY_KIOSK, max_sessions=2) as (server, url):
        async with aiohttp.ClientSession() as http:
            tabs = [await http.ws_connect(f"{url}ws?width=80&height=24") for _ in range(2)]
            for tab in tabs:
                await read_until(tab, b"Welcome")

            refused = await http.ws_connect(f"{url}ws?width=80&height=24")
            closing = await asyncio.wait_for(refused.receive(), timeout=30)
            assert closing.type == aiohttp.WSMsgType.CLOSE
            assert refused.close_code == aiohttp.WSCloseCode.TRY_AGAIN_LATER
            assert len(session_processes(server)) == 2

            await tabs[0].close()
            await until_fewer_open_sessions_than(server, 2)  # the server notices the closed tab
            again = await http.ws_connect(f"{url}ws?width=80&height=24")
            assert b"Welcome" in await read_until(again, b"Welcome")
            await tabs[1].send_str(json.dumps(["stdin", "Ada"]))
            assert b"Ada" in await read_until(tabs[1], b"Ada")
