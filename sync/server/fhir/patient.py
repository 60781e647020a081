"""Who the visit is about: one Patient across visits, and one Encounter per visit.

The kiosk gives every check-in its own patient id, so that id cannot tell a returning patient.
A Patient is matched instead on the legal name and birth date the patient typed: the name
NFKC-normalised, case-folded and with runs of spaces collapsed, then SHA-256 over
"v1|name|birth date". Two check-ins that agree on both are one Patient; two people who share
both become one Patient too (docs/fhir.md says what the clinic sees and does then).
"""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import datetime
from typing import Any

from kiosk.intake.records import CheckIn, Identity
from sync.server.fhir.bundle import (
    CHECKIN_SYSTEM,
    KIOSK_PATIENT_SYSTEM,
    PATIENT_MATCH_SYSTEM,
    VisitBundle,
    coding,
    reference,
    when,
)

_ACT_CODES = "http://terminology.hl7.org/CodeSystem/v3-ActCode"


def normalized_name(name: str) -> str:
    """A person's name as compared: NFKC, case-folded, runs of spaces as one."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def matching_key(identity: Identity) -> str:
    """The Patient identifier value: equal for the same legal name and birth date, however typed."""
    name = normalized_name(identity.legal_name)
    digest = hashlib.sha256(f"v1|{name}|{identity.date_of_birth.isoformat()}".encode())
    return f"v1-{digest.hexdigest()}"


def add_patient(bundle: VisitBundle, first_checkin: CheckIn) -> str:
    """The Patient as the first visit matched to it gave it (every visit writes the same)."""
    who = first_checkin.identity
    names: list[dict[str, Any]] = [{"use": "official", "text": who.legal_name}]
    if who.preferred_name.strip():
        names.append({"use": "usual", "text": who.preferred_name})
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "name": names,
        "birthDate": who.date_of_birth.isoformat(),
        "communication": [
            {
                "language": {"coding": [coding("urn:ietf:bcp:47", first_checkin.language)]},
                "preferred": True,
            }
        ],
    }
    if who.phone.strip():
        resource["telecom"] = [{"system": "phone", "value": who.phone, "use": "mobile"}]
    contact: dict[str, Any] = {}
    if who.emergency_contact_name.strip():
        contact["name"] = {"text": who.emergency_contact_name}
    if who.emergency_contact_phone.strip():
        contact["telecom"] = [{"system": "phone", "value": who.emergency_contact_phone}]
    if contact:
        contact["relationship"] = [
            {
                "coding": [
                    coding(
                        "http://terminology.hl7.org/CodeSystem/v2-0131", "C", "Emergency Contact"
                    )
                ]
            }
        ]
        resource["contact"] = [contact]
    return bundle.add(resource, PATIENT_MATCH_SYSTEM, matching_key(who))


def add_encounter(
    bundle: VisitBundle,
    checkin_record_id: str,
    checkin: CheckIn,
    patient: str,
    status: str,
    participants: list[str],
    discharge: tuple[datetime, dict[str, Any]] | None = None,
) -> str:
    """The visit: ambulatory, from the check-in's start; its status grows as the nurse acts.
    Once discharged from the chair (`discharge`: when, and the `hospitalization`), it ends."""
    period: dict[str, str] = {"start": when(checkin.started_at)}
    if discharge is not None:
        period["end"] = when(discharge[0])
    resource: dict[str, Any] = {
        "resourceType": "Encounter",
        "identifier": [{"system": KIOSK_PATIENT_SYSTEM, "value": checkin.patient_id}],
        "status": status,
        "class": coding(_ACT_CODES, "AMB", "ambulatory"),
        "type": [{"text": "Pre-infusion check-in for IV ketamine (chronic migraine)"}],
        "subject": reference(patient),
        "period": period,
    }
    if participants:
        resource["participant"] = [{"individual": reference(p)} for p in participants]
    if discharge is not None:
        resource["hospitalization"] = discharge[1]
    return bundle.add(resource, CHECKIN_SYSTEM, checkin_record_id)
