"""One browser tab on the served kiosk, driven the way a patient uses a tablet.

The tab records every request the page makes, rebuilds the screen from the websocket (see
TerminalScreen) so a test can wait for words rather than sleep, taps a word's cell with a real
touch event, and types through the page's keyboard. It keeps everything the page sent the kiosk
as terminal input, so a test can tell keys from taps. `TouchTab` is a tab used by finger alone:
it records every key the page receives and scrolls by tapping the scrollbar, never the wheel.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from contextlib import suppress
from functools import partial
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Page, WebSocket
from rich.cells import cell_len
from terminal_screen import TerminalScreen

from kiosk.widgets.keypad import KEYS

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DEFAULT_WAIT_S = 30.0
#: The kiosk has finished drawing when it has sent nothing for this long.
QUIET_S = 0.2
#: After a tap, longer: a pressed button flashes for 0.2 s before the screen changes.
QUIET_AFTER_TAP_S = 0.5
#: How long a key or tap may take to show any change on screen (some change nothing).
REACTION_S = 1.0
#: How long the cursor may take to show a key moved it to the next box.
CURSOR_WAIT_S = 5.0
#: A form is never longer than this many swipes.
MAX_SWIPES = 12
#: A step's scrollbar: the body's right padding is 2 columns, its 2-column scrollbar just inside.
SCROLLBAR_FROM_RIGHT = 4
#: The keypad's keys as drawn: one row, left to right, spaces between.
_KEYPAD_ROW = re.compile(" +".join(f"({re.escape(key)})" for key in KEYS))
#: A line of words under a list, at the step's left margin (a list's rows are indented).
_WORDS_AT_LEFT_MARGIN = re.compile(r"  \w")
#: What a tap (or a mouse) sends in the terminal's SGR mouse mode: button;column;row, M or m.
_MOUSE_REPORT = re.compile(r"\x1b\[<(\d+);(\d+);(\d+)([Mm])")
#: What the terminal answers by itself to the kiosk's questions (a mode report): not a key.
_TERMINAL_REPLY = re.compile(r"\x1b\[\?\d+;\d+\$y")


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
        #: Every piece of terminal input the page sent the kiosk (keys, taps), in order.
        self.terminal_input: list[str] = []
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
        websocket.on("framesent", self._keep_terminal_input)

    def _keep_terminal_input(self, payload: str | bytes) -> None:
        if isinstance(payload, str) and payload.startswith('["stdin"'):
            self.terminal_input.append(json.loads(payload)[1])

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
                picture = self.screenshot(f"never-saw-{time.time_ns()}")
                raise ScreenTextMissing(
                    f"never saw {what} (the tablet's screen: {picture.name}); the kiosk's "
                    f"cursor is at {self.screen.cursor}; the screen shows:\n{self.screen.text()}"
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
        self,
        what: str,
        locate: Callable[[], tuple[int, int] | None],
        width: int | None = None,
        quiet_s: float = QUIET_AFTER_TAP_S,
    ) -> None:
        self.settle()
        for _ in range(MAX_SWIPES):
            if locate() is not None:
                break
            if not self.scroll_down():  # below the fold: scroll to it, as a patient would
                break
        self.wait_until(lambda: locate() is not None, what)
        self.settle()
        position = locate()
        assert position is not None, f"{what} left the screen"
        row, column = position
        x, y = self._page_point(row, column + (width if width is not None else len(what)) / 2)
        sent_at = time.monotonic()
        self.page.touchscreen.tap(x, y)
        self.settle(since=sent_at, quiet_s=quiet_s)

    def _page_point(self, row: int, column: float) -> tuple[float, float]:
        """Where on the page the middle of `row` is, `column` cells from the terminal's left."""
        box = self.page.locator(".xterm-screen").bounding_box()
        assert box is not None, "the terminal is not on the page"
        return (
            box["x"] + column * box["width"] / self.screen.cols,
            box["y"] + (row + 0.5) * box["height"] / self.screen.rows,
        )

    def scroll_down(self) -> bool:
        """Bring more of a long form into view; False when it is already at its end."""
        return self.swipe_up(rows=4)

    def tap_box(self, label: str) -> None:
        """Tap the text box whose border shows `label` (not the same words in a message), once
        the whole box is in view, and wait until the cursor is in it."""
        self._tap_at(f"the whole {label!r} box", lambda: self._whole_box(label), len(label))
        self.wait_until(lambda: self._cursor_in_box(label), f"the cursor in the {label!r} box")

    def _cursor_in_box(self, label: str) -> bool:
        """The kiosk parks the cursor on the typing line of the focused box, the row under its
        label, wherever the box has moved to (the keypad coming up scrolls the step)."""
        where = self._whole_box(label)
        return where is not None and self.screen.cursor[0] == where[0] + 1

    def box_text(self, label: str) -> str | None:
        """What the text box labelled `label` shows, or None if its label or the line it
        shows what is typed on is not in view."""
        lines = self.screen.lines()
        top = re.compile(rf"▊▔ {re.escape(label)}")
        for row, line in enumerate(lines[:-1]):
            found = top.search(line)
            if found is not None and lines[row + 1][found.start() :].startswith("▊"):
                # (a scrollbar may follow the box's right border)
                return lines[row + 1][found.start() + 1 :].split("▎", 1)[0].strip()
        return None

    def _whole_box(self, label: str) -> tuple[int, int] | None:
        """Where `label` sits in a text box's top border ("▊▔ label"), if the box's bottom
        border is on screen too (a box half under the keypad would hide what is typed)."""
        lines = self.screen.lines()
        top = re.compile(rf"▊▔ ({re.escape(label)})")
        for row, line in enumerate(lines[:-2]):
            found = top.search(line)
            if found is not None and lines[row + 2][found.start() :].startswith("▊▁"):
                return row, cell_len(line[: found.start(1)])
        return None

    def tap_keypad(self, keys: str) -> None:
        """Tap each key on the on-screen keypad (its "1", not a "1" elsewhere on the screen)."""
        for key in keys:
            self._tap_at(f"the keypad's {key!r} key", partial(self._keypad_key, key), 1, QUIET_S)

    def _keypad_key(self, key: str) -> tuple[int, int] | None:
        """Where `key` is drawn on the keypad: the one row showing every key in order."""
        return _first_match(self.screen.lines(), _KEYPAD_ROW, group=KEYS.index(key) + 1)

    def tap_choice(self, question: str, option: str) -> None:
        """Tap `option` under the question whose text contains `question`; wait until it is
        marked chosen (●)."""
        what = f"{option!r} for {question!r}"
        self._tap_at(what, lambda: self._option_box(question, option), len(option) + 2)
        self.wait_until(lambda: self._option_chosen(question, option), f"{what} chosen")

    def _option_box(self, question: str, option: str) -> tuple[int, int] | None:
        """Where the option's mark and words are, in the first box row under the question."""
        lines = self.screen.lines()
        box = re.compile(rf"│ ([○●] {re.escape(option)}) │")
        for row, line in enumerate(lines):
            if question in line:
                return _first_match(lines[row + 1 :], box, first_row=row + 1)
        return None

    def _option_chosen(self, question: str, option: str) -> bool:
        where = self._option_box(question, option)
        return where is not None and self.screen.lines()[where[0]][where[1] :].startswith("●")

    def next_field(self, key: str = "Enter") -> None:
        """Press the key that moves to the next text box, and wait until the cursor is in it
        (the border above the cursor, with its label, is another box's: the new box may have
        scrolled to the very row the last one was on)."""
        self.settle()
        box_before = self._border_above_cursor()
        self.press(key)
        # Why no failure when the cursor stays: it is where the kiosk last parked it, and a
        # session whose page the browser has blurred (four tablets in one browser) stops
        # parking it. A key that was really lost still shows: what is typed next lands in the
        # wrong box, which the step's own checks and the sealed record catch.
        with suppress(ScreenTextMissing):
            self.wait_until(
                lambda: self._border_above_cursor() != box_before,
                f"{key} to reach a text box",
                timeout_s=CURSOR_WAIT_S,
            )
        self.settle()

    def _border_above_cursor(self) -> str:
        row = self.screen.cursor[0]
        return self.screen.lines()[row - 1] if row > 0 else ""

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

    def tap_scrollbar(self) -> bool:
        """Tap a scrollbar's track below its handle: the form (or list) moves down a page.

        The bar runs down the right of the scrolling part of the screen, which ends above the
        keypad and the Back / Next bar; a list with words under it (the PHQ-9's attribution)
        ends above those words. False if neither tap moved anything (the end is shown).
        """
        self.settle()
        lines = self.screen.lines()
        bars = [row for row, line in enumerate(lines) if line.startswith("▊▔")]  # Back / Next
        keypad = [row - 1 for row, line in enumerate(lines) if _KEYPAD_ROW.search(line)]
        bottom = min(bars + keypad + [self.screen.rows]) - 1
        above_words = bottom
        while above_words > 0 and _WORDS_AT_LEFT_MARGIN.match(lines[above_words]):
            above_words -= 1
        rows = [bottom] if above_words == bottom else [bottom, above_words]
        return any(self._tap_cell(row, self.screen.cols - SCROLLBAR_FROM_RIGHT) for row in rows)

    def _tap_cell(self, row: int, column: int) -> bool:
        """Touch the middle of one cell; whether the screen changed."""
        x, y = self._page_point(row, column + 0.5)
        before = self.screen.text()
        sent_at = time.monotonic()
        self.page.touchscreen.tap(x, y)
        self.settle(since=sent_at)
        return self.screen.text() != before

    def keyboard_input(self) -> str:
        """What the page sent the kiosk as keys: the terminal input without taps and without
        the terminal's own replies."""
        return "".join(
            _TERMINAL_REPLY.sub("", _MOUSE_REPORT.sub("", data)) for data in self.terminal_input
        )

    def mouse_buttons(self, since: int = 0) -> set[int]:
        """Every mouse button code the page sent (0 press/release, 35 move; 64/65 a wheel),
        from its `since`th piece of terminal input on."""
        return {
            int(report.group(1))
            for data in self.terminal_input[since:]
            for report in _MOUSE_REPORT.finditer(data)
        }

    def screenshot(self, name: str) -> Path:
        """Save what the tablet shows under test-artifacts/ for a person to look at."""
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path


class TouchTab(KioskTab):
    """A tab used by finger alone: it scrolls by tapping the scrollbar (a finger cannot turn a
    mouse wheel) and records every key the page receives (`key_presses`, `KeyboardEvent.key`),
    which for a patient must only be the words they write on the tablet's own keyboard."""

    def __init__(self, page: Page) -> None:
        super().__init__(page)
        self.key_presses: list[str] = []
        page.expose_function("kioskTestKeyPressed", self._key_pressed)
        page.add_init_script(
            "window.addEventListener('keydown', e => window.kioskTestKeyPressed(e.key), true);"
        )

    def _key_pressed(self, key: str) -> None:
        self.key_presses.append(key)

    def finger_swipe_up(self, rows: int) -> bool:
        """Drag a finger up the middle of the screen by `rows` rows (real touch events, as a
        tablet sends them); whether the screen changed."""
        box = self.page.locator(".xterm-screen").bounding_box()
        assert box is not None, "the terminal is not on the page"
        x = box["x"] + box["width"] / 2
        start_y = box["y"] + box["height"] * 0.6
        row_height = box["height"] / self.screen.rows
        touch = self.page.context.new_cdp_session(self.page)
        before = self.screen.text()
        sent_at = time.monotonic()
        touch.send("Input.dispatchTouchEvent", _touch("touchStart", x, start_y))
        for step in range(1, rows + 1):
            touch.send(
                "Input.dispatchTouchEvent", _touch("touchMove", x, start_y - step * row_height)
            )
        touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        touch.detach()
        self.settle(since=sent_at)
        return self.screen.text() != before

    def scroll_down(self) -> bool:
        return self.tap_scrollbar()


def _touch(kind: str, x: float, y: float) -> dict[str, object]:
    """One finger's touch event for the Chrome DevTools protocol."""
    return {"type": kind, "touchPoints": [{"x": x, "y": y}]}


def _first_match(
    lines: list[str], pattern: re.Pattern[str], first_row: int = 0, group: int = 1
) -> tuple[int, int] | None:
    """(row, cell column) of a group of the first line matching `pattern`, or None."""
    for row, line in enumerate(lines, start=first_row):
        found = pattern.search(line)
        if found is not None:
            return row, cell_len(line[: found.start(group)])
    return None


def _follow_resize(screen: TerminalScreen, payload: str | bytes) -> None:
    """When the page tells the kiosk a new size, the kiosk redraws everything at that size."""
    if isinstance(payload, str) and payload.startswith('["resize"'):
        size = json.loads(payload)[1]
        if (size["width"], size["height"]) != (screen.cols, screen.rows):
            screen.resize(size["width"], size["height"])
