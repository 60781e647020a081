"""A nurse's tablet at the infusion chairs: a kiosk tab used by finger, as TouchTab is, with the
taps a nurse makes on the staff screens (the sign-in, the chair board, a chair, an entry form).

Each tap waits for its own effect on the screen before anything else is located (see
kiosk_tab.py): the sign-in's box holding the cursor, a PIN dot more, the next screen's title, a
choice's list open and then closed on the option, the entry in the chair's log. The tablet's own
keyboard types only what goes into a box (the staff id, readings, a reason); the PIN goes in
through the sign-in's own digit pad.

Where the staff screens differ from the patient's: a box's label is a line of its own above the
box (not on its border) or the box's placeholder, so a box is found by the line above it or by
its placeholder; a choice (Textual's Select) opens a list over the form. A form longer than the
screen (the exam, the discharge) is moved by a finger drawn up one and a half rows, which the page
turns into one wheel step, drawn in one frame, so what is located after it stays where it was
seen (a longer swipe sends a wheel step per row, and a tap located between two of their frames
lands where the next one has moved something else; a tap on the scrollbar moves a whole
screenful, so a box half shown at the bottom edge lands half hidden under the shift bar).
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from kiosk_tab import MAX_SWIPES, Effect, TouchTab
from rich.cells import cell_len

from kiosk.locale.staff import chair_text, staff_text
from kiosk.screens.chair import ACTIONS

#: The welcome screen's line a nurse taps (a tablet has no F12).
STAFF_LINE = "Staff: tap here or press F12"
#: What the sign-in's staff id box shows while empty.
STAFF_ID_HINT = staff_text("unlock.staff_id_hint")
#: How a password box shows each digit typed.
PIN_DOT = "•"
BOARD_TITLE = "Patients in a chair:"
SAVE = chair_text("entry.save")
#: A box's line: its left border, then what it shows.
_BOX_LINE = re.compile(r"▊ +(\S.*?)? *▎")
#: An entry's form and the discharge end in a bar of buttons (Back, Save or Sign) this tall.
BUTTON_BAR_ROWS = 3
#: Every staff screen starts with the shift bar (the nurse, the idle countdown, Lock).
SHIFT_BAR_ROWS = 3
#: A form is never longer than this many steps of the wheel (two rows each).
MOST_STEPS = 80


def clock_typed(moment: datetime, zone: ZoneInfo) -> str:
    """A moment as a nurse types it into a time box: HH:MM in the clinic's zone."""
    return moment.astimezone(zone).strftime("%H:%M")


def action_labels() -> list[str]:
    """Every action button of a chair, as drawn ("Side effect (f)"), Back included."""
    labels = [f"{chair_text(f'action.{name}')} ({key})" for name, key in ACTIONS]
    return [*labels, f"{staff_text('common.back')} (Esc)"]


class ChairTablet(TouchTab):
    """One nurse's tab at the chairs."""

    # ---- where things are ---------------------------------------------------------------

    def row_of(self, text: str) -> int | None:
        where = self.screen.find(text)
        return None if where is None else where[0]

    def box_line_under(self, label: str, above: int | None = None) -> tuple[int, int] | None:
        """The typing line of the box drawn whole under the line `label` (the first such line,
        or with `above`, the last one above that row): (row, the column where the box's words
        start)."""
        lines = self.screen.lines()
        # (a toast may show at the right of the label's line)
        alone = re.compile(rf"^[ █]*{re.escape(label)}(?: {{2,}}|$)")
        found = [
            number
            for number, line in enumerate(lines)
            if alone.match(line) and (above is None or number < above)
        ]
        if not found:
            return None
        label_row = found[0] if above is None else found[-1]
        row = label_row + 2
        if row + 1 >= len(lines):
            return None
        border = lines[row].find("▊", max(0, lines[label_row].find(label) - 2))
        if border < 0 or not (
            lines[row - 1][border:].startswith("▊▔") and lines[row + 1][border:].startswith("▊▁")
        ):
            return None
        return row, cell_len(lines[row][:border]) + 3

    def line_showing(self, words: str) -> str:
        """The screen's line showing `words`, or "" if none does."""
        row = self.row_of(words)
        return "" if row is None else self.screen.lines()[row]

    def box_words(self, row: int) -> str:
        """What the box whose typing line is `row` shows."""
        found = _BOX_LINE.search(self.screen.lines()[row])
        return "" if found is None or found.group(1) is None else found.group(1).strip()

    def cursor_on_row(self, row: int, what: str) -> Effect:
        return Effect(f"the cursor in {what}", lambda: self.screen.cursor[0] == row)

    def _touch(self, row: int, column: float) -> None:
        """A finger on the middle of one cell (`column` may fall between two)."""
        box = self.page.locator(".xterm-screen").bounding_box()
        assert box is not None, "the terminal is not on the page"
        self.page.touchscreen.tap(
            box["x"] + (column + 0.5) * box["width"] / self.screen.cols,
            box["y"] + (row + 0.5) * box["height"] / self.screen.rows,
        )

    def tap_cell(self, row: int, column: float, until: Effect, new_effect: bool = True) -> None:
        """Touch one cell and wait for `until` (which must not show yet, unless `new_effect` is
        False: a tap on the box that has the cursor changes nothing)."""
        assert not (new_effect and until.seen()), f"before tapping: {until.what} shows"
        self._touch(row, column)
        self.wait_for(until)

    # ---- the sign-in --------------------------------------------------------------------

    def unlock(self, staff_id: str, pin: str) -> None:
        """From the welcome screen: tap the staff line, type the id on the tablet's keyboard,
        tap the PIN box and the PIN on the sign-in's pad, tap Unlock; wait for today's list
        signed in as `staff_id`."""
        self.tap(STAFF_LINE, until=self.shows(staff_text("unlock.title")))
        self.tap(STAFF_ID_HINT, until=self.cursor_on_row_of(STAFF_ID_HINT), new_effect=False)
        id_row = self.screen.cursor[0]
        self.type(staff_id)
        self.wait_until(lambda: self.box_words(id_row) == staff_id, f"{staff_id!r} typed")
        self.pin_on_pad(staff_text("unlock.pin"), pin)
        signed_in = staff_text("shift.who_nurse", staff_id=staff_id)
        self.tap_button(staff_text("unlock.unlock"), until=self.shows(signed_in))

    def pin_on_pad(self, label: str, pin: str) -> None:
        """Tap the PIN box under the line `label` (moving the form down until the box and the
        whole pad under it show), then each digit on the pad, each once the box shows a dot for
        the digit before it."""
        self.step_until(
            Effect(
                "the PIN box and its pad",
                lambda: self.box_shown(label).seen() and self.screen.find_button("0") is not None,
            )
        )
        pin_box = self.box_line_under(label)
        assert pin_box is not None, f"no PIN box under {label!r}"
        self.tap_cell(*pin_box, until=self.cursor_on_row(pin_box[0], "the PIN box"))
        for typed in range(1, len(pin) + 1):
            self.tap_button(
                pin[typed - 1],
                until=Effect(
                    f"{typed} PIN dots",
                    lambda typed=typed: self.box_words(pin_box[0]) == PIN_DOT * typed,
                ),
            )

    def signed_in(self) -> str | None:
        """Which nurse the tab's shift bar names, or None (no staff screen)."""
        found = re.search(r"Nurse (\S+) signed in", self.screen.text())
        return None if found is None else found.group(1)

    # ---- today's list, the board and a chair --------------------------------------------

    def to_the_chair_of(self, name: str) -> None:
        """On today's list, tap the patient's row (the first row, where the list's cursor
        opens: one tap opens it; a tap on another row only moves the cursor, which the tab
        cannot see), then "To the chair"; wait for the chair with every action whole."""
        rows = [number for number, line in enumerate(self.screen.lines()) if name in line]
        heading = staff_text("queue.column.name")
        first = self.row_of(heading)
        assert rows and first is not None and rows[0] == first + 1, f"{name} not first today"
        column = self.screen.lines()[rows[0]].index(name) + len(name) / 2
        self.tap_cell(rows[0], column, until=self.shows(chair_text("checkin.to_chair")))
        self.tap_button(
            chair_text("checkin.to_chair"),
            until=self.shows(chair_text("chair.heading", name=name.split()[0])),
        )
        self.wait_for(self.every_action_whole())

    def to_the_board(self) -> None:
        """From today's list, tap Chairs; wait for the board's rows."""
        self.tap_button(chair_text("board.open"), until=self.shows(BOARD_TITLE))

    def board_row(self, name: str) -> str | None:
        """The board's row of the patient named `name`, as drawn."""
        if self.screen.find(BOARD_TITLE) is None:
            return None
        for line in self.screen.lines():
            if re.search(rf"\s{re.escape(name)}\s", line):
                return line
        return None

    def board_shows(self, name: str, words: str) -> Effect:
        """The effect "the board's row of `name` shows `words`"."""

        def seen() -> bool:
            row = self.board_row(name)
            return row is not None and words in row

        return Effect(f"{words!r} in {name}'s row of the board", seen)

    def every_action_whole(self) -> Effect:
        """The effect "every action button of the chair is drawn with its whole label" (the
        chair lays its buttons out once it knows its width; until then a label may be cut)."""

        def seen() -> bool:
            return all(self.screen.find_button(label) is not None for label in action_labels())

        return Effect("every action of the chair whole", seen)

    def open_chair(self, name: str) -> None:
        """Tap the patient's row on the board; wait for the chair with every action whole."""
        row = self.row_of(f" {name} ")
        assert row is not None and self.board_row(name) is not None, f"{name} not on the board"
        heading = chair_text("chair.heading", name=name)
        column = self.screen.lines()[row].index(f" {name} ") + 1 + len(name) / 2
        self.tap_cell(row, column, until=self.shows(heading))
        self.wait_for(self.every_action_whole())

    def tap_action(self, name: str, title: str) -> None:
        """Tap one of the chair's action buttons (`name` as in ACTIONS); wait for `title`."""
        key = dict(ACTIONS)[name]
        self.tap_button(f"{chair_text(f'action.{name}')} ({key})", until=self.shows(title))

    def back_to_the_board(self) -> None:
        self.tap_button(f"{staff_text('common.back')} (Esc)", until=self.shows(BOARD_TITLE))

    # ---- an entry's form ----------------------------------------------------------------

    def swipe_step(self) -> None:
        """Move the form down one wheel step (two rows): a finger drawn up one and a half rows
        over the form, which the page turns into exactly one wheel step (one per row it
        moves, kiosk-page.js); wait until the form's left half has moved (the shift bar's
        countdown and a toast at the right change by themselves). The finger is on the form's
        boxes, at the left: a wheel step over a toast would not reach the form."""
        before = self.form_seen()
        self.draw_finger(0.25, 0.5, [1.5])
        self.wait_until(lambda: self.form_seen() != before, "the form move a step down")

    def form_seen(self) -> list[str]:
        """The left half of the rows between the shift bar and the bar of buttons."""
        half = self.screen.cols // 2
        lines = self.screen.lines()
        return [line[:half] for line in lines[SHIFT_BAR_ROWS : len(lines) - BUTTON_BAR_ROWS]]

    def scroll_down(self) -> None:
        """How `tap_button` brings a button further down the form into view."""
        self.swipe_step()

    def step_until(self, effect: Effect) -> None:
        """Move the form down a step at a time until the screen shows `effect`."""
        for _ in range(MOST_STEPS):
            if effect.seen():
                return
            self.swipe_step()
        self.wait_for(effect)

    def box_shown(self, label: str, above: int | None = None) -> Effect:
        """The effect "the box under the line `label` is drawn whole" (see `box_line_under`)."""
        return Effect(
            f"the whole box under {label!r}",
            lambda: self.box_line_under(label, above) is not None,
        )

    def fill(self, label: str, words: str, above: int | None = None) -> None:
        """Tap the box under the line `label` (moving the form down to it), type `words` on
        the tablet's keyboard; wait until the box shows them."""
        self.step_until(self.box_shown(label, above))
        box = self.box_line_under(label, above)
        assert box is not None, f"no box under {label!r}"
        self.tap_cell(
            *box, until=self.cursor_on_row(box[0], f"the {label!r} box"), new_effect=False
        )
        self.type(words)
        self.wait_until(lambda: self.box_words(box[0]) == words, f"{words!r} in the {label!r} box")

    def fill_time(self, typed: str) -> None:
        """Type the time the entry happened (HH:MM) into its form's time box."""
        self.fill(chair_text("entry.time"), typed)

    def fill_time_of(self, button: str, typed: str) -> None:
        """On the discharge, type the time a part was done into the time box just above the
        part's button (`button`, its label), once both are in view."""
        self.step_until(
            Effect(f"the time box above {button!r}", lambda: self._time_box_above(button))
        )
        where = self.screen.find_button(button)
        assert where is not None
        self.fill(chair_text("entry.time"), typed, above=where[0])

    def _time_box_above(self, button: str) -> bool:
        where = self.screen.find_button(button)
        time_label = chair_text("entry.time")
        return where is not None and self.box_line_under(time_label, where[0]) is not None

    def fill_placeholder(self, placeholder: str, words: str) -> None:
        """Tap the empty box showing `placeholder` (moving the form down to it), type `words`;
        wait until it shows them."""
        self.step_until(self.shows(placeholder))
        where = self.screen.find(placeholder)
        assert where is not None, f"no box showing {placeholder!r}"
        row = where[0]
        self.tap_cell(
            row, where[1] + 1, until=self.cursor_on_row(row, repr(placeholder)), new_effect=False
        )
        self.type(words)
        self.wait_until(lambda: self.box_words(row) == words, f"{words!r} in {placeholder!r}'s box")

    def choose(self, label: str, option: str) -> None:
        """Tap the choice under the line `label`, then `option` (the first words of an option,
        as the list shows them) in the list it opens; wait until the list is closed and the
        choice shows the option."""
        self.step_until(self.box_shown(label))
        box = self.box_line_under(label)
        assert box is not None, f"no choice under {label!r}"
        row, column = box

        def listed() -> tuple[int, int] | None:
            """Where the list shows `option`: under the choice, or over it when the list is
            moved up to fit on the screen."""
            lines = self.screen.lines()
            for number in [*range(row + 1, len(lines)), *range(row - 1, -1, -1)]:
                found = lines[number].find(option)
                if found >= 0:
                    return number, cell_len(lines[number][:found])
            return None

        self.tap_cell(row, column, until=Effect(f"{option!r} listed", lambda: listed() is not None))
        where = listed()
        assert where is not None
        self.tap_cell(
            where[0],
            where[1] + len(option) / 2,
            until=Effect(
                f"{option!r} chosen under {label!r}",
                lambda: self.box_words(row).startswith(option) and listed() is None,
            ),
        )

    def save(self, logged: str) -> None:
        """Tap Save; wait for the chair again (the form closed) and find `logged` in its log."""
        self.tap_button(SAVE, until=self.every_action_whole())
        self.find_in_log(logged)

    def find_in_log(self, words: str) -> None:
        """Swipe the chair up (a finger on the tablet) until `words` shows: the log is last, under
        the order, the flags and what the discharge needs."""
        for _ in range(MAX_SWIPES):
            if self.screen.find(words) is not None:
                return
            self.finger_swipe_up(rows=8)
        self.wait_for_text(words)
