"""One browser tab on the served kiosk, driven the way a patient uses a tablet.

The tab records every request the page makes, rebuilds the screen from the websocket (see
TerminalScreen) so a test can wait for words rather than sleep, taps a word's cell with a real
touch event, and types through the page's keyboard.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Page, WebSocket
from terminal_screen import TerminalScreen

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DEFAULT_WAIT_S = 30.0
#: The kiosk has finished drawing when it has sent nothing for this long.
QUIET_S = 0.2
#: After a tap, longer: a pressed button flashes for 0.2 s before the screen changes.
QUIET_AFTER_TAP_S = 0.5
#: How long a key or tap may take to show any change on screen (some change nothing).
REACTION_S = 1.0
#: A form is never longer than this many swipes.
MAX_SWIPES = 12


class ScreenTextMissing(AssertionError):
    """The words a test waited for never appeared on the tablet."""


class KioskTab:
    """A page showing the kiosk, with its screen, its requests and patient-like actions."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.screen = TerminalScreen()
        self.requested_urls: list[str] = []
        self.sessions_opened = 0
        self.last_output_at = time.monotonic()
        page.on("request", lambda request: self.requested_urls.append(request.url))
        page.on("websocket", self._watch_session)

    def _watch_session(self, websocket: WebSocket) -> None:
        """A new websocket is a new kiosk session: start from an empty screen of its size."""
        query = parse_qs(urlsplit(websocket.url).query)
        self.screen = TerminalScreen(int(query["width"][0]), int(query["height"][0]))
        self.sessions_opened += 1
        screen = self.screen
        websocket.on("framereceived", lambda payload: self._show(screen, payload))
        websocket.on("framesent", lambda payload: _follow_resize(screen, payload))

    def _show(self, screen: TerminalScreen, payload: str | bytes) -> None:
        """Terminal output arrives as binary frames; text frames are the page's own pings."""
        if isinstance(payload, bytes):
            screen.feed(payload)
            self.last_output_at = time.monotonic()

    def open(self, url: str) -> None:
        """Load the kiosk page and wait until the kiosk has drawn something."""
        self.page.goto(url)
        self.wait_until(lambda: self.screen.text().strip() != "", "any kiosk output")

    def reload(self) -> None:
        """The patient (or a glitch) reloads the tab: a fresh session must start."""
        sessions_before = self.sessions_opened
        self.page.reload()
        self.wait_until(lambda: self.sessions_opened > sessions_before, "a new session")

    def wait_until(
        self, condition: Callable[[], bool], what: str, timeout_s: float = DEFAULT_WAIT_S
    ) -> None:
        """Let the page run until `condition()` holds; fail naming `what` and the screen."""
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

    def settle(self, since: float | None = None, quiet_s: float = QUIET_S) -> None:
        """Wait until the kiosk has stopped drawing, so what the screen shows is where it is.

        With `since` (when a key or tap was sent), first give the kiosk up to REACTION_S to
        start answering it, so the next key goes where that one moved the focus.
        """
        if since is not None:
            deadline = since + REACTION_S
            while self.last_output_at < since and time.monotonic() < deadline:
                self.page.wait_for_timeout(20)
        self.wait_until(lambda: time.monotonic() - self.last_output_at > quiet_s, "a still screen")

    def tap(self, text: str) -> None:
        """Touch the middle of the first place on screen showing `text`, once it stands still."""
        self._tap_at(text, lambda: self.screen.find(text))

    def tap_button(self, label: str) -> None:
        """Touch the button showing `label` (not the same words elsewhere on the screen)."""
        self._tap_at(f"the {label!r} button", lambda: self.screen.find_button(label), len(label))

    def _tap_at(
        self, what: str, locate: Callable[[], tuple[int, int] | None], width: int | None = None
    ) -> None:
        self.settle()
        for _ in range(MAX_SWIPES):
            if locate() is not None:
                break
            if not self.swipe_up(rows=4):  # below the fold: scroll to it, as a patient would
                break
        self.wait_until(lambda: locate() is not None, what)
        self.settle()
        position = locate()
        assert position is not None, f"{what} left the screen"
        row, column = position
        box = self.page.locator(".xterm-screen").bounding_box()
        assert box is not None, "the terminal is not on the page"
        cell_width = box["width"] / self.screen.cols
        cell_height = box["height"] / self.screen.rows
        x = box["x"] + (column + (width if width is not None else len(what)) / 2) * cell_width
        y = box["y"] + (row + 0.5) * cell_height
        sent_at = time.monotonic()
        self.page.touchscreen.tap(x, y)
        self.settle(since=sent_at, quiet_s=QUIET_AFTER_TAP_S)

    def next_field(self, key: str = "Enter") -> None:
        """Press the key that moves to the next text box, and wait until the cursor is in it."""
        self.settle()
        row_before = self.screen.cursor[0]
        self.press(key)
        self.wait_until(lambda: self.screen.cursor[0] != row_before, f"{key} to reach a text box")
        self.settle()

    def tap_field(self, label: str) -> None:
        """Tap the text box labelled `label` and wait until the cursor is in it."""
        self.tap(label)
        position = self.screen.find(label)
        assert position is not None, f"the {label!r} box left the screen"
        # The label sits on the box's top border; the typing line is the row below.
        self.wait_until(lambda: self.screen.cursor[0] == position[0] + 1, f"the {label!r} box")

    def type(self, text: str) -> None:
        """Type on the tablet's own keyboard into the focused field (keys arrive in order)."""
        self.page.focus(".xterm-helper-textarea")
        self.page.keyboard.type(text)

    def press(self, key: str) -> None:
        """Press one key (Tab, Enter, ArrowDown, ...), and let the kiosk catch up."""
        sent_at = time.monotonic()
        self.page.focus(".xterm-helper-textarea")
        self.page.keyboard.press(key)
        self.settle(since=sent_at)

    def press_each(self, keys: list[str]) -> None:
        """Press keys one after another within one widget; let the kiosk catch up at the end."""
        sent_at = time.monotonic()
        self.page.focus(".xterm-helper-textarea")
        for key in keys:
            self.page.keyboard.press(key)
        self.settle(since=sent_at)

    def swipe_up(self, rows: int) -> bool:
        """Scroll what is under the middle of the screen by about `rows` rows; False at the end."""
        box = self.page.locator(".xterm-screen").bounding_box()
        assert box is not None, "the terminal is not on the page"
        before = self.screen.text()
        sent_at = time.monotonic()
        self.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        self.page.mouse.wheel(0, rows * box["height"] / self.screen.rows)
        self.settle(since=sent_at)
        return self.screen.text() != before

    def scroll_to_end(self) -> None:
        """Swipe until the end of a long text is shown (the screen stops moving)."""
        for _ in range(MAX_SWIPES):
            if not self.swipe_up(rows=self.screen.rows):
                return

    def screenshot(self, name: str) -> Path:
        """Save what the tablet shows under test-artifacts/ for a person to look at."""
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path


def _follow_resize(screen: TerminalScreen, payload: str | bytes) -> None:
    """When the page tells the kiosk a new size, the kiosk redraws everything at that size."""
    if isinstance(payload, str) and payload.startswith('["resize"'):
        size = json.loads(payload)[1]
        if (size["width"], size["height"]) != (screen.cols, screen.rows):
            screen.resize(size["width"], size["height"])
