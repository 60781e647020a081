# Over 400 lines: one tab's view of the kiosk and each way a patient acts on it, with its wait.
"""One browser tab on the served kiosk, driven the way a patient uses a tablet.

The tab records every request the page makes, rebuilds the screen from the websocket (see
TerminalScreen) so a test can wait for words rather than sleep, taps a word's cell with a real
touch event, and types through the page's keyboard. It keeps everything the page sent the kiosk
as terminal input, so a test can tell keys from taps. `TouchTab` is a tab used by finger alone:
it records every key the page receives and scrolls by tapping the scrollbar (with no track left
below the handle, by drawing a finger up the form: one wheel step), never by a mouse wheel.

How the tab knows where things are (the waits). A tap lands where the kiosk's layout is when
the kiosk handles it, which is not where the tab saw the target if the kiosk had not yet drawn
the effect of the input before. So every input waits for its own effect before anything else is
located: a tap names what it must change (`Effect`: the next screen's title, a row listed, a
statement ticked and wholly in view, an answer chosen with its question wholly in view, the
cursor in the tapped box, the keypad's digit in the box) and returns once the screen shows it,
and refuses to tap when that already shows (then the tab could not tell its tap had been
handled); a wheel step or a tap on a scrollbar returns once the form has moved (the box being
typed in, or the words above the keypad and Back and Next, scrollbars left out: `form_moved`;
one step, one scroll: the kiosk draws without animation); a key that moves the focus waits
until the new box has the cursor, at the column its words end at (a cursor left behind while
the step scrolls sits on another row or column), or until a list marks its question current
("▶"). Keys within one widget need no wait between them: the kiosk takes them in order. Each
kiosk update (the screen, then the cursor) reaches the tab as one websocket frame, so the tab
never reads half an update.

Why not "the kiosk has sent nothing for 0.2 s (0.5 s after a tap)", what the tab did before
(issue 11): under load the kiosk pauses longer than that between a tap and its effect. Seen with
frame times on this machine at load 12 on 2 cores (gaps between frames up to 4.3 s): "Add
medication" drew its button at once and the new row 1.1 s later, after the tab had found
"Allergic to" and tapped the tick box that the row moved there; a wheel step drawn 1.6 s late,
after the tab had taken "no change" for the end of the consent and located the statements; a
key that moves the focus answered late, so the next answer went into the box before. A longer
quiet time only makes the same guess rarer. Why not an acknowledgement from the kiosk over the
page channel (kiosk/browser/page_channel.py): the kiosk cannot tell when everything one input set
off is handled and drawn (a focus moves later, a box scrolls into view after the next refresh)
without bookkeeping Pilot does for tests (every widget's queue empty), which the product would
then do on every key for the tests' sake; the effect is what the patient waits for anyway.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Page, WebSocket
from rich.cells import cell_len
from terminal_screen import TerminalScreen

from kiosk.widgets.keypad import KEYS

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
#: How long the tab waits for what it waits for before it fails, naming it.
DEFAULT_WAIT_S = 30.0
#: A form is never longer than this many swipes (a guard against scrolling for ever).
MAX_SWIPES = 40
#: A step's scrollbar: the body's right padding is 2 columns, its 2-column scrollbar just inside.
SCROLLBAR_FROM_RIGHT = 4
#: The keypad's keys as drawn: one row, left to right, spaces between.
_KEYPAD_ROW = re.compile(" +".join(f"({re.escape(key)})" for key in KEYS))
#: A text box's top border with its label: the cursor's box, when on the row above it.
_BOX_LABEL = re.compile(r"▊▔ \S")
#: A line of words under a list, at the step's left margin (a list's rows are indented).
_WORDS_AT_LEFT_MARGIN = re.compile(r"  \w")
#: A row of a list of questions: indented past the border the list shows while in use.
_LIST_ROW = re.compile(r"  (█|   [┌│└])")
#: What a scrollbar is drawn with (its handle, in eighths of a cell): masked when the tab judges
#: whether the form moved, since a scrollbar can be redrawn in a frame of its own.
_SCROLLBAR_GLYPHS = re.compile("[▁▂▃▄▅▆▇█]")
#: A list's blank row between two questions, its focus border on the left (a scrollbar, perhaps,
#: on the right): the bottom of the question above is in view.
_LIST_GAP_ROW = re.compile(r"  █[ ▁▂▃▄▅▆▇█]*$")
#: What a tap (or a mouse) sends in the terminal's SGR mouse mode: button;column;row, M or m.
_MOUSE_REPORT = re.compile(r"\x1b\[<(\d+);(\d+);(\d+)([Mm])")
#: What the terminal answers by itself to the kiosk's questions (a mode report): not a key.
_TERMINAL_REPLY = re.compile(r"\x1b\[\?\d+;\d+\$y")


class ScreenTextMissing(AssertionError):
    """The words a test waited for never appeared on the tablet."""


@dataclass(frozen=True)
class Effect:
    """What an input must change on the screen, so the tab knows the kiosk has handled it."""

    what: str
    seen: Callable[[], bool]


class KioskTab:
    """A page showing the kiosk, with its screen, its requests and patient-like actions."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.screen = TerminalScreen()
        self.requested_urls: list[str] = []
        self.sessions_opened = 0
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
        websocket.on("framereceived", lambda payload: _show(screen, payload))
        websocket.on("framesent", lambda payload: _follow_resize(screen, payload))
        websocket.on("framesent", self._keep_terminal_input)

    def _keep_terminal_input(self, payload: str | bytes) -> None:
        if isinstance(payload, str) and payload.startswith('["stdin"'):
            self.terminal_input.append(json.loads(payload)[1])

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

    def wait_for(self, effect: Effect) -> None:
        self.wait_until(effect.seen, effect.what)

    def wait_for_text(self, text: str, timeout_s: float = DEFAULT_WAIT_S) -> None:
        """Wait until `text` is on the screen."""
        self.wait_until(lambda: self.screen.find(text) is not None, repr(text), timeout_s)

    def wait_for_text_gone(self, text: str, timeout_s: float = DEFAULT_WAIT_S) -> None:
        """Wait until `text` has left the screen (the screen changed)."""
        self.wait_until(lambda: self.screen.find(text) is None, f"{text!r} gone", timeout_s)

    def shows(self, text: str) -> Effect:
        """The effect "`text` is on the screen"."""
        return Effect(repr(text), lambda: self.screen.find(text) is not None)

    def no_longer_shows(self, text: str) -> Effect:
        """The effect "`text` has left the screen"."""
        return Effect(f"{text!r} gone", lambda: self.screen.find(text) is None)

    def cursor_in_box(self, label: str, typed: str | None = None) -> Effect:
        """The effect "the cursor is on the typing line of the box labelled `label`", the row
        under its label, wherever the box has moved to (the focus may scroll the step); with
        `typed`, also just after those words in it (the column tells this box's cursor from
        another's left where it was while the step scrolled)."""

        def seen() -> bool:
            where = self._label(label)
            if where is None or self.screen.cursor[0] != where[0] + 1:
                return False
            return typed is None or self.screen.cursor[1] == where[1] + cell_len(typed) + 1

        return Effect(f"the cursor in the {label!r} box", seen)

    def _label(self, label: str) -> tuple[int, int] | None:
        """Where `label` sits in a text box's top border ("▊▔ label")."""
        return _first_match(self.screen.lines(), re.compile(rf"▊▔ ({re.escape(label)})"))

    def cursor_on_row_of(self, text: str) -> Effect:
        """The effect "the cursor is on the row showing `text`" (a box's placeholder)."""

        def seen() -> bool:
            where = self.screen.find(text)
            return where is not None and self.screen.cursor[0] == where[0]

        return Effect(f"the cursor beside {text!r}", seen)

    def ticked(self, words: str) -> Effect:
        """The effect "the tick box showing `words` is ticked and wholly in view". Why whole:
        a box tapped while partly in view is ticked in one frame and scrolled wholly into view
        in the next (StepScreen._whole_in_view), moving everything under it."""

        def seen() -> bool:
            lines = self.screen.lines()
            where = self.screen.find(f"[X] {words}")
            if where is None or where[0] == 0:
                return False
            row, left = where[0], where[1] - 2  # the box's left border: "▊ [X] ..."
            if not lines[row - 1][left:].startswith("▊▔"):
                return False
            for line in lines[row + 1 :]:  # the box's rows, down to its bottom border
                if line[left:].startswith("▊▁"):
                    return True
                if not line[left:].startswith("▊"):
                    return False
            return False

        return Effect(f"[X] {words!r}, the whole box in view", seen)

    def box_shows(self, label: str, value: str) -> Effect:
        """The effect "the box labelled `label` shows `value` and nothing more"."""
        return Effect(f"{value!r} in the {label!r} box", lambda: self.box_text(label) == value)

    def tap(self, text: str, until: Effect, new_effect: bool = True) -> None:
        """Touch the middle of the first place on screen showing `text`; wait for `until`
        (which must not show yet, unless `new_effect` is False: a tap on the focused box)."""
        self._tap_at(text, lambda: self.screen.find(text), until, new_effect=new_effect)

    def tap_button(self, label: str, until: Effect) -> None:
        """Touch the button showing `label` (not the same words elsewhere on the screen); wait
        for `until`."""
        self._tap_at(f"the {label!r} button", lambda: self.screen.find_button(label), until, label)

    def _tap_at(
        self,
        what: str,
        locate: Callable[[], tuple[int, int] | None],
        until: Effect,
        drawn: str | None = None,
        new_effect: bool = True,
    ) -> None:
        """Find `what` (scrolling down to it, as a patient would), touch the middle of the
        `drawn` words there (default `what`), and wait until the screen shows `until`.

        `new_effect`: refuse to tap when `until` already shows, since then the tab could not
        tell the kiosk had handled this tap before the next input is located.
        """
        for _ in range(MAX_SWIPES):
            self.catch_up()
            if locate() is not None:
                break
            self.scroll_down()
        position = locate()
        assert position is not None, f"{what} is not on the screen, nor below it"
        assert not (new_effect and until.seen()), f"before tapping {what}: {until.what} shows"
        row, column = position
        x, y = self._page_point(row, column + cell_len(drawn if drawn is not None else what) / 2)
        self.page.touchscreen.tap(x, y)
        self.wait_for(until)

    def _page_point(self, row: int, column: float) -> tuple[float, float]:
        """Where on the page the middle of `row` is, `column` cells from the terminal's left."""
        box = self.page.locator(".xterm-screen").bounding_box()
        assert box is not None, "the terminal is not on the page"
        return (
            box["x"] + column * box["width"] / self.screen.cols,
            box["y"] + (row + 0.5) * box["height"] / self.screen.rows,
        )

    def scroll_down(self) -> None:
        """Bring more of a long form into view: one step of the mouse wheel."""
        self.swipe_up()

    def scroll_until(self, effect: Effect) -> None:
        """Scroll down, a step at a time, until the screen shows `effect`."""
        for _ in range(MAX_SWIPES):
            if effect.seen():
                return
            self.scroll_down()
        self.wait_for(effect)

    def tap_box(self, label: str) -> None:
        """Tap the text box whose border shows `label` (not the same words in a message), once
        the whole box is in view, and wait until the cursor is in it."""
        self._tap_at(
            f"the whole {label!r} box",
            lambda: self._whole_box(label),
            self.cursor_in_box(label),
            label,
            new_effect=False,  # a tap on the box that has the focus changes nothing
        )

    def tap_field(self, label: str) -> None:
        """Tap the label on the border of the text box labelled `label` (not the same words in
        a message; the box may be partly out of view) and wait until the cursor is in it."""
        box = f"the {label!r} box"
        self._tap_at(box, lambda: self._label(label), self.cursor_in_box(label), label, False)

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

    def tap_keypad(self, keys: str, box: str) -> None:
        """Tap each key on the on-screen keypad (its "1", not a "1" elsewhere on the screen)
        into the empty box labelled `box`, each once the box shows the keys before it."""
        typed = ""
        for key in keys:
            typed += key
            self._tap_at(
                f"the keypad's {key!r} key",
                lambda key=key: self._keypad_key(key),
                self.box_shows(box, typed),
                key,
            )

    def _keypad_key(self, key: str) -> tuple[int, int] | None:
        """Where `key` is drawn on the keypad: the one row showing every key in order."""
        return _first_match(self.screen.lines(), _KEYPAD_ROW, group=KEYS.index(key) + 1)

    def tap_choice(self, question: str, option: str) -> None:
        """Tap `option` under the question whose text contains `question`; wait until it is
        marked chosen (●)."""
        what = f"{option!r} for {question!r}"
        chosen = Effect(f"{what} chosen", lambda: self._option_chosen(question, option))
        self._tap_at(what, lambda: self._option_box(question, option), chosen, f"○ {option}")

    def _option_box(self, question: str, option: str) -> tuple[int, int] | None:
        """Where the option's mark and words are, in the first box row under the question."""
        found = self._option(question, option)
        return None if found is None else found[0]

    def _option_chosen(self, question: str, option: str) -> bool:
        """The option is marked chosen and its question is wholly in view, down to the blank
        row under its answers. Why whole: a question tapped while partly in view is marked in
        one frame and scrolled wholly into view in a later one (ChoiceList._reveal), moving
        everything on the step; a tap or a scroll judged on the frame before would miss."""
        found = self._option(question, option)
        if found is None or found[1] != "●":
            return False
        lines, bottom = self.screen.lines(), self._scrolling_part_end()
        for line in lines[found[0][0] + 1 : bottom]:
            if not re.search("[┌│└]", line):  # past the answers' boxes
                return _LIST_GAP_ROW.match(line) is not None
        return False

    def _option(self, question: str, option: str) -> tuple[tuple[int, int], str] | None:
        """The option's (row, cell column) under the question, and its mark (○ or ●)."""
        lines = self.screen.lines()
        box = re.compile(rf"│ (([○●]) {re.escape(option)}) │")
        for row, line in enumerate(lines):
            if question in line:
                for below, option_line in enumerate(lines[row + 1 :], start=row + 1):
                    found = box.search(option_line)
                    if found is not None:
                        return (below, cell_len(option_line[: found.start(1)])), found.group(2)
                return None
        return None

    def next_field(self, label: str, key: str = "Enter") -> None:
        """Press the key that moves to the empty text box labelled `label`, and wait until the
        cursor is in it. Why wait: the kiosk moves the focus after the keys already on their
        way, so a word typed at once could land in the box before."""
        self.press(key)
        self.wait_for(self.cursor_in_box(label, typed=""))

    def type(self, text: str) -> None:
        """Type on the tablet's own keyboard into the focused field (keys arrive in order)."""
        self.page.focus(".xterm-helper-textarea")
        self.page.keyboard.type(text)

    def press(self, key: str) -> None:
        """Press one key (Tab, Enter, ArrowDown, ...)."""
        self.press_each([key])

    def press_each(self, keys: list[str]) -> None:
        """Press keys one after another within one widget (the kiosk takes them in order; the
        caller waits for what they change before it locates anything on the screen)."""
        self.page.focus(".xterm-helper-textarea")
        for key in keys:
            self.page.keyboard.press(key)

    def swipe_up(self, rows: int = 4) -> None:
        """Turn the mouse wheel one step over the middle of the screen (the kiosk scrolls what
        is under it by a few rows); wait until the screen has moved."""
        box = self.page.locator(".xterm-screen").bounding_box()
        assert box is not None, "the terminal is not on the page"
        moved = self.form_moved("under the wheel")
        self.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        self.page.mouse.wheel(0, rows * box["height"] / self.screen.rows)
        self.wait_for(moved)

    def catch_up(self) -> None:
        """Take in the kiosk's frames that have reached the page: the screen the tab judges by
        is then the newest it can know (Playwright hands events over only while it runs)."""
        self.page.wait_for_timeout(0)

    def form_moved(self, how: str) -> Effect:
        """The effect "the form has moved" (`how`: by what), against the newest screen: the label
        of the box being typed in has left its row, or (no box has the cursor) the words of the
        screen's scrolling part have changed. Scrollbars are left out of both, and Back, Next,
        the reason beside them and the keypad out of the second: none of them moves the form.

        Why not "the screen changed" while a box is in use: a frame already on its way when the
        tab scrolled would be taken for the scroll, and the next tap located on the screen from
        before it. Seen at larger text: the last keypad digit of the date of birth drew the
        date, then in a frame of its own took the date's message away (the boxes below moved
        up a row); the tab, looking before that frame, tapped the scrollbar to bring the phone
        box wholly into view, took that frame for the scroll, and its tap on the phone box
        landed on the box below once the scroll was drawn.

        Why the scrollbars and the bar at the bottom are left out: Textual redraws a scrollbar's
        handle in a frame after the scroll that moved it, and "To go on: ..." in a frame after
        the answer that changed it (the step's message handler). Seen at larger text on the
        health history and the migraine step: the last answer's late frame, changing only a
        handle, was taken for the page under the tap on the scrollbar; the tab tapped again,
        the two pages were drawn one after the other, and it paged past the next question.
        """
        self.catch_up()
        lines, (row, _) = self.screen.lines(), self.screen.cursor
        if 0 < row < len(lines) and _BOX_LABEL.search(lines[row - 1]):
            label = _SCROLLBAR_GLYPHS.sub(" ", lines[row - 1])
            return Effect(
                f"the form move {how}",
                lambda: _SCROLLBAR_GLYPHS.sub(" ", self.screen.lines()[row - 1]) != label,
            )
        before = self._scrolling_words()
        return Effect(f"the form move {how}", lambda: self._scrolling_words() != before)

    def _scrolling_part_end(self) -> int:
        """The row under the screen's scrolling part: the keypad's first row, or the top of
        Back and Next, or the screen's end."""
        lines = self.screen.lines()
        bars = [row for row, line in enumerate(lines) if line.startswith("▊▔")]  # Back / Next
        keypad = [row - 1 for row, line in enumerate(lines) if _KEYPAD_ROW.search(line)]
        return min(bars + keypad + [self.screen.rows])

    def _scrolling_words(self) -> list[str]:
        """The rows of the screen's scrolling part, without its scrollbars' handles."""
        lines = self.screen.lines()[: self._scrolling_part_end()]
        return [_SCROLLBAR_GLYPHS.sub(" ", line) for line in lines]

    def tap_scrollbar(self, moves: bool = True) -> None:
        """Tap a scrollbar's track at its bottom: the form (or list) moves down a page; wait
        until it has moved. `moves=False`: the end is shown, the tap lands on the handle and
        moves nothing (then there is nothing to wait for, and nothing goes stale).

        The bar runs down the right of the scrolling part of the screen, which ends above the
        keypad and the Back / Next bar; a list with words under it (the PHQ-9's attribution)
        ends above those words.
        """
        moved = self.form_moved("under the tap")  # (first: it takes in the newest frames)
        row, column = self._scrollbar_track_bottom()
        x, y = self._page_point(row, column + 0.5)
        self.page.touchscreen.tap(x, y)
        if moves:
            self.wait_for(moved)

    def _scrollbar_track_bottom(self) -> tuple[int, int]:
        """The (row, column) of the bottom of the scrollbar's track that `tap_scrollbar` taps."""
        lines = self.screen.lines()
        row = self._scrolling_part_end() - 1
        above_words = row
        while above_words > 0 and _WORDS_AT_LEFT_MARGIN.match(lines[above_words]):
            above_words -= 1
        if _LIST_ROW.match(lines[above_words]):  # words under a list: the list's own bar ends above
            row = above_words
        return row, self.screen.cols - SCROLLBAR_FROM_RIGHT

    def handle_at_track_bottom(self) -> bool:
        """Whether the scrollbar's handle reaches into the bottom row of its track (its end is
        drawn there as part of a cell): a tap there grabs the handle and moves nothing, though
        the form may not be at its end (the handle is a row or more long)."""
        row, column = self._scrollbar_track_bottom()
        return _SCROLLBAR_GLYPHS.match(self.screen.lines()[row], column) is not None

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

    def draw_finger(self, across: float, down: float, rises: list[float]) -> None:
        """Put a finger on the terminal at (`across`, `down`), fractions of its width and
        height, draw it up by each of `rises` rows in turn and lift it (real touch events, as a
        tablet sends them)."""
        box = self.page.locator(".xterm-screen").bounding_box()
        assert box is not None, "the terminal is not on the page"
        x, start_y = box["x"] + box["width"] * across, box["y"] + box["height"] * down
        row_height = box["height"] / self.screen.rows
        finger = self.page.context.new_cdp_session(self.page)
        finger.send("Input.dispatchTouchEvent", _touch("touchStart", x, start_y))
        for rise in rises:
            finger.send(
                "Input.dispatchTouchEvent", _touch("touchMove", x, start_y - rise * row_height)
            )
        finger.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        finger.detach()

    def finger_swipe_up(self, rows: int) -> None:
        """Drag a finger up the middle of the screen by `rows` rows, a row at a time; wait until
        the screen has moved."""
        before = self.screen.text()
        self.draw_finger(0.5, 0.6, [float(step) for step in range(1, rows + 1)])
        self.wait_until(lambda: self.screen.text() != before, "the form move under the finger")

    def scroll_down(self) -> None:
        """Tap the scrollbar's track below its handle; with no track left below the handle
        (at larger text, a few rows before the end), draw a finger up the form instead."""
        if self.handle_at_track_bottom():
            self.finger_wheel_step()
        else:
            self.tap_scrollbar()

    def finger_wheel_step(self) -> None:
        """Draw a finger up the form by one and a half rows, which the page turns into exactly
        one wheel step (one per row the finger moves, kiosk-page.js), drawn in one frame; wait
        until the form has moved. Why not further: a wheel step per row, each in a frame of its
        own, and a tap located between two of them lands where the form was."""
        moved = self.form_moved("under the finger")
        self.draw_finger(0.25, 0.5, [1.5])
        self.wait_for(moved)


def _show(screen: TerminalScreen, payload: str | bytes) -> None:
    """Terminal output arrives as binary frames, one whole update of the kiosk's screen each;
    text frames are the page's own pings."""
    if isinstance(payload, bytes):
        screen.feed(payload)


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
