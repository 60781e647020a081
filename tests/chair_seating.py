"""Patients brought to the chair the way the kiosk does it, for the chair's desk and screen tests:
a check-in submitted at the kiosk, the nurse's vitals and a cleared decision, all sealed through
the real facade (fictional patients, no real PHI)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from kiosk.desk.facade import Kiosk
from kiosk.intake.records import DecisionOutcome, NurseDecision
from tests.examples import (
    example_checkin,
    example_checklist,
    example_consent,
    example_identity,
    example_vitals,
)

NURSE, NURSE_PIN = "N100", "246810"


@dataclass(frozen=True)
class SeatedPatient:
    """A cleared check-in: its record id (the chair's id) and its signed vitals' id."""

    checkin_id: str
    vitals_id: str
    weight_kg: float


def cleared_patient(
    kiosk: Kiosk,
    name: str = "Pat Chair",
    *,
    language: str = "en",
    driver: str = "Sam Example",
    weight_kg: float = 72.0,
    now: datetime | None = None,
) -> SeatedPatient:
    """A patient checked in, vitals signed and cleared for the infusion by the demo nurse."""
    now = now or datetime.now(UTC)
    checkin = example_checkin(
        patient_id=f"p-{name.lower().replace(' ', '-')}",
        language=language,
        submitted_at=now - timedelta(minutes=50),
        identity=example_identity(legal_name=name, preferred_name=name.split()[0]),
        consent=example_consent(typed_name=name),
        checklist=example_checklist(driver_name=driver),
    )
    checkin_id = kiosk.patient_desk().submit_checkin(checkin).record_id
    session = kiosk.unlock(NURSE, NURSE_PIN)
    try:
        vitals = example_vitals(
            checkin_id=checkin_id,
            nurse_id=NURSE,
            taken_at=now - timedelta(minutes=40),
            weight_kg=weight_kg,
        )
        vitals_id, _ = session.record_vitals(vitals)
        session.record_decision(
            NurseDecision(
                checkin_id=checkin_id,
                vitals_id=vitals_id,
                nurse_id=NURSE,
                decided_at=now - timedelta(minutes=35),
                outcome=DecisionOutcome.CLEARED,
                reason="",
                flags=(),
                overrides=(),
            )
        )
    finally:
        session.lock()
    return SeatedPatient(checkin_id, vitals_id, weight_kg)
