"""The nurse's vitals, before the infusion and in the chair, as vital-sign Observations with
LOINC codes and UCUM units.

A reading that crosses a clinic hold threshold carries an interpretation: H or L for a CAUTION,
HH or LL (critically high / low) for a STOP, with the threshold in words, so the EHR shows what
the nurse was warned of beside the number.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from kiosk.intake.config import ClinicConfig
from kiosk.intake.measures import (
    BLOOD_PRESSURE_PANEL_LOINC,
    MEASURES,
    SPO2_ALTERNATE_LOINC,
    Measure,
)
from kiosk.intake.records import PregnancyTest, Severity, Vitals
from sync.server.fhir.bundle import (
    LOINC,
    RECORD_SYSTEM,
    SNOMED,
    TERMINOLOGY,
    UCUM,
    RecordContext,
    VisitBundle,
    coding,
    reference,
    status_concept,
    when,
)

_INTERPRETATION = f"{TERMINOLOGY}/v3-ObservationInterpretation"
_DISPLAYS = {
    "H": "High",
    "L": "Low",
    "HH": "Critical high",
    "LL": "Critical low",
    "POS": "Positive",
}
_PREGNANCY_RESULT = {
    PregnancyTest.POSITIVE: coding(SNOMED, "10828004", "Positive"),
    PregnancyTest.NEGATIVE: coding(SNOMED, "260385009", "Negative"),
}


def _interpretation(measure: Measure, value: float, config: ClinicConfig) -> list[dict[str, Any]]:
    """The first hold threshold crossed (most severe first), as the screening rules judge it."""
    for hold in config.holds_for(measure.id):
        if hold.is_crossed(value):
            low = hold.comparison == "below"
            code = (
                ("LL" if low else "HH") if hold.severity is Severity.STOP else ("L" if low else "H")
            )
            text = (
                f"{hold.severity.value}: {measure.label} {hold.describe()} (clinic hold threshold)"
            )
            return [{"coding": [coding(_INTERPRETATION, code, _DISPLAYS[code])], "text": text}]
    return []


def _quantity(measure: Measure, value: float) -> dict[str, Any]:
    unit = measure.shown_unit or measure.unit
    return {"value": value, "unit": unit, "system": UCUM, "code": measure.unit}


def _observation(
    codings: Sequence[dict[str, str]],
    taken_at: datetime,
    patient: str,
    encounter: str,
    nurse: str,
    category: str = "vital-signs",
    entered_at: datetime | None = None,
) -> dict[str, Any]:
    found = {
        "resourceType": "Observation",
        "status": "final",
        "category": [status_concept("observation-category", category)],
        "code": {"coding": list(codings)},
        "subject": reference(patient),
        "encounter": reference(encounter),
        "effectiveDateTime": when(taken_at),
        "performer": [reference(nurse)],
    }
    if entered_at is not None:
        found["issued"] = when(entered_at)
    return found


def add_readings(
    bundle: VisitBundle,
    record_id: str,
    readings: object,
    measures: Sequence[Measure],
    taken_at: datetime,
    config: ClinicConfig,
    who: RecordContext,
    entered_at: datetime | None = None,
) -> dict[str, str]:
    """One Observation per measure read from `readings` (a `Vitals` or a chair's `ChairVitals`,
    whose fields are named alike), the two pressures in the blood pressure panel; `entered_at`
    when it differs from when they were taken. Returns the references by measure id."""
    patient, encounter, nurse = who.patient, who.encounter, who.nurse
    found = {}
    pressures = [m for m in measures if m.id in ("systolic", "diastolic")]
    if pressures:
        panel = _observation(
            [coding(LOINC, BLOOD_PRESSURE_PANEL_LOINC, "Blood pressure panel")],
            taken_at,
            patient,
            encounter,
            nurse,
            entered_at=entered_at,
        )
        panel["component"] = []
        for measure in pressures:
            value = getattr(readings, measure.field)
            component: dict[str, Any] = {
                "code": {"coding": [coding(LOINC, measure.loinc, measure.label)]},
                "valueQuantity": _quantity(measure, value),
            }
            interpretation = _interpretation(measure, value, config)
            if interpretation:
                component["interpretation"] = interpretation
            panel["component"].append(component)
        url = bundle.add(panel, RECORD_SYSTEM, f"{record_id}/vitals/{BLOOD_PRESSURE_PANEL_LOINC}")
        found.update({m.id: url for m in pressures})
    for measure in measures:
        if measure in pressures:
            continue
        codings = [coding(LOINC, measure.loinc, measure.label)]
        if measure.loinc == "59408-5":  # Why: the vital-signs profile wants both SpO2 codes.
            codings.append(
                coding(LOINC, SPO2_ALTERNATE_LOINC, "Oxygen saturation in Arterial blood")
            )
        resource = _observation(codings, taken_at, patient, encounter, nurse, entered_at=entered_at)
        value = getattr(readings, measure.field)
        resource["valueQuantity"] = _quantity(measure, value)
        interpretation = _interpretation(measure, value, config)
        if interpretation:
            resource["interpretation"] = interpretation
        found[measure.id] = bundle.add(
            resource, RECORD_SYSTEM, f"{record_id}/vitals/{measure.loinc}"
        )
    return found


def add_vitals(
    bundle: VisitBundle,
    record_id: str,
    vitals: Vitals,
    config: ClinicConfig,
    patient: str,
    encounter: str,
    nurse: str,
) -> dict[str, str]:
    """The pre-infusion vitals: every measure, and the pregnancy test when one was done.

    Returns the references by measure id ("systolic", ...; "pregnancy_test"), for the flags.
    """
    who = RecordContext(patient, encounter, nurse)
    found = add_readings(bundle, record_id, vitals, MEASURES, vitals.taken_at, config, who)
    if vitals.pregnancy_test in _PREGNANCY_RESULT:
        test = _observation(
            [coding(LOINC, "2106-3", "Choriogonadotropin (pregnancy test) [Presence] in Urine")],
            vitals.taken_at,
            patient,
            encounter,
            nurse,
            category="laboratory",
        )
        test["valueCodeableConcept"] = {"coding": [_PREGNANCY_RESULT[vitals.pregnancy_test]]}
        if vitals.pregnancy_test is PregnancyTest.POSITIVE:
            test["interpretation"] = [{"coding": [coding(_INTERPRETATION, "POS", "Positive")]}]
        found["pregnancy_test"] = bundle.add(
            test, RECORD_SYSTEM, f"{record_id}/vitals/pregnancy-test"
        )
    return found
