"""Sign-off: the nurse reads the vitals and their flags once more and re-enters the PIN to sign.

Only a correct PIN for the signed-in nurse seals the vitals record (linked to the check-in, the
nurse's id inside it and in the audit log). Wrong PINs count toward the same lockout as unlock.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from kiosk.intake.measures import MEASURES
from kiosk.intake.records import Vitals
from kiosk.intake.rules import screen_vitals
from kiosk.kiosk import KioskError, LockedOut, WrongPin
from kiosk.screens.staff_shift import StaffScreen, StaffShift, seconds_until
from kiosk.widgets.staff_display import VITAL_UNITS, counted, flags_text, staff_text
from kiosk.widgets.staff_pin_pad import StaffPinPad
from kiosk.widgets.staff_shift_bar import StaffShiftBar


def vitals_text(vitals: Vitals) -> Text:
    """The values about to be signed, one per line, in the units they are stored in."""
    lines = [f"{m.label:<28} {getattr(vitals, m.field):g} {VITAL_UNITS[m.id][0]}" for m in MEASURES]
    pregnancy = staff_text(f"vitals.pregnancy.{vitals.pregnancy_test.value}")
    lines.append(f"{staff_text('vitals.pregnancy_test'):<28} {pregnancy}")
    return Text("\n".join(lines))


class NurseSignOffScreen(StaffScreen):
    """Shows the vitals and flags; the nurse's PIN signs them into a sealed record."""

    BINDINGS = [Binding("escape", "back", "Back", show=False)]

    DEFAULT_CSS = """
    NurseSignOffScreen { background: $background; align: center top; }
    NurseSignOffScreen #signoff-box { width: 90; height: auto; padding: 0 2; }
    NurseSignOffScreen #signoff-problem { color: $error; text-style: bold; height: auto; }
    NurseSignOffScreen #signoff-pin { width: 30; }
    NurseSignOffScreen #signoff-actions { height: 3; }
    NurseSignOffScreen #signoff-actions Button { margin: 0 1; }
    """

    def __init__(self, shift: StaffShift, vitals: Vitals, supersedes: str | None) -> None:
        super().__init__(shift)
        self.vitals: Vitals | None = vitals
        self.supersedes = supersedes

    def compose(self) -> ComposeResult:
        vitals = self.vitals
        if vitals is None:
            return
        flags = screen_vitals(vitals, self.shift.kiosk.config)
        yield StaffShiftBar(self.shift)
        with Vertical(id="signoff-box"):
            yield Static(staff_text("signoff.title"), classes="nurse-section-title")
            yield Static(vitals_text(vitals))
            yield Static(staff_text("signoff.flags"), classes="nurse-section-title")
            yield Static(flags_text(flags))
            yield Static(staff_text("signoff.pin", staff_id=self.shift.staff_id), markup=False)
            yield Input(id="signoff-pin", password=True, max_length=64)
            yield StaffPinPad(id="signoff-pad")
            yield Static("", id="signoff-problem", markup=False)
            with Horizontal(id="signoff-actions"):
                yield Button(staff_text("common.back"), id="signoff-back")
                yield Button(staff_text("signoff.sign"), id="signoff-sign", variant="success")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#signoff-pin", Input).focus()

    def forget(self) -> None:
        self.vitals = None
        super().forget()

    @on(Button.Pressed, "#signoff-back")
    def action_back(self) -> None:
        self.query_one("#signoff-pin", Input).value = ""
        self.dismiss()

    @on(Input.Submitted, "#signoff-pin")
    @on(Button.Pressed, "#signoff-sign")
    def _sign_pressed(self) -> None:
        self.sign()

    def sign(self) -> None:
        """Check the PIN, seal the vitals, and go back to today's list."""
        pin_input = self.query_one("#signoff-pin", Input)
        pin = pin_input.value
        pin_input.value = ""
        problem = self.query_one("#signoff-problem", Static)
        if not pin:
            problem.update(staff_text("signoff.pin_missing"))
            return
        try:
            self.shift.kiosk.unlock(self.shift.staff_id, pin).lock()
        except WrongPin:
            problem.update(staff_text("signoff.wrong"))
            return
        except LockedOut as locked:
            problem.update(staff_text("unlock.locked", seconds=seconds_until(locked.until)))
            return
        except KioskError as refused:
            problem.update(str(refused))
            return
        if self.vitals is None:
            return
        record_id, flags = self.shift.session.record_vitals(self.vitals, supersedes=self.supersedes)
        self.return_to_queue(record_id, len(flags))

    def return_to_queue(self, record_id: str, flag_count: int) -> None:
        self.return_home()
        self.app.notify(
            staff_text("signoff.done", record_id=record_id[:8], flags=counted(flag_count, "flag"))
        )
