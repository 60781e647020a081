"""What the nurse observes in the chair, as Observations: the exam, vitals, sedation,
dissociation, the discharge score and orientation.

Vitals carry the pre-infusion LOINC codes and the clinic's hold thresholds as interpretations
(vitals.py, one function for both). MOAA/S, the nurse's dissociation rating, orientation and
each exam item have no code the product ships, so they carry the kiosk's own
(`urn:clinic-kiosk:chair`) and their words; none is invented. Each Observation's
`effectiveDateTime` is when it happened and `issued` when it was entered.
"""

from __future__ import annotations

from typing import Any

from kiosk.intake.chair.records import ChairVitals, DischargeScore, OrientationCheck, PhysicalExam
from kiosk.intake.chair.scores import item_label_key, score_total
from kiosk.intake.chair.state import CHAIR_MEASURES
from kiosk.intake.config import ClinicConfig, ScoreKind
from kiosk.locale import translate
from sync.server.fhir.bundle import (
    CHAIR_ANSWER_SYSTEM,
    CHAIR_SYSTEM,
    RECORD_SYSTEM,
    RecordContext,
    VisitBundle,
    coding,
    concept,
    reference,
    status_concept,
    when,
)
from sync.server.fhir.vitals import add_readings

SCORE_NAMES = {ScoreKind.ALDRETE: "Modified Aldrete score", ScoreKind.PADSS: "Modified PADSS"}
_MOAA_S = "MOAA/S (Modified Observer's Assessment of Alertness/Sedation)"


def _observation(
    record: ChairVitals | PhysicalExam | DischargeScore | OrientationCheck,
    who: RecordContext,
    category: str,
    code: dict[str, Any],
) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": [status_concept("observation-category", category)],
        "code": code,
        "subject": reference(who.patient),
        "encounter": reference(who.encounter),
        "effectiveDateTime": when(record.happened_at),
        "issued": when(record.entered_at),
        "performer": [reference(who.nurse)],
    }


def add_chair_vitals(
    bundle: VisitBundle, key: str, vitals: ChairVitals, config: ClinicConfig, who: RecordContext
) -> str:
    """The readings (blood pressure, heart rate, SpO2, respiratory rate), MOAA/S and the
    dissociation rating; returns the blood pressure panel's reference."""
    taken, entered = vitals.happened_at, vitals.entered_at
    found = add_readings(bundle, key, vitals, CHAIR_MEASURES, taken, config, who, entered)
    sedation = _observation(
        vitals, who, "exam", concept(_MOAA_S, coding(CHAIR_SYSTEM, "moaa_s", "MOAA/S"))
    )
    sedation["valueInteger"] = vitals.moaa_s
    sedation["interpretation"] = [concept(translate(f"chair.moaa_s.{vitals.moaa_s}", "en"))]
    bundle.add(sedation, RECORD_SYSTEM, f"{key}/moaa_s")
    rating = vitals.dissociation.value
    dissociation = _observation(
        vitals,
        who,
        "exam",
        concept("Dissociation (the nurse's rating)", coding(CHAIR_SYSTEM, "dissociation")),
    )
    dissociation["valueCodeableConcept"] = concept(
        translate(f"chair.dissociation.{rating}", "en"),
        coding(CHAIR_ANSWER_SYSTEM, f"dissociation.{rating}"),
    )
    bundle.add(dissociation, RECORD_SYSTEM, f"{key}/dissociation")
    return found["systolic"]


def add_exam(
    bundle: VisitBundle, key: str, exam: PhysicalExam, config: ClinicConfig, who: RecordContext
) -> None:
    """One Observation per item of the exam: its finding, and the note when there is one."""
    named = {item.id: item.label.get("en", item.id) for item in config.chair.exam_items}
    for item in exam.items:
        label = named.get(item.item_id, item.item_id)
        resource = _observation(
            exam,
            who,
            "exam",
            concept(f"Physical exam: {label}", coding(CHAIR_SYSTEM, f"exam.{item.item_id}")),
        )
        finding = item.finding.value
        resource["valueCodeableConcept"] = concept(
            translate(f"chair.exam_finding.{finding}", "en"),
            coding(CHAIR_ANSWER_SYSTEM, f"exam.{finding}"),
        )
        if item.note.strip():
            resource["note"] = [{"text": item.note}]
        bundle.add(resource, RECORD_SYSTEM, f"{key}/exam/{item.item_id}")


def add_score(bundle: VisitBundle, key: str, score: DischargeScore, who: RecordContext) -> str:
    """The discharge score: its total, each item's points, and the clinic's threshold."""
    kind = score.instrument
    name = SCORE_NAMES[kind]
    resource = _observation(
        score, who, "survey", concept(name, coding(CHAIR_SYSTEM, f"score.{kind.value}"))
    )
    total = score_total(score)
    resource["valueInteger"] = total
    reached = "reaches" if total >= score.threshold else "is below"
    resource["interpretation"] = [
        concept(f"{total} of 10 {reached} the clinic's {score.threshold} for discharge")
    ]
    resource["referenceRange"] = [
        {"low": {"value": score.threshold}, "text": f"discharge at {score.threshold} or more"}
    ]
    resource["component"] = [
        {
            "code": concept(
                translate(item_label_key(kind, item.item_id), "en"),
                coding(CHAIR_SYSTEM, f"score.{kind.value}.{item.item_id}"),
            ),
            "valueInteger": item.points,
        }
        for item in score.items
    ]
    return bundle.add(resource, RECORD_SYSTEM, key)


def add_orientation(
    bundle: VisitBundle, key: str, check: OrientationCheck, who: RecordContext
) -> str:
    """Whether the patient's orientation is back to their baseline, and why not."""
    resource = _observation(
        check,
        who,
        "exam",
        concept("Orientation back to the patient's baseline", coding(CHAIR_SYSTEM, "orientation")),
    )
    resource["valueBoolean"] = check.at_baseline
    if check.detail.strip():
        resource["note"] = [{"text": check.detail}]
    return bundle.add(resource, RECORD_SYSTEM, key)
