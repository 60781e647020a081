"""The clinician's order as given: who ordered, the drug (the clinic's list), its concentration
and the planned dose (mg/kg/h, mg/kg over minutes, or mg over minutes), worked out as mg/h and
mL/h from the weight of the vitals signed at sign-off, with the working shown as it is typed.
A planned rate outside the clinic's range shows its STOP: the order is recorded, and the start
waits for a named clinician's override. The product never proposes a dose.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from rich.text import Text
from textual import on
from textual.widget import Widget
from textual.widgets import Input, Select, Static

from kiosk.intake.chair.rates import planned_rate
from kiosk.intake.chair.records import ChairLogRecord, DoseForm, InfusionOrder, PlannedDose
from kiosk.intake.chair.state import rate_flag
from kiosk.intake.validation import Invalid, validate_person_name
from kiosk.locale import translate
from kiosk.locale.staff import STAFF_LANGUAGE, chair_text
from kiosk.screens.chair_entry import ChairEntryScreen, EntryProblem, as_typed, typed_number
from kiosk.widgets.chair_display import working_text


class ChairOrderScreen(ChairEntryScreen):
    """The order, its arithmetic and the clinic's range."""

    TITLE = "order.title"

    def fields(self) -> Iterable[Widget]:
        drugs = self.shift.kiosk.config.chair.drugs
        yield Static(chair_text("order.clinician"), classes="chair-field")
        yield Input(id="chair-order-clinician", max_length=100)
        yield Static(chair_text("order.drug"), classes="chair-field")
        yield Select[str](
            [(drug.name, drug.name) for drug in drugs],
            id="chair-order-drug",
            value=drugs[0].name,
            allow_blank=False,
        )
        yield Static(chair_text("order.concentration"), classes="chair-field")
        yield Input(id="chair-order-concentration", max_length=10)
        yield Static(chair_text("order.form"), classes="chair-field")
        yield Select[str](
            [(chair_text(f"order.form_{form.value}"), form.value) for form in DoseForm],
            id="chair-order-form",
            value=DoseForm.MG_PER_KG_PER_HOUR.value,
            allow_blank=False,
        )
        yield Static(chair_text("order.amount"), classes="chair-field")
        yield Input(id="chair-order-amount", max_length=10)
        yield Static(chair_text("order.minutes"), classes="chair-field")
        yield Input(id="chair-order-minutes", max_length=4)
        yield Static(self._weight_line(), id="chair-order-weight", classes="chair-field")
        yield Static("", id="chair-order-working", classes="chair-field")

    def fill(self, record: ChairLogRecord) -> None:
        assert isinstance(record, InfusionOrder)
        dose = record.dose
        self.query_one("#chair-order-clinician", Input).value = record.clinician_name
        self.fill_choice("#chair-order-drug", record.drug)
        concentration = as_typed(record.concentration_mg_per_ml)
        self.query_one("#chair-order-concentration", Input).value = concentration
        self.fill_choice("#chair-order-form", dose.form.value)
        self.query_one("#chair-order-amount", Input).value = as_typed(dose.amount)
        minutes = "" if dose.over_minutes is None else str(dose.over_minutes)
        self.query_one("#chair-order-minutes", Input).value = minutes

    def _weight(self) -> tuple[str, float] | None:
        """The vitals record the order's weight comes from, and the weight."""
        now = self.desk.clock()
        order = self.desk.chair(self.checkin_id, now).course.order
        if order is not None:
            return order.vitals_id, order.weight_kg
        vitals = self.desk.patient(self.checkin_id, now).vitals
        return None if vitals is None else (vitals[0], vitals[1].weight_kg)

    def _weight_line(self) -> str:
        weight = self._weight()
        if weight is None:
            return chair_text("order.no_weight")
        return chair_text("order.weight", weight=f"{weight[1]:g}")

    @on(Input.Changed)
    @on(Select.Changed)
    def _show_working(self) -> None:
        self.query_one("#chair-order-working", Static).update(self._working())

    def _working(self) -> Text:
        try:
            order = self.build(self.desk.clock(), self.desk.clock())
            worked = planned_rate(order)
        except (EntryProblem, ValueError):
            return Text("")
        return working_text(worked, rate_flag(worked, order.drug, self.shift.kiosk.config))

    def build(self, happened_at: datetime, entered_at: datetime) -> InfusionOrder:
        weight = self._weight()
        if weight is None:
            raise EntryProblem(chair_text("order.no_weight"))
        name = validate_person_name(
            self.query_one("#chair-order-clinician", Input).value, "clinician_name"
        )
        if isinstance(name, Invalid):
            problem = translate(name.problem.code, STAFF_LANGUAGE, **name.problem.params)
            raise EntryProblem(f"{chair_text('order.clinician')}: {problem}")
        form = DoseForm(str(self.query_one("#chair-order-form", Select).value))
        minutes_box = self.query_one("#chair-order-minutes", Input)
        minutes = (
            None
            if form is DoseForm.MG_PER_KG_PER_HOUR and not minutes_box.value.strip()
            else int(typed_number(minutes_box, chair_text("order.minutes"), whole=True))
        )
        return InfusionOrder(
            checkin_id=self.checkin_id,
            nurse_id=self.shift.staff_id,
            happened_at=happened_at,
            entered_at=entered_at,
            clinician_name=name.value,
            drug=str(self.query_one("#chair-order-drug", Select).value),
            concentration_mg_per_ml=typed_number(
                self.query_one("#chair-order-concentration", Input),
                chair_text("order.concentration"),
            ),
            dose=PlannedDose(
                form,
                typed_number(
                    self.query_one("#chair-order-amount", Input), chair_text("order.amount")
                ),
                minutes,
            ),
            weight_kg=weight[1],
            vitals_id=weight[0],
        )
