"""The chair board: every patient in a chair, what is due first on top.

One row a chair: when the next vitals are due (counting down, then OVERDUE with a mark, in bold
reverse, so it reads without colour), the patient, the time in, the pump's status and rate, the
open flags in the nurse's words, the minutes in recovery. It redraws each second from the
chair's desk, which opens only records stored since the last redraw, so keys never wait on it.
Enter or a tap on a row opens that chair: one tap, since a row picked by a first tap could be
another patient's by the second once the board has sorted itself again (another nurse's entry
moves a chair up or down); the row picked with the arrows stays with its patient as rows move.
"""

from __future__ import annotations

from typing import ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Button, Static

from kiosk.desk.chair_desk import BoardRow
from kiosk.desk.staff_shift import StaffShift
from kiosk.intake.chair.rates import shown
from kiosk.locale import translate
from kiosk.locale.staff import STAFF_LANGUAGE, chair_text, staff_text
from kiosk.screens.chair import ChairScreen
from kiosk.screens.staff_screen import StaffScreen
from kiosk.widgets.chair_display import clock, due_text, flags_in_words
from kiosk.widgets.staff_display import inert
from kiosk.widgets.staff_queue_table import StaffQueueTable
from kiosk.widgets.staff_shift_bar import StaffShiftBar

#: Column (label key, width in cells): 117 cells in all, so a 120-column terminal shows every
#: column; the flags, whose words vary most, come last and end in "..." when long.
COLUMNS = (
    ("due", 16),
    ("patient", 14),
    ("time_in", 6),
    ("rate", 30),
    ("recovery", 9),
    ("flags", 30),
)


class ChairBoardScreen(StaffScreen):
    """Every occupied chair, what is due first on top; Enter or a tap opens one."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "Back", show=False)]

    DEFAULT_CSS = """
    ChairBoardScreen { background: $background; }
    ChairBoardScreen #chair-board-title { text-style: bold; padding: 0 1; }
    ChairBoardScreen StaffQueueTable { height: 1fr; }
    ChairBoardScreen #chair-board-back { dock: bottom; width: 100%; height: 3; }
    """

    def __init__(self, shift: StaffShift) -> None:
        super().__init__(shift)
        self._rows: list[BoardRow] = []
        self._now = shift.chairs.clock()
        self.zone = ZoneInfo(shift.kiosk.config.time_zone)

    def compose(self) -> ComposeResult:
        yield StaffShiftBar(self.shift)
        yield Static("", id="chair-board-title")
        yield StaffQueueTable(
            [(chair_text(f"board.column.{key}"), width) for key, width in COLUMNS],
            id="chair-board",
            opens_on_tap=True,
        )
        yield Button(f"{staff_text('common.back')} (Esc)", id="chair-board-back")

    def on_mount(self) -> None:
        super().on_mount()
        self.show_board()
        self.set_interval(1.0, self.show_board)
        self.query_one("#chair-board", StaffQueueTable).focus()

    def on_screen_resume(self) -> None:
        if self.shift.active:
            self.show_board()

    def show_board(self) -> None:
        """Read the chairs (only new records are opened) and redraw the rows."""
        if not self.shift.active or not self.is_current:
            return
        desk = self.shift.chairs
        table = self.query_one("#chair-board", StaffQueueTable)
        picked = self._rows[table.cursor_row].state.checkin_id if self._rows else None
        self._now = desk.clock()
        self._rows = desk.board(self._now)
        table.show(self._rows, self._cells)
        seated = [row.state.checkin_id for row in self._rows]
        if picked in seated and seated.index(picked) != table.cursor_row:
            table.cursor_row = seated.index(picked)  # the pick stays with its patient
        count = len(self._rows)
        self.query_one("#chair-board-title", Static).update(
            chair_text("board.title", count=count) if count else chair_text("board.empty")
        )

    def _cells(self, row: BoardRow) -> tuple[Text, ...]:
        state = row.state
        status = translate(f"chair.status.{state.course.status.value}", STAFF_LANGUAGE)
        rate = state.rate
        if rate is not None:
            status += f" {shown(rate.mg_per_kg_per_hour)} mg/kg/h, {shown(rate.ml_per_hour)} mL/h"
        recovery = state.minutes_in_recovery
        return (
            due_text(state.next_vitals_due, self._now, self.zone),
            inert(row.patient.name),
            Text(clock(state.time_in, self.zone) if state.time_in else "-"),
            Text(status),
            Text("-" if recovery is None else chair_text("board.minutes", minutes=recovery)),
            flags_in_words(state.open_flags),
        )

    @on(StaffQueueTable.RowChosen, "#chair-board")
    def _open_row(self, event: StaffQueueTable.RowChosen) -> None:
        row: BoardRow = event.row
        self.app.push_screen(ChairScreen(self.shift, row.state.checkin_id))

    @on(Button.Pressed, "#chair-board-back")
    def action_back(self) -> None:
        self.dismiss()

    def forget(self) -> None:
        self._rows = []
        self.query_one("#chair-board", StaffQueueTable).clear()
        super().forget()
