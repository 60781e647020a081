"""The resources a visit's infusion chair log becomes, in an order where each points back.

The order and the infusion come first (infusion.py: the MedicationRequest, the Procedure and a
MedicationAdministration per rate segment), then every other entry in force in the order it
happened (the exam, vitals, side effects, the discharge score, orientation, the escort, the
instructions and the discharge), each with its Provenance: who entered it, and when.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from kiosk.intake.chair.records import (
    ChairVitals,
    DischargeScore,
    DischargeSigned,
    EscortCheck,
    InstructionsAcknowledged,
    OrientationCheck,
    PhysicalExam,
    SideEffect,
)
from kiosk.intake.config import ClinicConfig
from kiosk.intake.records import StopOverride
from sync.server.fhir.bundle import RecordContext, VisitBundle
from sync.server.fhir.chair_log import ChairRecords
from sync.server.fhir.chair_observations import (
    add_chair_vitals,
    add_exam,
    add_orientation,
    add_score,
)
from sync.server.fhir.discharge import add_discharge, add_escort, add_instructions
from sync.server.fhir.infusion import RateFlag, add_infusion, add_side_effect
from sync.server.fhir.provenance import add_provenance


def add_chair(
    bundle: VisitBundle,
    visit_id: str,
    chair: ChairRecords,
    config: ClinicConfig,
    patient: str,
    encounter: str,
    kiosk: str,
    nurses: Mapping[str, str],
) -> tuple[RateFlag, ...]:
    """Every entry in force: the order and the infusion first (what the rest points at), then
    the others in the order they happened, each with its Provenance. Returns the rates outside
    the clinic's range, for the visit's flags."""

    def context(nurse_id: str) -> RecordContext:
        return RecordContext(patient, encounter, nurses[nurse_id])

    def provenance(record_id: str, first_entry: int, recorded: datetime, nurse_id: str) -> None:
        agents = [kiosk, nurses[nurse_id]]
        add_provenance(bundle, chair.key(record_id), first_entry, recorded, agents)

    infusion = add_infusion(bundle, visit_id, chair, config, context, provenance)
    latest: dict[type, str] = {}
    for entry in chair.in_force:
        record, key = entry.record, chair.key(entry.record_id)
        if isinstance(record, StopOverride):
            continue  # the visit's overrides: DetectedIssue mitigations (issues.py)
        start = len(bundle.entries)
        who = context(record.nurse_id)
        made: str | None = None
        if isinstance(record, PhysicalExam):
            add_exam(bundle, key, record, config, who)
        elif isinstance(record, ChairVitals):
            made = add_chair_vitals(bundle, key, record, config, who)
        elif isinstance(record, SideEffect):
            add_side_effect(bundle, key, record, config, who, infusion)
        elif isinstance(record, DischargeScore):
            made = add_score(bundle, key, record, who)
        elif isinstance(record, OrientationCheck):
            made = add_orientation(bundle, key, record, who)
        elif isinstance(record, EscortCheck):
            made = add_escort(bundle, key, record, who)
        elif isinstance(record, InstructionsAcknowledged):
            made = add_instructions(bundle, key, record, config, who)
        elif isinstance(record, DischargeSigned):
            add_discharge(bundle, key, record, who, chair.escort, list(latest.values()))
        else:
            continue  # the order and the pump's events: the infusion above
        if made is not None:
            latest[type(record)] = made
        provenance(entry.record_id, start, record.entered_at, record.nurse_id)
    return () if infusion is None else infusion.rate_flags
