"""The nurse's vitals measures: one table of names, units, plausibility limits and LOINC codes.

Plausibility limits (CLINICAL.md) refuse a value as mistyped; the clinic's hold thresholds
(config.py) accept it and raise a flag. Values are stored in the unit given here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Measure:
    """One vital sign: its id (also the hold-threshold table and flag code), field and limits."""

    id: str
    #: The attribute of records.Vitals that holds it.
    field: str
    #: English name, for the nurse.
    label: str
    #: UCUM unit code, as FHIR wants it ("Cel", "/min").
    unit: str
    #: The unit as a nurse reads it ("°C", "/min").
    shown_unit: str
    plausible_low: float
    plausible_high: float
    loinc: str
    #: Whole numbers only (blood pressure, rates) or one decimal (temperature, weight).
    whole: bool = True


MEASURES = (
    Measure("systolic", "systolic_mmhg", "Systolic BP", "mmHg", "mmHg", 50, 300, "8480-6"),
    Measure("diastolic", "diastolic_mmhg", "Diastolic BP", "mmHg", "mmHg", 20, 200, "8462-4"),
    Measure("heart_rate", "heart_rate_per_min", "Heart rate", "/min", "/min", 20, 250, "8867-4"),
    Measure("spo2", "spo2_percent", "Oxygen saturation (SpO2)", "%", "%", 50, 100, "59408-5"),
    Measure("temperature", "temperature_c", "Temperature", "Cel", "°C", 30, 45, "8310-5", False),
    Measure(
        "respiratory_rate",
        "respiratory_rate_per_min",
        "Breathing rate",
        "/min",
        "/min",
        4,
        60,
        "9279-1",
    ),
    Measure("weight", "weight_kg", "Body weight", "kg", "kg", 25, 350, "29463-7", False),
    Measure("pain_now", "pain_now", "Pain now (0-10)", "{score}", "", 0, 10, "72514-3"),
)
#: The LOINC code of the blood pressure panel the two pressures belong to.
BLOOD_PRESSURE_PANEL_LOINC = "85354-9"
#: SpO2 is also reported under this general oxygen saturation code.
SPO2_ALTERNATE_LOINC = "2708-6"


def measure(measure_id: str) -> Measure:
    """The measure with this id; KeyError if there is none."""
    for candidate in MEASURES:
        if candidate.id == measure_id:
            return candidate
    raise KeyError(measure_id)
