"""The order's arithmetic a nurse can check by hand, and the clinic's range, exactly."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from intake_hypothesis import ci_examples

from kiosk.intake.chair.rates import (
    RateArithmetic,
    check_range,
    planned_rate,
    rate_arithmetic,
    rate_text,
)
from kiosk.intake.chair.records import DoseForm, InfusionOrder, PlannedDose, Rate, RateUnit
from kiosk.intake.config import InfusionDrug

NOW = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)


def order(form: DoseForm, amount: float, minutes: int | None, weight: float, conc: float):
    return InfusionOrder(
        checkin_id="c",
        nurse_id="n",
        happened_at=NOW,
        entered_at=NOW,
        clinician_name="Dr. Rosa Álvarez",
        drug="Ketamine",
        concentration_mg_per_ml=conc,
        dose=PlannedDose(form, amount, minutes),
        weight_kg=weight,
        vitals_id="v",
    )


def test_the_briefs_own_example_reads_as_a_nurse_would_check_it() -> None:
    worked = rate_arithmetic(Rate(0.5, RateUnit.MG_PER_KG_PER_HOUR), 72, 1)
    assert worked.line == "0.5 mg/kg/h × 72 kg = 36 mg/h; 36 mg/h ÷ 1 mg/mL = 36 mL/h"


@pytest.mark.parametrize(
    ("form", "amount", "minutes", "line"),
    [
        (
            DoseForm.MG_PER_KG_PER_HOUR,
            0.35,
            None,
            "0.35 mg/kg/h × 68.4 kg = 23.94 mg/h; 23.94 mg/h ÷ 2 mg/mL = 11.97 mL/h",
        ),
        (
            DoseForm.MG_PER_KG_OVER_MINUTES,
            0.5,
            40,
            "0.5 mg/kg × 68.4 kg = 34.2 mg; 34.2 mg over 40 min = 51.3 mg/h;"
            " 51.3 mg/h ÷ 68.4 kg = 0.75 mg/kg/h; 51.3 mg/h ÷ 2 mg/mL = 25.65 mL/h",
        ),
        (
            DoseForm.MG_OVER_MINUTES,
            35,
            40,
            "35 mg over 40 min = 52.5 mg/h; 52.5 mg/h ÷ 68.4 kg = 0.768 mg/kg/h;"
            " 52.5 mg/h ÷ 2 mg/mL = 26.25 mL/h",
        ),
    ],
    ids=["per kg per hour (Cohen 2018)", "per kg over 40 min (depression series)", "mg over"],
)
def test_each_way_of_writing_the_dose_is_worked_out_step_by_step(
    form: DoseForm, amount: float, minutes: int | None, line: str
) -> None:
    assert planned_rate(order(form, amount, minutes, 68.4, 2)).line == line


def test_a_pump_rate_in_ml_per_hour_is_shown_in_mg_and_per_kilogram() -> None:
    worked = rate_arithmetic(Rate(24, RateUnit.ML_PER_HOUR), 72, 1)
    assert worked.line == "24 mL/h × 1 mg/mL = 24 mg/h; 24 mg/h ÷ 72 kg = 0.333 mg/kg/h"
    assert rate_text(worked) == "0.333 mg/kg/h (24 mg/h, 24 mL/h)"


STEP = re.compile(
    r"(?P<a>[\d.]+) (?P<ua>\S+) (?P<op>×|÷|over) (?P<b>[\d.]+) (?P<ub>\S+)"
    r" = (?P<c>[\d.]+) (?P<uc>\S+)"
)
PLACES = {"mg/kg/h": 3, "mg/h": 2, "mL/h": 2, "mg": 2}


def assert_every_step_checks(worked: RateArithmetic) -> None:
    for step in worked.steps:
        found = STEP.fullmatch(step)
        assert found, step
        a, b, c = Decimal(found["a"]), Decimal(found["b"]), Decimal(found["c"])
        if found["op"] == "×":
            value = a * b
        elif found["op"] == "÷":
            value = a / b
        else:
            value = a * 60 / b
        places = Decimal(1).scaleb(-PLACES[found["uc"]])
        assert value.quantize(places, ROUND_HALF_UP) == c, step


@ci_examples(300)
@given(
    form=st.sampled_from(list(DoseForm)),
    thousandths=st.integers(1, 5000),
    minutes=st.integers(1, 600),
    weight_tenths=st.integers(250, 3500),
    conc_hundredths=st.integers(1, 10000),
)
def test_every_step_is_its_shown_numbers_worked_out_to_the_places_shown(
    form: DoseForm, thousandths: int, minutes: int, weight_tenths: int, conc_hundredths: int
) -> None:
    amount = thousandths / 1000 if form is not DoseForm.MG_OVER_MINUTES else thousandths / 100
    written = order(
        form,
        amount,
        None if form is DoseForm.MG_PER_KG_PER_HOUR else minutes,
        weight_tenths / 10,
        conc_hundredths / 100,
    )
    try:
        worked = planned_rate(written)
    except ValueError:
        # Only a dose so small over so long that it is under 0.01 mg/h has no rate to show.
        total = Decimal(amount) * (Decimal(weight_tenths) / 10 if "kg" in form.value else 1)
        assert total * 60 / minutes < Decimal("0.01")
        return
    assert_every_step_checks(worked)
    assert worked.line.endswith(" mL/h")


@ci_examples(200)
@given(
    unit=st.sampled_from(list(RateUnit)),
    hundredths=st.integers(1, 100_000),
    weight_tenths=st.integers(250, 3500),
    conc_hundredths=st.integers(1, 10000),
)
def test_a_rate_in_any_unit_checks_step_by_step(
    unit: RateUnit, hundredths: int, weight_tenths: int, conc_hundredths: int
) -> None:
    value = hundredths / 100 if unit is not RateUnit.MG_PER_KG_PER_HOUR else hundredths / 1000
    worked = rate_arithmetic(Rate(value, unit), weight_tenths / 10, conc_hundredths / 100)
    assert_every_step_checks(worked)


RANGE = InfusionDrug("Ketamine", 0.1, 0.7)


def test_a_rate_exactly_at_the_clinics_limit_is_inside_however_it_was_written() -> None:
    """35.21 mg over 60 min for 50.3 kg is 0.7 mg/kg/h; in floats, a little more."""
    assert 35.21 / 50.3 > 0.7
    written_as_mg = planned_rate(order(DoseForm.MG_OVER_MINUTES, 35.21, 60, 50.3, 1))
    assert check_range(written_as_mg, RANGE).outside is None
    as_pump_rate = rate_arithmetic(Rate(35.21, RateUnit.ML_PER_HOUR), 50.3, 1)
    assert check_range(as_pump_rate, RANGE).outside is None
    per_kg = rate_arithmetic(Rate(0.7, RateUnit.MG_PER_KG_PER_HOUR), 50.3, 1)
    assert check_range(per_kg, RANGE).outside is None


def test_a_rate_past_either_end_of_the_range_says_which_and_shows_the_range() -> None:
    above = rate_arithmetic(Rate(0.701, RateUnit.MG_PER_KG_PER_HOUR), 72, 1)
    below = rate_arithmetic(Rate(7.1, RateUnit.MG_PER_HOUR), 72, 1)
    assert check_range(above, RANGE).outside == "above"
    assert check_range(below, RANGE).outside == "below"
    assert check_range(above, RANGE).shown_range == "0.1-0.7 mg/kg/h"


def test_without_a_clinic_range_no_rate_is_outside() -> None:
    huge = rate_arithmetic(Rate(50, RateUnit.MG_PER_KG_PER_HOUR), 72, 1)
    assert check_range(huge, InfusionDrug("Ketamine")).outside is None
    assert check_range(huge, None).shown_range is None


def test_one_bound_alone_is_checked() -> None:
    high_only = InfusionDrug("Ketamine", None, 1.0)
    assert check_range(rate_arithmetic(Rate(1.2, RateUnit.MG_PER_KG_PER_HOUR), 72, 1), high_only)
    checked = check_range(rate_arithmetic(Rate(1.2, RateUnit.MG_PER_KG_PER_HOUR), 72, 1), high_only)
    assert (checked.outside, checked.shown_range) == ("above", "at most 1 mg/kg/h")


@pytest.mark.parametrize("weight, conc", [(0, 1), (72, 0), (72, float("nan")), (-5, 1)])
def test_a_weight_or_concentration_that_is_no_number_above_zero_is_refused(
    weight: float, conc: float
) -> None:
    with pytest.raises(ValueError, match="above 0"):
        rate_arithmetic(Rate(0.5, RateUnit.MG_PER_KG_PER_HOUR), weight, conc)
