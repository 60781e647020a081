"""The staff unlock: staff id and PIN (keyboard or on-screen keypad) open a nurse or IT shift.

It covers the whole screen so nothing of the patient's check-in shows behind it. A wrong PIN
says so without telling whether the id exists; after three wrong PINs in a row the PIN pad makes
each next try wait a while (at most 30 s, for every id alike: no one is locked out), and the
screen says how long. Every attempt is audited by the kiosk facade.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from kiosk.desk.facade import Kiosk
from kiosk.desk.staff_rules import MAX_PIN_LENGTH
from kiosk.desk.staff_shift import StaffShift
from kiosk.locale.staff import staff_text
from kiosk.screens.it_console import ITConsoleScreen
from kiosk.screens.nurse_queue import NurseQueueScreen
from kiosk.screens.staff_screen import PinRefused, StaffOnly, unlock_with_pin
from kiosk.widgets.staff_pin_pad import StaffPinPad


class StaffUnlockScreen(StaffOnly, Screen[None]):
    """Staff id + PIN; on success replaces itself with the nurse queue or the IT console."""

    BINDINGS = [Binding("escape", "cancel", show=False)]

    DEFAULT_CSS = """
    StaffUnlockScreen { align: center middle; background: $background; }
    StaffUnlockScreen #staff-unlock-box {
        width: 60; height: auto; border: thick $primary; padding: 1 2; background: $surface;
    }
    StaffUnlockScreen #staff-unlock-title { text-style: bold; width: 100%; }
    StaffUnlockScreen Input { margin-bottom: 1; }
    StaffUnlockScreen #staff-unlock-problem { color: $error; text-style: bold; height: auto; }
    StaffUnlockScreen #staff-unlock-buttons { height: 3; align-horizontal: center; }
    StaffUnlockScreen #staff-unlock-buttons Button { margin: 0 1; }
    """

    def __init__(
        self, kiosk: Kiosk, wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        super().__init__()
        self.kiosk = kiosk
        self.wall_clock = wall_clock

    def compose(self) -> ComposeResult:
        with Vertical(id="staff-unlock-box"):
            yield Static(staff_text("unlock.title"), id="staff-unlock-title")
            yield Label(staff_text("unlock.staff_id"))
            yield Input(
                id="staff-id", max_length=32, placeholder=staff_text("unlock.staff_id_hint")
            )
            yield Label(staff_text("unlock.pin"))
            yield Input(id="staff-pin", password=True, max_length=MAX_PIN_LENGTH)
            yield StaffPinPad(id="staff-unlock-pad")
            yield Static("", id="staff-unlock-problem", markup=False)
            with Horizontal(id="staff-unlock-buttons"):
                yield Button(staff_text("unlock.unlock"), id="staff-unlock", variant="primary")
                yield Button(staff_text("unlock.cancel"), id="staff-unlock-cancel")

    def on_mount(self) -> None:
        self.query_one("#staff-id", Input).focus()

    @on(Input.Submitted, "#staff-id")
    def _id_entered(self) -> None:
        self.query_one("#staff-pin", Input).focus()

    @on(Input.Submitted, "#staff-pin")
    @on(Button.Pressed, "#staff-unlock")
    def _unlock_pressed(self) -> None:
        self.attempt_unlock()

    @on(Button.Pressed, "#staff-unlock-cancel")
    def action_cancel(self) -> None:
        self._clear_pin()
        self.query_one("#staff-id", Input).value = ""
        self.dismiss()

    def attempt_unlock(self) -> None:
        """Try the typed id and PIN; open the shift or say exactly why not."""
        staff_id = self.query_one("#staff-id", Input).value.strip()
        pin = self.query_one("#staff-pin", Input).value
        self._clear_pin()
        if not staff_id or not pin:
            self._say(staff_text("unlock.missing"))
            return
        try:
            session = unlock_with_pin(self.kiosk, staff_id, pin, self.wall_clock(), "unlock")
        except PinRefused as refused:
            self._say(str(refused))
            return
        shift = StaffShift(self.kiosk, session, float(self.kiosk.config.staff_idle_seconds))
        self.query_one("#staff-id", Input).value = ""
        self.app.switch_screen(first_staff_screen(shift))

    def _clear_pin(self) -> None:
        self.query_one("#staff-pin", Input).value = ""

    def _say(self, problem: str) -> None:
        self.query_one("#staff-unlock-problem", Static).update(problem)
        self.query_one("#staff-pin", Input).focus()


def first_staff_screen(shift: StaffShift) -> Screen[None]:
    """Where a shift starts: IT goes to its console, a nurse to today's check-ins."""
    if shift.role == "it":
        return ITConsoleScreen(shift)
    return NurseQueueScreen(shift)
