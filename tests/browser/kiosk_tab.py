"""One browser tab on the served kiosk, driven the way a patient uses a tablet.

The tab records every request the page makes, rebuilds the screen from the websocket (see
TerminalScreen) so a test can wait for words rather than sleep, taps a word's cell with a real
touch event, and types through the page's keyboard.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Page, WebSocket
from terminal_screen import TerminalScreen

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DEFAULT_WAIT_S = 30.0


class ScreenTextMissing(AssertionError):
    """The words a test waited for never appeared on the tablet."""


class KioskTab:
    """A page showing the kiosk, with its screen, its requests and patient-like actions."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.screen = TerminalScreen()
        self.requested_urls: list[str] = []
        self.sessions_opened = 0
        page.on("request", lambda request: self.requested_urls.append(request.url))
        page.on("websocket", self._watch_session)

    def _watch_session(self, websocket: WebSocket) -> None:
        """A new websocket is a new kiosk session: start from an empty screen of its size."""
        query = parse_qs(urlsplit(websocket.url).query)
        self.screen = TerminalScreen(int(query["width"][0]), int(query["height"][0]))
        self.sessions_opened += 1
        screen = self.screen
        websocket.on("framereceived", lambda payload: _show(screen, payload))
        websocket.on("framesent", lambda payload: _follow_resize(screen, payload))

    def open(self, url: str) -> None:
        """Load the kiosk page and wait until the kiosk has drawn something."""
        self.page.goto(url)
        self.wait_until(lambda: self.screen.text().strip() != "", "any kiosk output")

    def reload(self) -> None:
        """The patient (or a glitch) reloads the tab: a fresh session must start."""
        sessions_before = self.sessions_opened
        self.page.reload()
        self.wait_until(lambda: self.sessions_opened > sessions_before, "a new session")

    def wait_until(self, condition: object, what: str, timeout_s: float = DEFAULT_WAIT_S) -> None:
        """Let the page run until `condition()` holds; fail naming `what` and the screen."""
        assert callable(condition)
        deadline = time.monotonic() + timeout_s
        while not condition():
            if time.monotonic() > deadline:
                raise ScreenTextMissing(
                    f"never saw {what}; the screen shows:\n{self.screen.text()}"
                )
            self.page.wait_for_timeout(50)  # pumps Playwright's events, so frames keep arriving

    def wait_for_text(self, text: str, timeout_s: float = DEFAULT_WAIT_S) -> None:
        """Wait until `text` is on the screen."""
        self.wait_until(lambda: self.screen.find(text) is not None, repr(text), timeout_s)

    def wait_for_text_gone(self, text: str, timeout_s: float = DEFAULT_WAIT_S) -> None:
        """Wait until `text` has left the screen (the screen changed)."""
        self.wait_until(lambda: self.screen.find(text) is None, f"{text!r} gone", timeout_s)

    def tap(self, text: str) -> None:
        """Touch the middle of the first place on screen showing `text`."""
        self.wait_for_text(text)
        position = self.screen.find(text)
        assert position is not None
        row, column = position
        box = self.page.locator(".xterm-screen").bounding_box()
        assert box is not None, "the terminal is not on the page"
        cell_width = box["width"] / self.screen.cols
        cell_height = box["height"] / self.screen.rows
        x = box["x"] + (column + len(text) / 2) * cell_width
        y = box["y"] + (row + 0.5) * cell_height
        self.page.touchscreen.tap(x, y)

    def type(self, text: str) -> None:
        """Type on the tablet's own keyboard into the focused field."""
        self.page.focus(".xterm-helper-textarea")
        self.page.keyboard.type(text)

    def press(self, key: str) -> None:
        """Press one key (Tab, Enter, ArrowDown, ...)."""
        self.page.focus(".xterm-helper-textarea")
        self.page.keyboard.press(key)

    def screenshot(self, name: str) -> Path:
        """Save what the tablet shows under test-artifacts/ for a person to look at."""
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path


def _show(screen: TerminalScreen, payload: str | bytes) -> None:
    """Terminal output arrives as binary frames; text frames are the page's own pings."""
    if isinstance(payload, bytes):
        screen.feed(payload)


def _follow_resize(screen: TerminalScreen, payload: str | bytes) -> None:
    """When the page tells the kiosk a new size, the kiosk redraws everything at that size."""
    if isinstance(payload, str) and payload.startswith('["resize"'):
        size = json.loads(payload)[1]
        if (size["width"], size["height"]) != (screen.cols, screen.rows):
            screen.resize(size["width"], size["height"])
