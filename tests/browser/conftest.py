"""Fixtures for the browser tests: Debian's Chromium, a served kiosk on port 0, kiosk tabs.

Chromium is the system one (scripts/ensure-chromium installs it); Playwright never downloads a
browser here. Each served kiosk runs its aiohttp server on a loop in a background thread.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from kiosk_tab import KioskTab, TouchTab
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, sync_playwright

from kiosk.browser.forked_sessions import SessionProgram
from kiosk.browser.web_server import KioskWebServer, kiosk_sessions
from kiosk.desk.facade import Kiosk
from kiosk.vault import Argon2Cost

# Why: a test-only low keyslot cost, passed explicitly; the browser tests are not about the PIN's
# cost (that is tests/attacks/test_thief.py), and `kiosk init`'s calibration takes seconds.
CHEAP_SLOTS = Argon2Cost(memory_kib=64, iterations=1, lanes=1)
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TABLET_VIEWPORT: ViewportSize = {"width": 1280, "height": 1024}  # a large tablet in landscape
BROWSER_TESTS = Path(__file__).parent
#: The stand-in kiosk app (tiny_kiosk_app.py); the forker finds it with `tiny_app_importable`.
TINY_KIOSK = SessionProgram("tiny_kiosk_app")


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless; if missing: a failure under CI, else a skip."""
    if not CHROMIUM.exists():
        reason = "no /usr/bin/chromium: run scripts/ensure-chromium"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class ServedKiosk:
    """A KioskWebServer running on its own event loop thread, listening on a free port."""

    def __init__(self, program: SessionProgram) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server = KioskWebServer(program, host="127.0.0.1", port=0)
        self._thread.start()
        self.url = asyncio.run_coroutine_threadsafe(self._server.start(), self._loop).result(30)

    def stop(self) -> None:
        """Stop the server; every session's kiosk process is asked to quit."""
        asyncio.run_coroutine_threadsafe(self._server.stop(), self._loop).result(60)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    @property
    def forker_pid(self) -> int:
        pid = self._server.forker.pid
        assert pid is not None, "the server is not running"
        return pid


@pytest.fixture
def tiny_app_importable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the session forker (a new Python process) import the stand-in apps in this folder."""
    monkeypatch.setenv("PYTHONPATH", str(BROWSER_TESTS))


@pytest.fixture
def serve_program() -> Iterator[Callable[[SessionProgram], ServedKiosk]]:
    """Serve any session program; stopped at the end of the test."""
    served: list[ServedKiosk] = []

    def start(program: SessionProgram) -> ServedKiosk:
        served.append(ServedKiosk(program))
        return served[-1]

    yield start
    for kiosk in served:
        kiosk.stop()


@pytest.fixture
def tiny_kiosk(
    serve_program: Callable[[SessionProgram], ServedKiosk], tiny_app_importable: None
) -> ServedKiosk:
    """The stand-in kiosk app, served."""
    return serve_program(TINY_KIOSK)


@pytest.fixture
def served_demo_kiosk(
    serve_program: Callable[[SessionProgram], ServedKiosk], demo_kiosk_dir: Path
) -> ServedKiosk:
    """The real kiosk, served, on a fresh demo kiosk's data directory."""
    return serve_program(kiosk_sessions(demo_kiosk_dir))


@pytest.fixture
def new_page(chromium: Browser) -> Iterator[Callable[..., Page]]:
    """Open pages on touch tablets (this size unless told), each in its own browser context
    (like separate tablets); all closed after the test."""
    contexts: list[BrowserContext] = []

    def open_page(viewport: ViewportSize = TABLET_VIEWPORT) -> Page:
        context = chromium.new_context(viewport=viewport, has_touch=True)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def tablet(new_page: Callable[..., Page]) -> Callable[[], KioskTab]:
    """Open tablet-sized tabs on the kiosk."""
    return lambda: KioskTab(new_page())


@pytest.fixture
def touch_tablet(new_page: Callable[..., Page]) -> Callable[..., TouchTab]:
    """Touch tabs (the tablet's size unless told) that record every key the page receives."""
    return lambda viewport=TABLET_VIEWPORT: TouchTab(new_page(viewport))


@pytest.fixture
def demo_kiosk_dir(tmp_path: Path) -> Path:
    """A fresh demo kiosk (demo clinic key, nurse N100 / PIN 246810) in its own directory."""
    data_dir = tmp_path / "kiosk"
    Kiosk.init(data_dir, demo=True, keyslot_cost=CHEAP_SLOTS).close()
    return data_dir
