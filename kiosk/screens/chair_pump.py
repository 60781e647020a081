"""The pump's events at the chair: start, a rate change with its reason, pause, resume, stop.

A rate change shows its working as it is typed (rates.py: mg/kg/h, mg/h and mL/h from the
order's weight and concentration) and, where the clinic has a range, whether it leaves it: a
rate outside is recorded (the pump already runs at it) with its STOP open until a named
clinician's override. The product never proposes a rate.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any

from rich.text import Text
from textual import on
from textual.widget import Widget
from textual.widgets import Input, Select, Static

from kiosk.desk.staff_shift import StaffShift
from kiosk.intake.chair.log import ChairEntry
from kiosk.intake.chair.rates import rate_arithmetic
from kiosk.intake.chair.records import (
    ChairLogRecord,
    InfusionPause,
    InfusionResume,
    InfusionStart,
    InfusionStop,
    Rate,
    RateChange,
    RateUnit,
    StopReason,
)
from kiosk.intake.chair.state import rate_flag
from kiosk.locale import translate
from kiosk.locale.staff import STAFF_LANGUAGE, chair_text
from kiosk.screens.chair_entry import (
    ChairEntryScreen,
    EntryProblem,
    T,
    as_typed,
    chair_entry,
    typed_number,
)
from kiosk.widgets.chair_display import working_text


class PumpEvent(StrEnum):
    START = "start"
    RATE = "rate"
    PAUSE = "pause"
    RESUME = "resume"
    STOP = "stop"


class ChairPumpScreen(ChairEntryScreen):
    """One event of the pump: its reason where it needs one, and its time."""

    def __init__(
        self,
        shift: StaffShift,
        checkin_id: str,
        event: PumpEvent,
        correcting: ChairEntry | None = None,
    ) -> None:
        super().__init__(shift, checkin_id, correcting)
        self.event = event

    def title_key(self) -> str:
        return f"pump.{self.event.value}"

    def fields(self) -> Iterable[Widget]:
        if self.event is PumpEvent.RATE:
            yield Static(chair_text("pump.new_rate"), classes="chair-field")
            yield Input(id="chair-pump-rate", max_length=10)
            yield Select[str](
                [(unit.value, unit.value) for unit in RateUnit],
                id="chair-pump-unit",
                value=RateUnit.MG_PER_KG_PER_HOUR.value,
                allow_blank=False,
            )
            yield Static("", id="chair-pump-working", classes="chair-field")
        if self.event is PumpEvent.STOP:
            yield Static(chair_text("pump.stop_reason"), classes="chair-field")
            yield Select[str](
                [
                    (translate(f"chair.stop_reason.{r.value}", STAFF_LANGUAGE), r.value)
                    for r in StopReason
                ],
                id="chair-pump-stop-reason",
                value=StopReason.COMPLETED.value,
                allow_blank=False,
            )
        if self.event in (PumpEvent.RATE, PumpEvent.PAUSE, PumpEvent.STOP):
            key = "pump.detail" if self.event is PumpEvent.STOP else "pump.reason"
            yield Static(chair_text(key), classes="chair-field")
            yield Input(id="chair-pump-reason", max_length=500)

    def fill(self, record: ChairLogRecord) -> None:
        if isinstance(record, RateChange):
            self.query_one("#chair-pump-rate", Input).value = as_typed(record.rate.value)
            self.fill_choice("#chair-pump-unit", record.rate.unit.value)
        if isinstance(record, InfusionStop):
            self.fill_choice("#chair-pump-stop-reason", record.reason.value)
            self.query_one("#chair-pump-reason", Input).value = record.detail
        elif isinstance(record, RateChange | InfusionPause):
            self.query_one("#chair-pump-reason", Input).value = record.reason

    @on(Input.Changed, "#chair-pump-rate")
    @on(Select.Changed, "#chair-pump-unit")
    def _show_working(self) -> None:
        self.query_one("#chair-pump-working", Static).update(self._working())

    def _rate(self) -> Rate:
        value = typed_number(self.query_one("#chair-pump-rate", Input), chair_text("pump.new_rate"))
        return Rate(value, RateUnit(str(self.query_one("#chair-pump-unit", Select).value)))

    def _working(self) -> Text:
        """The typed rate worked out from the order, and the clinic's range, or nothing yet."""
        order = self.desk.chair(self.checkin_id, self.desk.clock()).course.order
        if order is None:
            return Text(chair_text("pump.no_order"))
        try:
            worked = rate_arithmetic(self._rate(), order.weight_kg, order.concentration_mg_per_ml)
        except (EntryProblem, ValueError):
            return Text("")
        return working_text(worked, rate_flag(worked, order.drug, self.shift.kiosk.config))

    def build(self, happened_at: datetime, entered_at: datetime) -> ChairLogRecord:
        def entry(record_type: type[T], **fields: Any) -> T:
            return chair_entry(
                record_type,
                self.checkin_id,
                self.shift.staff_id,
                happened_at,
                entered_at,
                **fields,
            )

        if self.event is PumpEvent.START:
            return entry(InfusionStart)
        if self.event is PumpEvent.RESUME:
            return entry(InfusionResume)
        reason = self.query_one("#chair-pump-reason", Input).value
        if self.event is PumpEvent.PAUSE:
            return entry(InfusionPause, reason=reason)
        if self.event is PumpEvent.STOP:
            chosen = StopReason(str(self.query_one("#chair-pump-stop-reason", Select).value))
            return entry(InfusionStop, reason=chosen, detail=reason)
        return entry(RateChange, rate=self._rate(), reason=reason)
