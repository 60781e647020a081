"""The questionnaire scores the nurse sees, as survey Observations derived from the responses.

PHQ-9 total carries its LOINC code (44261-6) and the published band; the MIDAS score carries
its name and grade in words, with no code (none is shipped, none is invented).
"""

from __future__ import annotations

from typing import Any

from kiosk.intake.records import CheckIn
from kiosk.intake.scoring import midas_grade, midas_total, phq9_band, phq9_total
from sync.server.fhir.bundle import (
    LOINC,
    RECORD_SYSTEM,
    VisitBundle,
    coding,
    concept,
    reference,
    status_concept,
    when,
)


def add_scores(
    bundle: VisitBundle,
    record_id: str,
    checkin: CheckIn,
    patient: str,
    encounter: str,
    responses: dict[str, str],
) -> None:
    """The PHQ-9 total and the MIDAS score, each pointing at the response it was summed from."""
    phq9 = phq9_total(checkin.phq9)
    midas = midas_total(checkin.migraine.midas)
    for name, code, total, words in (
        (
            "phq9",
            concept("PHQ-9 total score", coding(LOINC, "44261-6", "PHQ-9 total score")),
            phq9,
            f"PHQ-9 band: {phq9_band(phq9).value.replace('_', ' ')}",
        ),
        (
            "midas",
            concept("MIDAS score (Stewart and Lipton): days lost in 3 months, items 1-5"),
            midas,
            f"MIDAS grade {midas_grade(midas).value}",
        ),
    ):
        resource: dict[str, Any] = {
            "resourceType": "Observation",
            "status": "final",
            "category": [status_concept("observation-category", "survey")],
            "code": code,
            "subject": reference(patient),
            "encounter": reference(encounter),
            "effectiveDateTime": when(checkin.submitted_at),
            "valueInteger": total,
            "interpretation": [{"text": words}],
            "derivedFrom": [reference(responses[name])],
        }
        bundle.add(resource, RECORD_SYSTEM, f"{record_id}/score/{name}")
