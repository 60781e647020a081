"""The way home: the escort, the instructions the patient acknowledged, and the discharge.

- The escort check is an Observation (present or not) whose note names the escort and the
  driver the patient named at check-in, and whether the nurse confirmed a different person.
- The acknowledged instructions are a **Communication** to the patient: the exact text shown
  (from the published configuration or the defaults whose SHA-256 matches, else the digest
  alone) in the patient's language (`language`), received when acknowledged.
- The signed discharge is a completed **ClinicalImpression** by the nurse, pointing at the score,
  orientation, escort and instructions it was signed on; the visit's Encounter is then
  `finished`, its period ends at the discharge, and `hospitalization.dischargeDisposition` is
  home, with the escort in words (encounter_discharge).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from kiosk.intake.chair.discharge import escort_matches_driver
from kiosk.intake.chair.records import DischargeSigned, EscortCheck, InstructionsAcknowledged
from kiosk.intake.config import ClinicConfig, default_config
from sync.server.fhir.bundle import (
    CHAIR_SYSTEM,
    RECORD_SYSTEM,
    TERMINOLOGY,
    RecordContext,
    VisitBundle,
    coding,
    concept,
    reference,
    when,
)
from sync.server.fhir.chair_log import ChairRecords


def _escort_words(escort: EscortCheck | None) -> str:
    if escort is None:
        return "Home."
    return f"Home with an escort: {escort.escort_name}."


def add_escort(bundle: VisitBundle, key: str, escort: EscortCheck, who: RecordContext) -> str:
    """Whether the escort is present, with who it is and the driver named at check-in."""
    driver = escort.driver_named_at_checkin
    if not driver.strip():
        named = "No driver was named at check-in"
    elif escort_matches_driver(escort.escort_name, driver):
        named = f"The driver named at check-in: {driver} (the same person)"
    else:
        named = f"The driver named at check-in: {driver} (not the same person)"
    if escort.mismatch_confirmed:
        named += "; the nurse confirmed the escort"
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "code": concept("Escort home after the infusion", coding(CHAIR_SYSTEM, "escort")),
        "subject": reference(who.patient),
        "encounter": reference(who.encounter),
        "effectiveDateTime": when(escort.happened_at),
        "issued": when(escort.entered_at),
        "performer": [reference(who.nurse)],
        "valueBoolean": escort.present,
        "note": [{"text": f"Escort: {escort.escort_name}. {named}."}],
    }
    return bundle.add(resource, RECORD_SYSTEM, key)


def _instructions_text(config: ClinicConfig, shown: InstructionsAcknowledged) -> str | None:
    """The exact text the patient acknowledged, from a configuration whose text matches."""
    for settings in (config.chair, default_config().chair):
        if shown.language in settings.discharge_instructions:
            if settings.instructions_sha256(shown.language) == shown.text_sha256:
                return settings.discharge_instructions[shown.language]
    return None


def add_instructions(
    bundle: VisitBundle,
    key: str,
    shown: InstructionsAcknowledged,
    config: ClinicConfig,
    who: RecordContext,
) -> str:
    """The discharge instructions, as shown to the patient and acknowledged."""
    text = _instructions_text(config, shown)
    digest = f"text SHA-256 {shown.text_sha256}"
    resource: dict[str, Any] = {
        "resourceType": "Communication",
        "language": shown.language,
        "status": "completed",
        "topic": concept("Discharge instructions"),
        "subject": reference(who.patient),
        "encounter": reference(who.encounter),
        "received": when(shown.happened_at),
        "recipient": [reference(who.patient)],
        "sender": reference(who.nurse),
        "payload": [{"contentString": text or f"Discharge instructions ({digest})"}],
        "note": [{"text": f"Acknowledged by the patient on the kiosk ({digest})."}],
    }
    return bundle.add(resource, RECORD_SYSTEM, key)


def add_discharge(
    bundle: VisitBundle,
    key: str,
    signed: DischargeSigned,
    who: RecordContext,
    escort: EscortCheck | None,
    signed_on: Sequence[str],
) -> None:
    """The nurse's signed discharge, on the records it was signed on."""
    resource: dict[str, Any] = {
        "resourceType": "ClinicalImpression",
        "status": "completed",
        "code": {"text": "Discharge from the infusion chair"},
        "description": "discharged",
        "subject": reference(who.patient),
        "encounter": reference(who.encounter),
        "effectiveDateTime": when(signed.happened_at),
        "date": when(signed.entered_at),
        "assessor": reference(who.nurse),
        "summary": f"{_escort_words(escort)} Every discharge criterion held; signed with the"
        " nurse's PIN.",
    }
    if signed_on:
        resource["supportingInfo"] = [reference(url) for url in signed_on]
    bundle.add(resource, RECORD_SYSTEM, key)


def encounter_discharge(chair: ChairRecords) -> tuple[datetime, dict[str, Any]] | None:
    """When the visit ended and the Encounter's `hospitalization`, once the discharge is signed;
    else None."""
    if chair.discharged_at is None:
        return None
    disposition = concept(
        _escort_words(chair.escort),
        coding(f"{TERMINOLOGY}/discharge-disposition", "home", "Home"),
    )
    return chair.discharged_at, {"dischargeDisposition": disposition}
