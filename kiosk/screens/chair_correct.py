"""An entry of the chair's log corrected in place: the nurse chooses it (every entry as the log
shows it, the latest first), and the form that made it opens filled with what it holds and its
time. Saving seals a new entry naming the one it corrects (`supersedes`): the old one stays on
record, struck through, and the correction counts in its place (docs/chair.md, the records).

Choosing an entry already corrected opens its latest correction (a correction of a correction
supersedes the latest one). An entry withdrawn as entered in error is not corrected, nor are the
patient's acknowledgement of the instructions and the signed discharge (each the press of the
person it records): the line under the list says so.
"""

from __future__ import annotations

from typing import ClassVar
from zoneinfo import ZoneInfo

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Select, Static

from kiosk.desk.staff_shift import StaffShift
from kiosk.intake.chair.log import ChairEntry, entries_in_force, happened_at, in_utc
from kiosk.intake.chair.records import (
    ChairVitals,
    DischargeScore,
    EnteredInError,
    EscortCheck,
    InfusionOrder,
    InfusionPause,
    InfusionResume,
    InfusionStart,
    InfusionStop,
    OrientationCheck,
    PhysicalExam,
    RateChange,
    SideEffect,
)
from kiosk.intake.records import StopOverride
from kiosk.locale.staff import chair_text, staff_text
from kiosk.screens.chair_discharge import ChairDischargeScreen
from kiosk.screens.chair_exam import ChairExamScreen
from kiosk.screens.chair_order import ChairOrderScreen
from kiosk.screens.chair_pump import ChairPumpScreen, PumpEvent
from kiosk.screens.chair_side_effect import ChairSideEffectScreen
from kiosk.screens.chair_vitals import ChairVitalsScreen
from kiosk.screens.staff_screen import StaffScreen
from kiosk.widgets.chair_display import entry_text
from kiosk.widgets.staff_shift_bar import StaffShiftBar

#: The pump's event each of its entries records.
PUMP_EVENTS = {
    InfusionStart: PumpEvent.START,
    RateChange: PumpEvent.RATE,
    InfusionPause: PumpEvent.PAUSE,
    InfusionResume: PumpEvent.RESUME,
    InfusionStop: PumpEvent.STOP,
}


def correction_form(shift: StaffShift, checkin_id: str, entry: ChairEntry) -> Screen[None] | None:
    """The form that made an entry, to be filled with it; None for an entry no form corrects."""
    record = entry.record
    if isinstance(record, ChairVitals):
        return ChairVitalsScreen(shift, checkin_id, entry)
    if isinstance(record, PhysicalExam):
        return ChairExamScreen(shift, checkin_id, entry)
    if isinstance(record, InfusionOrder):
        return ChairOrderScreen(shift, checkin_id, entry)
    if isinstance(record, SideEffect):
        return ChairSideEffectScreen(shift, checkin_id, entry)
    if type(record) in PUMP_EVENTS:
        return ChairPumpScreen(shift, checkin_id, PUMP_EVENTS[type(record)], entry)
    if isinstance(record, DischargeScore | OrientationCheck | EscortCheck):
        return ChairDischargeScreen(shift, checkin_id, entry)
    return None


class ChairCorrectScreen(StaffScreen):
    """The entry to correct, chosen from the chair's log; its own form opens filled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "Back", show=False)]

    DEFAULT_CSS = """
    ChairCorrectScreen { background: $background; }
    ChairCorrectScreen #chair-correct-box { height: 1fr; padding: 0 2; }
    ChairCorrectScreen .nurse-section-title { text-style: bold underline; padding: 1 0 0 0; }
    ChairCorrectScreen Select { width: 100%; }
    ChairCorrectScreen #chair-correct-problem { color: $error; text-style: bold; height: auto; }
    ChairCorrectScreen #chair-correct-actions { dock: bottom; height: 3; }
    ChairCorrectScreen #chair-correct-actions Button { margin: 0 1; }
    """

    def __init__(self, shift: StaffShift, checkin_id: str) -> None:
        super().__init__(shift)
        self.checkin_id = checkin_id
        self.zone = ZoneInfo(shift.kiosk.config.time_zone)

    def compose(self) -> ComposeResult:
        desk = self.shift.chairs
        now = desk.clock()
        desk.chair(self.checkin_id, now)
        entries = desk.log(self.checkin_id)
        in_force = {entry.record_id for entry in entries_in_force(entries)}
        # Why not in_time_order: entries of one moment keep the order they were entered in.
        shown = reversed(sorted(entries, key=lambda e: happened_at(in_utc(e).record)))
        yield StaffShiftBar(self.shift)
        with VerticalScroll(id="chair-correct-box"):
            name = desk.patient(self.checkin_id, now).name
            yield Static(
                chair_text("correct.title", name=name),
                classes="nurse-section-title",
                markup=False,
            )
            yield Static(chair_text("correct.which"))
            yield Select[str](
                [
                    (entry_text(entry, entry.record_id not in in_force, self.zone), entry.record_id)
                    for entry in shown
                    if not isinstance(entry.record, StopOverride | EnteredInError)
                ],
                id="chair-correct-entry",
                prompt=chair_text("correct.choose"),
            )
            yield Static(chair_text("correct.kept"))
        yield Static("", id="chair-correct-problem", markup=False)
        with Horizontal(id="chair-correct-actions"):
            yield Button(staff_text("common.back"), id="chair-correct-back")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#chair-correct-entry", Select).focus()

    @on(Select.Changed, "#chair-correct-entry")
    def _chosen(self, event: Select.Changed) -> None:
        """Open the chosen entry's form in this screen's place, or say in one line why not."""
        if not isinstance(event.value, str):
            return
        latest = self.shift.chairs.latest_version(self.checkin_id, event.value)
        if latest is None:
            return
        if isinstance(latest.record, EnteredInError):
            self._refuse("correct.withdrawn")
            return
        form = correction_form(self.shift, self.checkin_id, latest)
        if form is None:
            self._refuse("correct.not_by_form")
            return
        self.app.switch_screen(form)

    def _refuse(self, key: str) -> None:
        self.query_one("#chair-correct-problem", Static).update(chair_text(key))
        # Why cleared: choosing the same entry again says why again.
        self.query_one("#chair-correct-entry", Select).clear()

    @on(Button.Pressed, "#chair-correct-back")
    def action_back(self) -> None:
        self.dismiss()
