"""The bar at the top of every staff screen: who is signed in, when the idle lock comes, Lock."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Static

from kiosk.desk.staff_shift import StaffShift
from kiosk.locale.staff import staff_text


class StaffShiftBar(Horizontal):
    """Shows the signed-in staff member and the idle countdown; its Lock button ends the shift."""

    DEFAULT_CSS = """
    StaffShiftBar { dock: top; height: 3; background: $primary-background; }
    StaffShiftBar #staff-shift-who { width: 1fr; padding: 1 1; text-style: bold; }
    StaffShiftBar #staff-shift-clock { width: auto; padding: 1 1; }
    StaffShiftBar #staff-lock { min-width: 12; }
    """

    def __init__(self, shift: StaffShift) -> None:
        super().__init__()
        self.shift = shift

    def compose(self) -> ComposeResult:
        who = staff_text(f"shift.who_{self.shift.role}", staff_id=self.shift.staff_id)
        yield Static(who, id="staff-shift-who", markup=False)
        yield Static("", id="staff-shift-clock")
        yield Button(staff_text("shift.lock"), id="staff-lock", variant="warning")

    def on_mount(self) -> None:
        self._tick()
        self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        left = int(self.shift.seconds_left())
        self.query_one("#staff-shift-clock", Static).update(
            staff_text("shift.clock", time=f"{left // 60}:{left % 60:02d}")
        )
