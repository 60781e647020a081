"""The base of every screen that writes one entry into a chair's log.

Each entry screen (exam, order, pump, vitals, side effect, override) draws its own fields; this
base adds the time it happened (empty: now; a past clock time allowed, within the last 12
hours, both times kept), the line that says what is wrong, Back and Save. Enter in a box moves
to the next one; Enter in the time box saves. Back (or Escape) on a form holding something not
saved says so and stays; a second Back leaves without saving (Tab from the time box reaches Back
before Save, and Enter there dropped a typed-out entry without a word). Save builds the
record, and the chair's desk checks it against the log before sealing: a refusal is shown in
the nurse's words and nothing is lost from the form. Once sealed, the chair screen below
shows the entry.

A correction opens the same screen with the entry it corrects (`correcting`): the form filled
with what that entry holds and its time, and the new entry sealed naming it (`supersedes`), so
the old one stays on record. A time box left as it was filled keeps the entry's exact moment.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from contextlib import suppress
from datetime import datetime
from typing import Any, ClassVar, TypeVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Input, Select, Static
from textual.widgets.select import InvalidSelectValueError

from kiosk.desk.chair_desk import ChairDesk
from kiosk.desk.errors import KioskError
from kiosk.desk.staff_shift import StaffShift
from kiosk.intake.chair.entry_checks import LONGEST_LOOK_BACK
from kiosk.intake.chair.log import ChairEntry
from kiosk.intake.chair.records import ChairLogRecord
from kiosk.intake.clinic_clock import moment_at_clock
from kiosk.intake.records import StopOverride
from kiosk.locale.staff import chair_text, staff_text
from kiosk.screens.staff_screen import StaffScreen
from kiosk.widgets.chair_display import entry_text
from kiosk.widgets.staff_shift_bar import StaffShiftBar

_CLOCK = re.compile(r"\s*(\d{1,2})[:.h]?(\d{2})\s*")


T = TypeVar("T", bound=ChairLogRecord)


def chair_entry(
    record_type: type[T],
    checkin_id: str,
    nurse_id: str,
    happened_at: datetime,
    entered_at: datetime,
    **fields: Any,
) -> T:
    """An entry of a chair's log with its four common fields."""
    return record_type(
        checkin_id=checkin_id,
        nurse_id=nurse_id,
        happened_at=happened_at,
        entered_at=entered_at,
        **fields,
    )


class EntryProblem(Exception):
    """What the nurse must fix before the entry can be saved, in words."""


def typed_number(box: Input, label: str, *, whole: bool = False) -> float:
    """The number in a box, or EntryProblem naming the box."""
    raw = box.value.strip().replace(",", ".")
    try:
        value = int(raw) if whole else float(raw)
    except ValueError:
        key = "entry.whole_number" if whole else "entry.number"
        raise EntryProblem(chair_text(key, field=label)) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise EntryProblem(chair_text("entry.number", field=label))
    return value


def as_typed(number: float) -> str:
    """A number as a nurse would type it back into its box ("0.6", "36", not "36.0")."""
    return str(number).removesuffix(".0")


def typed_clock(raw: str, now: datetime, zone: ZoneInfo) -> datetime:
    """The moment a clock time typed as HH:MM names (the latest one up to now), or now."""
    if not raw.strip():
        return now
    match = _CLOCK.fullmatch(raw)
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise EntryProblem(chair_text("entry.time_format"))
    moment = moment_at_clock(int(match[1]), int(match[2]), now, zone, within=LONGEST_LOOK_BACK)
    if moment is None:
        hours = int(LONGEST_LOOK_BACK.total_seconds() // 3600)
        raise EntryProblem(chair_text("entry.time_none", hours=hours))
    return moment


def correcting_line(entry: ChairEntry, zone: ZoneInfo) -> Static:
    """The line atop a form opened to correct an entry: which entry, as the log shows it."""
    text = Text(chair_text("correct.correcting") + " ")
    text.append_text(entry_text(entry, False, zone))
    return Static(text, id="chair-correcting", classes="chair-field")


class FilledTimes:
    """The time boxes of a form filled from the entry it corrects: a box left as it was filled
    gives back the entry's exact moment (HH:MM drops the seconds, and a side effect's action
    must not then come before the effect); a box typed over gives the clock time typed."""

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self._filled: dict[str | None, tuple[str, datetime]] = {}

    def fill(self, box: Input, moment: datetime) -> None:
        """Fill a time box with a moment's clock time (HH:MM in the clinic's zone)."""
        box.value = moment.astimezone(self.zone).strftime("%H:%M")
        self._filled[box.id] = (box.value, moment)

    def moment(self, box: Input, now: datetime) -> datetime:
        """The moment a time box names (empty: now); EntryProblem if it cannot be read."""
        filled = self._filled.get(box.id)
        if filled is not None and box.value == filled[0]:
            return filled[1]
        return typed_clock(box.value, now, self.zone)


class ChairEntryScreen(StaffScreen):
    """One entry of a chair's log: its fields, the time it happened, Save."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "Back", show=False)]

    DEFAULT_CSS = """
    ChairEntryScreen { background: $background; }
    ChairEntryScreen #chair-entry-box { height: 1fr; padding: 0 2; }
    ChairEntryScreen .nurse-section-title { text-style: bold underline; padding: 1 0 0 0; }
    ChairEntryScreen .chair-field { height: auto; }
    ChairEntryScreen Input { width: 60; }
    ChairEntryScreen Select { width: 60; }
    ChairEntryScreen #chair-entry-problem { color: $error; text-style: bold; height: auto; }
    ChairEntryScreen #chair-entry-actions { dock: bottom; height: 3; }
    ChairEntryScreen #chair-entry-actions Button { margin: 0 1; }
    """

    #: The key of the screen's title in chair.toml (`chair.screen.<TITLE>`).
    TITLE: ClassVar[str] = ""
    #: Whether the entry has a time of its own (an override is recorded when it is given).
    TIMED: ClassVar[bool] = True

    def __init__(
        self, shift: StaffShift, checkin_id: str, correcting: ChairEntry | None = None
    ) -> None:
        super().__init__(shift)
        self.checkin_id = checkin_id
        #: The entry this one corrects (its form opens filled with it), or None for a new one.
        self.correcting = correcting
        self.supersedes = None if correcting is None else correcting.record_id
        self.zone = ZoneInfo(shift.kiosk.config.time_zone)
        self.times = FilledTimes(self.zone)
        #: What the form held once opened (and filled), and when Back last warned.
        self._as_opened: tuple[object, ...] | None = None
        self._warned_at: tuple[object, ...] | None = None

    @property
    def desk(self) -> ChairDesk:
        return self.shift.chairs

    def compose(self) -> ComposeResult:
        yield StaffShiftBar(self.shift)
        with VerticalScroll(id="chair-entry-box"):
            name = self.desk.patient(self.checkin_id, self.desk.clock()).name
            yield Static(
                chair_text(self.title_key(), name=name),
                classes="nurse-section-title",
                markup=False,
            )
            if self.correcting is not None:
                yield correcting_line(self.correcting, self.zone)
            yield from self.fields()
            if self.TIMED:
                yield Static(chair_text("entry.time"), classes="chair-field")
                yield Input(id="chair-entry-time", placeholder=chair_text("entry.time_hint"))
        yield Static("", id="chair-entry-problem", markup=False)
        with Horizontal(id="chair-entry-actions"):
            yield Button(staff_text("common.back"), id="chair-entry-back")
            yield Button(chair_text("entry.save"), id="chair-entry-save", variant="success")

    def on_mount(self) -> None:
        super().on_mount()
        if self.correcting is not None:
            record = self.correcting.record
            assert not isinstance(record, StopOverride)  # an override is never corrected
            self.fill(record)
            if self.TIMED:
                self.fill_time("#chair-entry-time", record.happened_at)
        first = next(iter(self._boxes()), None)
        if first is not None:
            first.focus()
        # Why after the refresh: a form's own on_mount may still fill a box after this one.
        self.call_after_refresh(self._remember_as_opened)

    def _boxes(self) -> list[Widget]:
        return list(self.query("#chair-entry-box Input, #chair-entry-box Select"))

    def _held(self) -> tuple[object, ...]:
        """What every box and choice of the form holds now."""
        return tuple(box.value for box in self._boxes() if isinstance(box, (Input, Select)))

    def _remember_as_opened(self) -> None:
        self._as_opened = self._held()

    def title_key(self) -> str:
        return self.TITLE

    def fields(self) -> Iterable[Widget]:
        """The entry's own fields."""
        return ()

    def fill(self, record: ChairLogRecord) -> None:
        """Fill the entry's own fields with what `record` (the entry corrected) holds."""

    def fill_choice(self, selector: str, value: object) -> None:
        """Choose a value in a choice list, if the list still offers it (the clinic's lists may
        have changed since the entry was made: the nurse then chooses again)."""
        with suppress(InvalidSelectValueError):
            self.query_one(selector, Select).value = value

    def fill_time(self, selector: str, moment: datetime) -> None:
        """Fill a time box with a moment's clock time, kept exact while left as filled."""
        self.times.fill(self.query_one(selector, Input), moment)

    def typed_moment(self, selector: str, now: datetime) -> datetime:
        """The moment a time box names (see `FilledTimes`)."""
        return self.times.moment(self.query_one(selector, Input), now)

    def build(self, happened_at: datetime, entered_at: datetime) -> ChairLogRecord:
        """The record the form holds, or EntryProblem."""
        raise NotImplementedError

    def seal(self, happened_at: datetime, entered_at: datetime) -> str:
        """Write the entry through the chair's desk; its record id."""
        return self.desk.write(
            self.build(happened_at, entered_at), entered_at, supersedes=self.supersedes
        )

    def say(self, words: str) -> None:
        self.query_one("#chair-entry-problem", Static).update(words)

    @on(Input.Submitted)
    def _next_or_save(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "chair-entry-time" or not self.TIMED and self._last_box(event):
            self.save()
        else:
            self.focus_next()

    def _last_box(self, event: Input.Submitted) -> bool:
        boxes = list(self.query("#chair-entry-box Input"))
        return bool(boxes) and boxes[-1] is event.input

    @on(Button.Pressed, "#chair-entry-save")
    def save(self) -> None:
        """Check the form, write the entry, and go back to the chair with its record id."""
        now = self.desk.clock()
        try:
            happened = self.typed_moment("#chair-entry-time", now) if self.TIMED else now
            record_id = self.seal(happened, now)
        except (EntryProblem, KioskError) as problem:
            self.say(str(problem))
            return
        self.app.notify(chair_text("entry.saved", record_id=record_id[:8]))
        self.dismiss()

    @on(Button.Pressed, "#chair-entry-back")
    def action_back(self) -> None:
        """Leave, unless the form holds something not saved: that is said first, and a second
        Back with the form unchanged since leaves without saving."""
        held = self._held()
        # Why None leaves: a Back before the form has settled comes before anything typed.
        if self._as_opened is None or held in (self._as_opened, self._warned_at):
            self.dismiss()
            return
        self._warned_at = held
        self.say(chair_text("entry.not_saved"))
