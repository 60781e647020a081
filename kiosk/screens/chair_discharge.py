"""Discharge from the chair: what is still missing, in words, and each part recorded in turn.

The discharge score (the clinic's: modified Aldrete or PADSS, each item's points in words), the
orientation back to the patient's baseline, the escort (named, present, checked against the
driver named at check-in: a different person needs a second press to confirm), the
instructions shown to the patient on this screen in their language and acknowledged there, then
the nurse's signature with the PIN. Each part is its own sealed entry, so a part recorded stays
recorded if the nurse is called away; the score, the orientation and the escort may be given the
clock time they were done (empty: now), as every entry of the chair may. "Sign discharge" is
refused until every other criterion holds, and the list above it says which do not.

Opened to correct a score, an orientation or an escort already recorded (`correcting`), the
screen is filled with that entry and its time, and the part recorded names it (`supersedes`);
the screen then closes, as every entry's form does once saved.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import UTC, datetime
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.widgets import Button, Input, Select, Static
from textual.widgets.select import InvalidSelectValueError

from kiosk.desk.errors import KioskError
from kiosk.desk.staff_shift import StaffShift
from kiosk.intake.chair.discharge import escort_matches_driver
from kiosk.intake.chair.log import ChairEntry
from kiosk.intake.chair.records import (
    ChairLogRecord,
    ChairRecord,
    DischargeScore,
    DischargeSigned,
    EscortCheck,
    OrientationCheck,
    ScoreItem,
)
from kiosk.intake.chair.scores import SCORE_ITEMS, item_label_key, level_key
from kiosk.locale import translate
from kiosk.locale.staff import STAFF_LANGUAGE, chair_text, staff_text
from kiosk.screens.chair_entry import (
    EntryProblem,
    FilledTimes,
    T,
    chair_entry,
    correcting_line,
)
from kiosk.screens.discharge_instructions import DischargeInstructionsScreen
from kiosk.screens.staff_screen import (
    PinRefused,
    StaffScreen,
    pin_signature,
    unlock_with_pin,
)
from kiosk.widgets.staff_display import inert
from kiosk.widgets.staff_pin_pad import PinPadForm
from kiosk.widgets.staff_shift_bar import StaffShiftBar


class ChairDischargeScreen(StaffScreen):
    """The discharge criteria, each part recorded, then the nurse's PIN."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "Back", show=False)]

    DEFAULT_CSS = """
    ChairDischargeScreen { background: $background; }
    ChairDischargeScreen #discharge-box { height: 1fr; padding: 0 2; }
    ChairDischargeScreen .nurse-section-title { text-style: bold underline; padding: 1 0 0 0; }
    ChairDischargeScreen Select { width: 70; }
    ChairDischargeScreen Input { width: 60; }
    ChairDischargeScreen #discharge-missing { border: round $warning; padding: 0 1; }
    ChairDischargeScreen #discharge-problem { color: $error; text-style: bold; height: auto; }
    ChairDischargeScreen #discharge-actions { dock: bottom; height: 3; }
    ChairDischargeScreen #discharge-actions Button { margin: 0 1; }
    """

    def __init__(
        self, shift: StaffShift, checkin_id: str, correcting: ChairEntry | None = None
    ) -> None:
        super().__init__(shift)
        self.checkin_id = checkin_id
        self.kind = shift.kiosk.config.chair.discharge_score
        #: The escort name the nurse was asked to confirm (a second press confirms it).
        self._confirming: str | None = None
        self.zone = ZoneInfo(shift.kiosk.config.time_zone)
        #: The score, orientation or escort this screen corrects, or None.
        self.correcting = correcting
        self.times = FilledTimes(self.zone)

    def compose(self) -> ComposeResult:
        desk = self.shift.chairs
        patient = desk.patient(self.checkin_id, desk.clock())
        yield StaffShiftBar(self.shift)
        with PinPadForm(id="discharge-box"):
            yield Static(
                chair_text("discharge.title", name=patient.name),
                classes="nurse-section-title",
                markup=False,
            )
            if self.correcting is not None:
                yield correcting_line(self.correcting, self.zone)
            yield Static("", id="discharge-missing")
            yield Static(
                chair_text(f"discharge.score_{self.kind.value}"), classes="nurse-section-title"
            )
            for item_id, allowed in SCORE_ITEMS[self.kind].items():
                yield Static(translate(item_label_key(self.kind, item_id), STAFF_LANGUAGE))
                yield Select[int](
                    [
                        (f"{p}: {translate(level_key(self.kind, item_id, p), STAFF_LANGUAGE)}", p)
                        for p in sorted(allowed, reverse=True)
                    ],
                    id=f"discharge-score-{item_id}",
                    prompt=chair_text("vitals.choose"),
                )
            yield from self._time_box("score")
            yield Button(chair_text("discharge.record_score"), id="discharge-score")
            yield Static(chair_text("discharge.orientation"), classes="nurse-section-title")
            yield Select[bool](
                [
                    (chair_text("discharge.at_baseline"), True),
                    (chair_text("discharge.not_at_baseline"), False),
                ],
                id="discharge-oriented",
                prompt=chair_text("vitals.choose"),
            )
            yield Input(
                id="discharge-orientation-detail",
                placeholder=chair_text("discharge.orientation_detail"),
                max_length=500,
            )
            yield from self._time_box("orientation")
            yield Button(chair_text("discharge.record_orientation"), id="discharge-orientation")
            yield Static(chair_text("discharge.escort"), classes="nurse-section-title")
            driver = Text(chair_text("discharge.driver") + " ")
            driver.append_text(inert(patient.driver_name or chair_text("discharge.no_driver")))
            yield Static(driver)
            yield Input(
                id="discharge-escort-name",
                placeholder=chair_text("discharge.escort_name"),
                max_length=100,
            )
            yield Select[bool](
                [
                    (chair_text("discharge.escort_here"), True),
                    (chair_text("discharge.escort_not_here"), False),
                ],
                id="discharge-escort-present",
                value=True,
                allow_blank=False,
            )
            yield from self._time_box("escort")
            yield Button(chair_text("discharge.record_escort"), id="discharge-escort")
            yield Static(chair_text("discharge.instructions"), classes="nurse-section-title")
            yield Button(chair_text("discharge.show_instructions"), id="discharge-instructions")
            yield Static(chair_text("discharge.sign_title"), classes="nurse-section-title")
            yield from pin_signature(self.shift.staff_id, "discharge")
        yield Static("", id="discharge-problem", markup=False)
        with Horizontal(id="discharge-actions"):
            yield Button(staff_text("common.back"), id="discharge-back")
            yield Button(chair_text("discharge.sign"), id="discharge-sign", variant="success")

    @staticmethod
    def _time_box(part: str) -> ComposeResult:
        """When the part was done: empty for now, or a past clock time (the score taken at the
        bedside and entered later), as every entry of the chair takes."""
        yield Static(chair_text("entry.time"))
        yield Input(id=f"discharge-{part}-time", placeholder=chair_text("entry.time_hint"))

    def on_mount(self) -> None:
        super().on_mount()
        self.show_missing()
        first = f"#discharge-score-{next(iter(SCORE_ITEMS[self.kind]))}"
        if self.correcting is not None:
            first = self._fill(self.correcting.record)
        self.query_one(first).focus()

    def _fill(self, record: ChairRecord) -> str:
        """Fill the part corrected with what its entry holds; the part's first field."""
        if isinstance(record, DischargeScore):
            for item in record.items:
                with suppress(NoMatches, InvalidSelectValueError):  # another instrument now
                    self.query_one(f"#discharge-score-{item.item_id}", Select).value = item.points
            part, first = "score", f"#discharge-score-{next(iter(SCORE_ITEMS[self.kind]))}"
        elif isinstance(record, OrientationCheck):
            self.query_one("#discharge-oriented", Select).value = record.at_baseline
            self.query_one("#discharge-orientation-detail", Input).value = record.detail
            part, first = "orientation", "#discharge-oriented"
        else:
            assert isinstance(record, EscortCheck)
            self.query_one("#discharge-escort-name", Input).value = record.escort_name
            self.query_one("#discharge-escort-present", Select).value = record.present
            # Why: the nurse confirmed this name when the entry was made.
            self._confirming = record.escort_name if record.mismatch_confirmed else None
            part, first = "escort", "#discharge-escort-name"
        self.times.fill(self.query_one(f"#discharge-{part}-time", Input), record.happened_at)
        return first

    def on_screen_resume(self) -> None:
        if self.shift.active:
            self.show_missing()

    def show_missing(self) -> None:
        """What the discharge still needs, in words (the list the chair screen shows too)."""
        desk = self.shift.chairs
        state = desk.chair(self.checkin_id, desk.clock())
        lines = [f"- {m.describe(STAFF_LANGUAGE)}" for m in state.missing]
        title = chair_text("discharge.missing" if lines else "discharge.signed")
        self.query_one("#discharge-missing", Static).update("\n".join([title, *lines]))

    def say(self, words: str) -> None:
        self.query_one("#discharge-problem", Static).update(words)

    def _write(self, record: ChairLogRecord, done: str) -> bool:
        correcting = self.correcting
        if correcting is not None and type(correcting.record) is not type(record):
            correcting = None  # another part, recorded anew
        try:
            self.shift.chairs.write(
                record,
                record.entered_at,
                supersedes=None if correcting is None else correcting.record_id,
            )
        except KioskError as refused:
            self.say(str(refused))
            return False
        self.say("")
        self.app.notify(chair_text(done))
        if correcting is not None:
            self.dismiss()
        else:
            self.show_missing()
        return True

    def _entry(self, record_type: type[T], part: str | None = None, **fields: Any) -> T:
        """An entry of this chair by this nurse, happening at the time typed in the part's time
        box (now, if empty or the part has none); EntryProblem if that time cannot be read."""
        now = self.shift.chairs.clock()
        happened = now
        if part is not None:
            happened = self.times.moment(self.query_one(f"#discharge-{part}-time", Input), now)
        return chair_entry(
            record_type, self.checkin_id, self.shift.staff_id, happened, now, **fields
        )

    def _part(self, record_type: type[T], part: str, **fields: Any) -> T | None:
        """The part's entry, or None when its time cannot be read (said in words)."""
        try:
            return self._entry(record_type, part, **fields)
        except EntryProblem as problem:
            self.say(str(problem))
            return None

    @on(Button.Pressed, "#discharge-score")
    def record_score(self) -> None:
        items = []
        for item_id in SCORE_ITEMS[self.kind]:
            points = self.query_one(f"#discharge-score-{item_id}", Select).value
            if not isinstance(points, int):
                label = translate(item_label_key(self.kind, item_id), STAFF_LANGUAGE)
                self.say(chair_text("discharge.score_missing", item=label))
                return
            items.append(ScoreItem(item_id, points))
        threshold = self.shift.kiosk.config.chair.discharge_score_at_least
        record = self._part(
            DischargeScore, "score", instrument=self.kind, items=tuple(items), threshold=threshold
        )
        if record is not None:
            self._write(record, "discharge.score_recorded")

    @on(Button.Pressed, "#discharge-orientation")
    def record_orientation(self) -> None:
        oriented = self.query_one("#discharge-oriented", Select).value
        if not isinstance(oriented, bool):
            self.say(chair_text("discharge.orientation_missing"))
            return
        detail = self.query_one("#discharge-orientation-detail", Input).value
        record = self._part(OrientationCheck, "orientation", at_baseline=oriented, detail=detail)
        if record is not None:
            self._write(record, "discharge.orientation_recorded")

    @on(Button.Pressed, "#discharge-escort")
    @on(Input.Submitted, "#discharge-escort-name")
    def record_escort(self) -> None:
        desk = self.shift.chairs
        driver = desk.patient(self.checkin_id, desk.clock()).driver_name
        name = self.query_one("#discharge-escort-name", Input).value.strip()
        matches = escort_matches_driver(name, driver)
        if name and not matches and self._confirming != name:
            self._confirming = name
            key = "discharge.confirm_escort" if driver else "discharge.confirm_no_driver"
            self.say(chair_text(key, escort=name, driver=driver))
            return
        present = self.query_one("#discharge-escort-present", Select).value is True
        record = self._part(
            EscortCheck,
            "escort",
            escort_name=name,
            present=present,
            driver_named_at_checkin=driver,
            mismatch_confirmed=not matches,
        )
        if record is not None and self._write(record, "discharge.escort_recorded"):
            self._confirming = None

    @on(Button.Pressed, "#discharge-instructions")
    def show_instructions(self) -> None:
        self.app.push_screen(DischargeInstructionsScreen(self.shift, self.checkin_id))

    @on(Button.Pressed, "#discharge-sign")
    @on(Input.Submitted, "#discharge-pin")
    def sign(self) -> None:
        pin_box = self.query_one("#discharge-pin", Input)
        pin, pin_box.value = pin_box.value, ""
        desk = self.shift.chairs
        state = desk.chair(self.checkin_id, desk.clock())
        if not state.ready_to_sign:
            self.say(chair_text("discharge.not_ready"))
            return
        if not pin:
            self.say(staff_text("signoff.pin_missing"))
            return
        shift = self.shift
        try:
            unlock_with_pin(shift.kiosk, shift.staff_id, pin, datetime.now(UTC), "signoff").lock()
        except PinRefused as refused:
            self.say(str(refused))
            return
        if self._write(self._entry(DischargeSigned), "discharge.done"):
            self.dismiss()

    @on(Button.Pressed, "#discharge-back")
    def action_back(self) -> None:
        self.query_one("#discharge-pin", Input).value = ""
        self.dismiss()
