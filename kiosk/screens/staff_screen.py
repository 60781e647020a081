"""The base of every staff screen: one shift shared, activity counted, the idle lock and Lock.

Every nurse and IT screen is a `StaffScreen`: it shares one `StaffShift` (kiosk/desk/
staff_shift.py), counts any key, click or typing as activity, and when the shift is idle too long
(clinic setting, default 2 minutes) or the person presses Lock, the shift ends: the staff key is
dropped from memory, every staff screen is popped, and the patient screen that was underneath
shows again.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Button, DataTable, Input, Static

from kiosk.desk.errors import KioskError
from kiosk.desk.facade import Kiosk
from kiosk.desk.staff_session import StaffSession
from kiosk.desk.staff_shift import StaffShift
from kiosk.desk.unlock import LockedOut
from kiosk.locale.staff import staff_text
from kiosk.messages import ShiftLocked, is_activity
from kiosk.vault import WrongPin
from kiosk.widgets.staff_pin_pad import StaffPinPad

#: Textual's container of a screen's toasts (Screen._compose adds it with this id).
_TOAST_RACK = "textual-toastrack"


class PinRefused(Exception):
    """The kiosk did not open with a PIN; the message is what the staff member reads."""


class StaffOnly:
    """Marks a screen that belongs to the staff side: the lock pops every one of them."""


class StaffScreen(StaffOnly, Screen[None]):
    """Base of every screen shown while a staff member is signed in."""

    #: Ctrl+L locks on every staff screen, whatever has focus (a text box included).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+l", "lock", "Lock", show=False, priority=True)
    ]

    # Why: toasts ("Vitals signed ...") sit above the bottom button row instead of covering it
    # (and above taller button rows too, see `_toasts_above_the_buttons`). A scrolling page is a
    # tab stop (arrow keys scroll it): its focus shows as a bar on the left, as a patient's
    # question list does.
    DEFAULT_CSS = """
    StaffScreen ToastRack { margin-bottom: 4; }
    StaffScreen VerticalScroll:focus { border-left: thick $accent; }
    """

    # How often the idle clock is checked; the lock itself uses the clinic's setting.
    IDLE_CHECK_SECONDS = 0.25
    #: The screen a shift returns to after finishing a task (today's list for a nurse).
    SHIFT_HOME: ClassVar[bool] = False
    #: Lines between the bottom of the screen and a toast, at the least.
    TOAST_LIFT: ClassVar[int] = 4

    def __init__(self, shift: StaffShift) -> None:
        super().__init__()
        self.shift = shift

    def on_mount(self) -> None:
        self.set_interval(self.IDLE_CHECK_SECONDS, self._check_idle)

    def on_resize(self, _event: events.Resize) -> None:
        # After the refresh: a screen lays out its own button rows on resize (the chair's).
        self.call_after_refresh(self._toasts_above_the_buttons)

    def _toasts_above_the_buttons(self) -> None:
        """Lift toasts above everything docked at the bottom: the chair's two to four rows of
        actions were under its "Saved" toast for the five seconds it shows, so a tap on
        Discharge right after saving the stop landed on the toast."""
        docked = sum(
            widget.outer_size.height
            for widget in self.children
            if widget.styles.dock == "bottom" and widget.display and widget.id != _TOAST_RACK
        )
        for rack in self.query(f"#{_TOAST_RACK}"):
            rack.styles.margin = (0, 0, max(self.TOAST_LIFT, docked + 1), 0)

    async def on_event(self, event: events.Event) -> None:
        # Keys and clicks bubble here from any widget on this screen: each one is activity.
        if is_activity(event):
            self.shift.touch()
        await super().on_event(event)

    def on_input_changed(self, _event: Input.Changed) -> None:
        # Typed characters stop at the Input, but its Changed message bubbles here.
        self.shift.touch()

    @on(Button.Pressed, "#staff-lock")
    def action_lock(self) -> None:
        self.end_shift("logout")

    def _check_idle(self) -> None:
        if self.shift.active and self.shift.seconds_left() <= 0 and self.is_current:
            self.end_shift("idle")

    def forget(self) -> None:
        """Empty every table, box and text drawn from records (screens also drop their own)."""
        for widget in self.query("*"):
            if isinstance(widget, DataTable):
                widget.clear(columns=True)
            elif isinstance(widget, Input):
                widget.value = ""
            elif isinstance(widget, Static):
                widget.update("")

    def end_shift(self, reason: str) -> None:
        """Lock: drop the key, pop every staff screen, and tell the App."""
        end_staff_shift(self, self.shift, reason)

    def return_home(self) -> None:
        """Pop this task's screens back to the shift's home screen."""
        app = self.app
        while isinstance(app.screen, StaffScreen) and not app.screen.SHIFT_HOME:
            app.pop_screen()


def end_staff_shift(screen: Screen[Any], shift: StaffShift, reason: str) -> None:
    """End `shift` and pop every staff screen above the patient's screen."""
    app = screen.app
    staff_id = shift.staff_id
    shift.end()
    shift.kiosk.store.append_audit(staff_id, f"staff.lock.{reason}", None, "")
    while len(app.screen_stack) > 1 and isinstance(app.screen, StaffOnly):
        if isinstance(app.screen, StaffScreen):
            app.screen.forget()
        app.pop_screen()
    app.post_message(ShiftLocked(staff_id, reason))


def seconds_until(moment: datetime, now: datetime | None = None) -> int:
    """Whole seconds from now until `moment`, rounded up, at least 1 (for PIN pad waits)."""
    return max(1, math.ceil((moment - (now or datetime.now(UTC))).total_seconds()))


def pin_signature(staff_id: str, prefix: str) -> ComposeResult:
    """What a nurse signs with: the words naming whose PIN, its box `#<prefix>-pin` and the
    screen's pad `#<prefix>-pad` (the sign-off and the discharge)."""
    yield Static(staff_text("signoff.pin", staff_id=staff_id), markup=False)
    yield Input(id=f"{prefix}-pin", password=True, max_length=64)
    yield StaffPinPad(id=f"{prefix}-pad")


def unlock_with_pin(
    kiosk: Kiosk, staff_id: str, pin: str, now: datetime, words: str
) -> StaffSession:
    """`Kiosk.unlock`, each refusal put in staff words (PinRefused): `<words>.wrong` for a wrong
    PIN, `<words>.wrong_wait` when the PIN pad now waits, `unlock.locked` for a try during a
    wait (its PIN not checked), and the kiosk's own one line for anything else."""
    try:
        return kiosk.unlock(staff_id, pin, now)
    except WrongPin:
        raise PinRefused(staff_text(f"{words}.wrong")) from None
    except LockedOut as wait:
        key = f"{words}.wrong_wait" if wait.pin_checked else "unlock.locked"
        raise PinRefused(staff_text(key, seconds=seconds_until(wait.until, now))) from None
    except KioskError as problem:
        raise PinRefused(str(problem)) from None
