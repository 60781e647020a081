"""The order's arithmetic, shown so a nurse can check it, and the clinic's rate range.

Every rate becomes mg/kg/h, mg/h and mL/h from the order's weight and concentration, with the
working as short lines ("0.5 mg/kg/h × 72 kg = 36 mg/h", "36 mg/h ÷ 1 mg/mL = 36 mL/h"). The
sums are decimal: each step's result is its shown numbers' sum rounded to the places shown
(3 for mg/kg/h, 2 for everything else), so a nurse redoing a step by hand gets the same figure.
The range check uses the exact rate, to 0.0001 mg/kg/h. Nothing here proposes a dose.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from kiosk.intake.chair.records import DoseForm, InfusionOrder, PlannedDose, Rate, RateUnit
from kiosk.intake.config import InfusionDrug

_PER_KG_PLACES = Decimal("0.001")
_PLACES = Decimal("0.01")
#: The range check's precision: finer than any pump, coarse enough that 25.2 mg/h for 72 kg is
#: exactly the 0.35 mg/kg/h it was ordered as.
_CHECK_PLACES = Decimal("0.0001")
_MINUTES_PER_HOUR = Decimal(60)


@dataclass(frozen=True)
class RateArithmetic:
    """One rate in the three units a nurse meets, and the working that gives them."""

    mg_per_kg_per_hour: Decimal
    mg_per_hour: Decimal
    ml_per_hour: Decimal
    #: The working, one step a line.
    steps: tuple[str, ...]
    #: The rate per kilogram the range is checked with (unrounded but for 0.0001 mg/kg/h).
    checked_mg_per_kg_per_hour: Decimal

    @property
    def line(self) -> str:
        """The working on one line, steps joined by "; "."""
        return "; ".join(self.steps)


@dataclass(frozen=True)
class RangeCheck:
    """A rate against the clinic's range for the drug: inside, or which side it leaves by."""

    #: "below", "above", or None inside the range (or where the clinic has set none).
    outside: str | None
    #: The range as the nurse reads it ("0.1-1 mg/kg/h", "at most 1 mg/kg/h"), or None.
    shown_range: str | None


def shown(value: Decimal) -> str:
    """A number as the working shows it: no trailing zeros, no exponent ("36", "52.5")."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def exact(value: float) -> Decimal:
    """A stored float as the decimal it was typed as (0.35, not 0.34999999999999997...);
    ValueError unless it is a finite number above 0 (no rate, weight or strength is 0)."""
    if not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
        raise ValueError("a rate, weight or concentration must be a number above 0")
    return Decimal(repr(float(value)))


@lru_cache(maxsize=1024)
def rate_arithmetic(rate: Rate, weight_kg: float, concentration_mg_per_ml: float) -> RateArithmetic:
    """A rate in mg/kg/h, mg/h or mL/h shown in all three, from the weight and concentration.
    Remembered: a chair's pump goes back and forth between a few rates."""
    weight, concentration = exact(weight_kg), exact(concentration_mg_per_ml)
    value = exact(rate.value)
    if rate.unit is RateUnit.MG_PER_KG_PER_HOUR:
        per_kg = value.quantize(_PER_KG_PLACES, ROUND_HALF_UP)
        mg_per_hour = _round(per_kg * weight)
        steps = [f"{shown(per_kg)} mg/kg/h × {shown(weight)} kg = {shown(mg_per_hour)} mg/h"]
        checked = value
    elif rate.unit is RateUnit.MG_PER_HOUR:
        mg_per_hour = _round(value)
        per_kg = _per_kg(mg_per_hour, weight)
        steps = [f"{shown(mg_per_hour)} mg/h ÷ {shown(weight)} kg = {shown(per_kg)} mg/kg/h"]
        checked = value / weight
    else:
        ml_per_hour = _round(value)
        mg_per_hour = _round(ml_per_hour * concentration)
        per_kg = _per_kg(mg_per_hour, weight)
        return RateArithmetic(
            mg_per_kg_per_hour=per_kg,
            mg_per_hour=mg_per_hour,
            ml_per_hour=ml_per_hour,
            steps=(
                f"{shown(ml_per_hour)} mL/h × {shown(concentration)} mg/mL"
                f" = {shown(mg_per_hour)} mg/h",
                f"{shown(mg_per_hour)} mg/h ÷ {shown(weight)} kg = {shown(per_kg)} mg/kg/h",
            ),
            checked_mg_per_kg_per_hour=_checked(value * concentration / weight),
        )
    ml_per_hour = _round(mg_per_hour / concentration)
    steps.append(
        f"{shown(mg_per_hour)} mg/h ÷ {shown(concentration)} mg/mL = {shown(ml_per_hour)} mL/h"
    )
    return RateArithmetic(per_kg, mg_per_hour, ml_per_hour, tuple(steps), _checked(checked))


def planned_rate(order: InfusionOrder) -> RateArithmetic:
    """The order's planned dose as a rate, with the working from the dose as written."""
    dose, weight = order.dose, exact(order.weight_kg)
    if dose.form is DoseForm.MG_PER_KG_PER_HOUR:
        return rate_arithmetic(
            Rate(dose.amount, RateUnit.MG_PER_KG_PER_HOUR),
            order.weight_kg,
            order.concentration_mg_per_ml,
        )
    minutes = Decimal(_minutes(dose))
    amount = exact(dose.amount)
    if dose.form is DoseForm.MG_PER_KG_OVER_MINUTES:
        total = _round(amount * weight)
        first = [f"{shown(amount)} mg/kg × {shown(weight)} kg = {shown(total)} mg"]
        exact_total = amount * weight
    else:
        total = _round(amount)
        first = []
        exact_total = amount
    mg_per_hour = _round(total * _MINUTES_PER_HOUR / minutes)
    as_rate = rate_arithmetic(
        Rate(float(mg_per_hour), RateUnit.MG_PER_HOUR),
        order.weight_kg,
        order.concentration_mg_per_ml,
    )
    over = f"{shown(total)} mg over {shown(minutes)} min = {shown(mg_per_hour)} mg/h"
    return RateArithmetic(
        mg_per_kg_per_hour=as_rate.mg_per_kg_per_hour,
        mg_per_hour=mg_per_hour,
        ml_per_hour=as_rate.ml_per_hour,
        steps=(*first, over, *as_rate.steps),
        checked_mg_per_kg_per_hour=_checked(exact_total * _MINUTES_PER_HOUR / minutes / weight),
    )


def check_range(arithmetic: RateArithmetic, drug: InfusionDrug | None) -> RangeCheck:
    """Whether the rate leaves the clinic's range for the drug (no range set: never)."""
    if drug is None:
        return RangeCheck(None, None)
    low, high = (
        None if bound is None else exact(bound)
        for bound in (drug.lowest_mg_per_kg_per_hour, drug.highest_mg_per_kg_per_hour)
    )
    if low is not None and high is not None:
        text = f"{shown(low)}-{shown(high)} mg/kg/h"
    elif low is not None:
        text = f"at least {shown(low)} mg/kg/h"
    elif high is not None:
        text = f"at most {shown(high)} mg/kg/h"
    else:
        return RangeCheck(None, None)
    rate = arithmetic.checked_mg_per_kg_per_hour
    if low is not None and rate < _checked(low):
        return RangeCheck("below", text)
    if high is not None and rate > _checked(high):
        return RangeCheck("above", text)
    return RangeCheck(None, text)


def rate_text(arithmetic: RateArithmetic) -> str:
    """A rate as the board and a flag show it: "0.5 mg/kg/h (36 mg/h, 36 mL/h)"."""
    return (
        f"{shown(arithmetic.mg_per_kg_per_hour)} mg/kg/h ({shown(arithmetic.mg_per_hour)} mg/h,"
        f" {shown(arithmetic.ml_per_hour)} mL/h)"
    )


def _minutes(dose: PlannedDose) -> int:
    if dose.over_minutes is None or dose.over_minutes <= 0:
        raise ValueError("a dose over minutes needs its minutes")
    return dose.over_minutes


def _round(value: Decimal) -> Decimal:
    return value.quantize(_PLACES, ROUND_HALF_UP)


def _per_kg(mg_per_hour: Decimal, weight: Decimal) -> Decimal:
    return (mg_per_hour / weight).quantize(_PER_KG_PLACES, ROUND_HALF_UP)


def _checked(value: Decimal) -> Decimal:
    return value.quantize(_CHECK_PLACES, ROUND_HALF_UP)
