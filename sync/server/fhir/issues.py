"""The flags the nurse saw, the STOP overrides and the nurse's decision.

Every flag is a DetectedIssue: it has a severity (STOP high, CAUTION moderate, INFO low), the
reason as its detail, the answer that raised it as evidence (the words, and a reference to the
resource holding that answer), the visit as the implicated activity, and, for a STOP a named
clinician cleared, that override as a mitigation (who, when, why). An urgent flag (PHQ-9 item 9
above 0) is tagged `urn:clinic-kiosk:priority|urgent` and also raised as an active Flag, the
resource EHRs show as a banner and alert on. The decision (cleared / hold with its reason) is a
ClinicalImpression by the nurse, pointing at the flags and vitals it was made on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.intake.records import DecisionOutcome, Flag, NurseDecision, Severity, StopOverride
from sync.server.fhir.bundle import (
    FLAG_SYSTEM,
    PRIORITY_SYSTEM,
    RECORD_SYSTEM,
    VisitBundle,
    coding,
    concept,
    reference,
    status_concept,
    when,
)
from sync.server.fhir.patient import normalized_name

CLINICIAN_SYSTEM = "urn:clinic-kiosk:clinician"
_SEVERITY = {Severity.STOP: "high", Severity.CAUTION: "moderate", Severity.INFO: "low"}
URGENT_TAG = {"system": PRIORITY_SYSTEM, "code": "urgent"}


@dataclass(frozen=True)
class Override:
    """A StopOverride and its record id."""

    record_id: str
    override: StopOverride


def flag_key(flag: Flag) -> str:
    """A stable id for one flag of a visit: its code and the answer that raised it."""
    return f"{flag.code}/{hashlib.sha256(flag.answer.encode()).hexdigest()[:16]}"


def add_clinician(bundle: VisitBundle, name: str) -> str:
    """The clinician an override names: one Practitioner per name, however it is typed."""
    key = hashlib.sha256(normalized_name(name).encode()).hexdigest()
    return bundle.add(
        {"resourceType": "Practitioner", "name": [{"text": name}]}, CLINICIAN_SYSTEM, key
    )


def add_flags(
    bundle: VisitBundle,
    visit_id: str,
    flags: Sequence[tuple[Flag, datetime, str | None]],
    overrides: Sequence[Override],
    patient: str,
    encounter: str,
    kiosk: str,
) -> dict[str, str]:
    """A DetectedIssue per (flag, when raised, resource holding the answer); references by key."""
    found = {}
    for flag, raised_at, evidence in flags:
        key = flag_key(flag)
        evidence_entry: dict[str, Any] = {"code": [{"text": f"Answer: {flag.answer}"}]}
        if evidence is not None:
            evidence_entry["detail"] = [reference(evidence)]
        issue: dict[str, Any] = {
            "resourceType": "DetectedIssue",
            "status": "final",
            "code": concept(flag.reason, coding(FLAG_SYSTEM, flag.code)),
            "severity": _SEVERITY[flag.severity],
            "patient": reference(patient),
            "identifiedDateTime": when(raised_at),
            "author": reference(kiosk),
            "implicated": [reference(encounter)],
            "evidence": [evidence_entry],
            "detail": f"{flag.severity.value}: {flag.reason}",
        }
        if flag.answer.strip():
            issue["detail"] += f" Answer: {flag.answer}"
        mitigations = [
            _mitigation(bundle, item.override)
            for item in overrides
            if item.override.flag.code == flag.code and item.override.flag.answer == flag.answer
        ]
        if mitigations:
            issue["mitigation"] = mitigations
        if flag.urgent:
            issue["meta"] = {"tag": [URGENT_TAG]}
            _alert(bundle, visit_id, flag, raised_at, patient, encounter, kiosk)
        found[key] = bundle.add(issue, RECORD_SYSTEM, f"{visit_id}/flag/{key}")
    return found


def _mitigation(bundle: VisitBundle, override: StopOverride) -> dict[str, Any]:
    clinician = add_clinician(bundle, override.clinician_name)
    return {
        "action": concept(f"STOP overridden by {override.clinician_name}: {override.reason}"),
        "date": when(override.recorded_at),
        "author": reference(clinician),
    }


def _alert(
    bundle: VisitBundle,
    visit_id: str,
    flag: Flag,
    raised_at: datetime,
    patient: str,
    encounter: str,
    kiosk: str,
) -> None:
    bundle.add(
        {
            "resourceType": "Flag",
            "meta": {"tag": [URGENT_TAG]},
            "status": "active",
            "category": [status_concept("flag-category", "safety")],
            "code": concept(
                f"URGENT {flag.severity.value}: {flag.reason}", coding(FLAG_SYSTEM, flag.code)
            ),
            "subject": reference(patient),
            "period": {"start": when(raised_at)},
            "encounter": reference(encounter),
            "author": reference(kiosk),
        },
        RECORD_SYSTEM,
        f"{visit_id}/alert/{flag_key(flag)}",
    )


def add_decision(
    bundle: VisitBundle,
    record_id: str,
    decision: NurseDecision,
    patient: str,
    encounter: str,
    nurse: str,
    issues: Mapping[str, str],
    vitals: Sequence[str],
) -> str:
    """The nurse's decision as a completed ClinicalImpression."""
    if decision.outcome is DecisionOutcome.CLEARED:
        summary = "Cleared for the infusion."
    else:
        summary = "Hold: the infusion does not start."
    if decision.reason.strip():
        summary += f" Reason: {decision.reason}"
    seen = [issues[flag_key(flag)] for flag in decision.flags if flag_key(flag) in issues]
    resource: dict[str, Any] = {
        "resourceType": "ClinicalImpression",
        "status": "completed",
        "code": {"text": "Pre-infusion decision"},
        "description": decision.outcome.value,
        "subject": reference(patient),
        "encounter": reference(encounter),
        "effectiveDateTime": when(decision.decided_at),
        "date": when(decision.decided_at),
        "assessor": reference(nurse),
        "summary": summary,
    }
    supporting = [reference(url) for url in [*dict.fromkeys(seen), *dict.fromkeys(vitals)]]
    if supporting:
        resource["supportingInfo"] = supporting
    return bundle.add(resource, RECORD_SYSTEM, record_id)
