"""Today's check-ins for the nurse: one row per check-in or interrupted draft, urgent ones first.

The table is built from the small sealed summaries only (arrival, name, date of birth, highest
flag, vitals done); the full record is opened when the nurse selects a row. Urgency is shown by
a marker and a word as well as by colour, so it stands out in every theme. Rows are drawn only
as they scroll into view, so a day of 1,000 check-ins opens as fast as a screenful.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Static

from kiosk.desk.staff_shift import StaffShift
from kiosk.intake.records import RecordKind
from kiosk.locale.staff import chair_text, staff_text, staff_time
from kiosk.screens.chair_board import ChairBoardScreen
from kiosk.screens.nurse_checkin import NurseCheckInScreen, open_checkin
from kiosk.screens.staff_screen import StaffScreen
from kiosk.store.nurse_table import CheckInSummary
from kiosk.widgets.staff_display import flag_badge, inert
from kiosk.widgets.staff_queue_table import StaffQueueTable
from kiosk.widgets.staff_shift_bar import StaffShiftBar

#: Column (label key, width in cells): fixed, so no cell is measured; long names end in "...".
COLUMNS = (
    ("flag", 9),
    ("arrived", 20),
    ("name", 32),
    ("dob", 13),
    ("vitals", 7),
    ("kind", 11),
)


class NurseQueueScreen(StaffScreen):
    """The nurse's list of today's check-ins; Enter or a click opens one."""

    SHIFT_HOME = True
    BINDINGS = [Binding("f2", "chairs", "Chairs", show=False)]

    DEFAULT_CSS = """
    NurseQueueScreen { background: $background; }
    NurseQueueScreen #nurse-queue-title { text-style: bold; padding: 0 1; }
    NurseQueueScreen #nurse-queue-empty { padding: 1 2; }
    NurseQueueScreen StaffQueueTable { height: 1fr; }
    NurseQueueScreen #nurse-queue-actions { dock: bottom; height: 3; }
    NurseQueueScreen #nurse-queue-actions Button { width: 1fr; }
    """

    def __init__(self, shift: StaffShift) -> None:
        super().__init__(shift)
        self._rows: list[CheckInSummary] = []
        self._zone = ZoneInfo(shift.kiosk.config.time_zone)

    def compose(self) -> ComposeResult:
        yield StaffShiftBar(self.shift)
        yield Static("", id="nurse-queue-title")
        yield StaffQueueTable(
            [(staff_text(f"queue.column.{key}"), width) for key, width in COLUMNS],
            id="nurse-queue",
        )
        with Horizontal(id="nurse-queue-actions"):
            yield Button(staff_text("queue.refresh"), id="nurse-queue-refresh")
            yield Button(chair_text("board.open"), id="nurse-queue-chairs")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#nurse-queue", StaffQueueTable).focus()

    def on_screen_resume(self) -> None:
        # Shown first, or back from a check-in or sign-off: read today's list (again).
        if self.shift.active:
            self.reload()

    def reload(self) -> None:
        """Read today's summaries again and redraw the table."""
        # The kiosk hands them over urgent first, then STOP, CAUTION, INFO, by arrival.
        ordered = self.shift.session.todays_summaries()
        self._rows = ordered
        self.query_one("#nurse-queue", StaffQueueTable).show(ordered, self._cells)
        count = len(ordered)
        self.query_one("#nurse-queue-title", Static).update(
            staff_text("queue.title", count=count) if count else staff_text("queue.empty")
        )

    def _cells(self, summary: CheckInSummary) -> tuple[Text, ...]:
        """One row as the nurse reads it; drawn only when it scrolls into view."""
        kind = "queue.kind_checkin" if summary.kind == RecordKind.CHECKIN else "queue.kind_draft"
        vitals = "queue.vitals_done" if summary.vitals_done else "queue.vitals_not_yet"
        if summary.decision_outcome is not None:
            vitals = f"queue.decision_{summary.decision_outcome.value}"
        born = summary.date_of_birth
        return (
            flag_badge(summary.highest, summary.urgent),
            Text(staff_time(summary.arrived_at, self._zone)),
            inert(summary.name),
            Text(born.isoformat() if born else "-"),
            Text(staff_text(vitals)),
            Text(staff_text(kind)),
        )

    @on(StaffQueueTable.RowChosen, "#nurse-queue")
    def _open_row(self, event: StaffQueueTable.RowChosen) -> None:
        self.open_checkin(self._rows[event.index])

    @on(Button.Pressed, "#nurse-queue-refresh")
    def _refresh(self) -> None:
        self.reload()

    @on(Button.Pressed, "#nurse-queue-chairs")
    def action_chairs(self) -> None:
        """The chair board: every patient in a chair."""
        self.app.push_screen(ChairBoardScreen(self.shift))

    def open_checkin(self, summary: CheckInSummary) -> None:
        """Open one check-in (or draft) in full; a record that will not open is named, not shown."""
        try:
            opened = open_checkin(self.shift, summary)
        except Exception as problem:  # Why: any failure to open must leave the list usable.
            self.notify(
                staff_text(
                    "queue.open_failed",
                    record_id=summary.record_id[:8],
                    problem=type(problem).__name__,
                ),
                severity="error",
            )
            return
        self.app.push_screen(NurseCheckInScreen(self.shift, opened))

    def forget(self) -> None:
        self._rows = []
        self.query_one("#nurse-queue", StaffQueueTable).clear()
        super().forget()
