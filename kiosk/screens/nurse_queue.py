"""Today's check-ins for the nurse: one row per check-in or interrupted draft, urgent ones first.

The table is built from the small sealed summaries only (arrival, name, date of birth, highest
flag, vitals done); the full record is opened when the nurse selects a row. Urgency is shown by
a marker and a word as well as by colour, so it stands out in every theme.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Button, DataTable, Static

from kiosk.intake.records import RecordKind
from kiosk.kiosk import CheckInSummary
from kiosk.screens.nurse_checkin import NurseCheckInScreen, open_checkin
from kiosk.screens.staff_shift import StaffScreen, StaffShift
from kiosk.widgets.staff_display import flag_badge, inert, staff_text
from kiosk.widgets.staff_shift_bar import StaffShiftBar


class NurseQueueScreen(StaffScreen):
    """The nurse's list of today's check-ins; Enter or a click opens one."""

    BINDINGS = [Binding("ctrl+l", "lock", "Lock", show=False)]
    SHIFT_HOME = True

    DEFAULT_CSS = """
    NurseQueueScreen { background: $background; }
    NurseQueueScreen #nurse-queue-title { text-style: bold; padding: 0 1; }
    NurseQueueScreen #nurse-queue-empty { padding: 1 2; }
    NurseQueueScreen DataTable { height: 1fr; }
    NurseQueueScreen #nurse-queue-refresh { dock: bottom; width: 100%; height: 3; }
    """

    def __init__(self, shift: StaffShift) -> None:
        super().__init__(shift)
        self._rows: list[CheckInSummary] = []

    def compose(self) -> ComposeResult:
        yield StaffShiftBar(self.shift)
        yield Static("", id="nurse-queue-title")
        table: DataTable[Text] = DataTable(id="nurse-queue", cursor_type="row", zebra_stripes=True)
        yield table
        yield Button(staff_text("queue.refresh"), id="nurse-queue-refresh")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one("#nurse-queue", DataTable)
        table.add_columns(
            *(
                staff_text(f"queue.column.{c}")
                for c in ("flag", "arrived", "name", "dob", "vitals", "kind")
            )
        )
        table.focus()

    def on_screen_resume(self) -> None:
        # Shown first, or back from a check-in or sign-off: read today's list (again).
        if self.shift.active:
            self.reload()

    def reload(self) -> None:
        """Read today's summaries again and redraw the table."""
        table: DataTable[Text] = self.query_one("#nurse-queue", DataTable)
        table.clear()
        zone = ZoneInfo(self.shift.kiosk.config.time_zone)
        # The kiosk hands them over urgent first, then STOP, CAUTION, INFO, by arrival.
        ordered = self.shift.session.todays_summaries()
        self._rows = ordered
        table.add_rows(
            [
                (
                    flag_badge(s.highest, s.urgent),
                    Text(s.arrived_at.astimezone(zone).strftime("%H:%M")),
                    inert(s.name),
                    Text(s.date_of_birth.isoformat() if s.date_of_birth else "-"),
                    Text(
                        staff_text("queue.vitals_done" if s.vitals_done else "queue.vitals_not_yet")
                    ),
                    Text(
                        staff_text(
                            "queue.kind_checkin"
                            if s.kind == RecordKind.CHECKIN
                            else "queue.kind_draft"
                        )
                    ),
                )
                for s in ordered
            ]
        )
        count = len(ordered)
        self.query_one("#nurse-queue-title", Static).update(
            staff_text("queue.title", count=count) if count else staff_text("queue.empty")
        )

    @on(DataTable.RowSelected, "#nurse-queue")
    def _open_row(self, event: DataTable.RowSelected) -> None:
        self.open_checkin(self._rows[event.cursor_row])

    @on(Button.Pressed, "#nurse-queue-refresh")
    def _refresh(self) -> None:
        self.reload()

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
        super().forget()

    def action_lock(self) -> None:
        self.end_shift("logout")
