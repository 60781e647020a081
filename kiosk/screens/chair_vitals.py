"""Vitals at the chair: blood pressure, pulse, SpO2, breathing, MOAA/S sedation and the nurse's
rating of dissociation, during the infusion or in recovery (which follows from the time)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from textual.widget import Widget
from textual.widgets import Input, Select, Static

from kiosk.intake.chair.records import ChairLogRecord, ChairVitals, Dissociation
from kiosk.intake.chair.state import CHAIR_MEASURES
from kiosk.locale import translate
from kiosk.locale.staff import STAFF_LANGUAGE, chair_text
from kiosk.screens.chair_entry import ChairEntryScreen, EntryProblem, typed_number

#: The MOAA/S levels, 5 (alert) first.
MOAA_S_LEVELS = tuple(range(5, -1, -1))


class ChairVitalsScreen(ChairEntryScreen):
    """One set of vitals in the chair, with sedation and dissociation."""

    TITLE = "vitals.title"

    def fields(self) -> Iterable[Widget]:
        for measure in CHAIR_MEASURES:
            yield Static(f"{measure.label} ({measure.unit})", classes="chair-field")
            yield Input(id=f"chair-vitals-{measure.id}", max_length=6)
        yield Static(chair_text("vitals.moaa_s"), classes="chair-field")
        yield Select[int](
            [(translate(f"chair.moaa_s.{n}", STAFF_LANGUAGE), n) for n in MOAA_S_LEVELS],
            id="chair-vitals-moaa-s",
            prompt=chair_text("vitals.choose"),
        )
        yield Static(chair_text("vitals.dissociation"), classes="chair-field")
        yield Select[str](
            [
                (translate(f"chair.dissociation.{d.value}", STAFF_LANGUAGE), d.value)
                for d in Dissociation
            ],
            id="chair-vitals-dissociation",
            prompt=chair_text("vitals.choose"),
        )

    def fill(self, record: ChairLogRecord) -> None:
        assert isinstance(record, ChairVitals)
        for measure in CHAIR_MEASURES:
            box = self.query_one(f"#chair-vitals-{measure.id}", Input)
            box.value = str(getattr(record, measure.field))
        self.fill_choice("#chair-vitals-moaa-s", record.moaa_s)
        self.fill_choice("#chair-vitals-dissociation", record.dissociation.value)

    def build(self, happened_at: datetime, entered_at: datetime) -> ChairVitals:
        readings = {
            measure.field: int(
                typed_number(
                    self.query_one(f"#chair-vitals-{measure.id}", Input), measure.label, whole=True
                )
            )
            for measure in CHAIR_MEASURES
        }
        moaa_s = self.query_one("#chair-vitals-moaa-s", Select).value
        dissociation = self.query_one("#chair-vitals-dissociation", Select).value
        if not isinstance(moaa_s, int):
            raise EntryProblem(chair_text("vitals.moaa_s_missing"))
        if not isinstance(dissociation, str):
            raise EntryProblem(chair_text("vitals.dissociation_missing"))
        return ChairVitals(
            checkin_id=self.checkin_id,
            nurse_id=self.shift.staff_id,
            happened_at=happened_at,
            entered_at=entered_at,
            moaa_s=moaa_s,
            dissociation=Dissociation(dissociation),
            **readings,
        )
