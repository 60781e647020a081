"""The flags a record raises for the nurse, and the digest of it that today's list shows.

Every record is screened where it is written (the patient's check-in and draft, the nurse's
vitals) under the clinic's configuration; the digest carries the highest flag, whether any is
urgent, and the flag codes, so today's list reads the digest and never opens the record.
"""

from __future__ import annotations

from dataclasses import replace

from kiosk.intake.config import ClinicConfig
from kiosk.intake.records import (
    CheckIn,
    ConsentDeclined,
    Draft,
    Flag,
    Identity,
    NurseDecision,
    RecordKind,
    StopOverride,
    Vitals,
)
from kiosk.intake.rules import highest_severity, screen_checkin, screen_draft, screen_vitals
from kiosk.store.nurse_table import RecordDigest

#: Every record kind a nurse opens with the staff key.
OpenedRecord = CheckIn | Draft | ConsentDeclined | Vitals | NurseDecision | StopOverride


def screened(record: OpenedRecord, config: ClinicConfig) -> tuple[RecordDigest, tuple[Flag, ...]]:
    """A record's flags under `config`, and the digest the nurse's table shows for it."""
    if isinstance(record, Vitals):
        flags = screen_vitals(record, config)
        return _flagged(RecordDigest(RecordKind.VITALS, checkin_id=record.checkin_id), flags)
    if isinstance(record, NurseDecision):
        digest = RecordDigest(
            RecordKind.NURSE_DECISION, checkin_id=record.checkin_id, outcome=record.outcome
        )
        return digest, ()
    if isinstance(record, StopOverride):
        return RecordDigest(RecordKind.STOP_OVERRIDE, checkin_id=record.checkin_id), ()
    if isinstance(record, ConsentDeclined):
        return RecordDigest(RecordKind.CONSENT_DECLINED, patient_id=record.patient_id), ()
    if isinstance(record, CheckIn):
        identity: Identity | None = record.identity
        flags = screen_checkin(record, config)
        kind, step = RecordKind.CHECKIN, None
    else:
        identity = record.identity
        flags = screen_draft(record, config)
        kind, step = RecordKind.DRAFT, record.step
    digest = RecordDigest(
        kind=kind,
        patient_id=record.patient_id,
        legal_name=None if identity is None else identity.legal_name,
        preferred_name=None if identity is None else identity.preferred_name,
        date_of_birth=None if identity is None else identity.date_of_birth,
        step=step,
    )
    return _flagged(digest, flags)


def _flagged(
    digest: RecordDigest, flags: tuple[Flag, ...]
) -> tuple[RecordDigest, tuple[Flag, ...]]:
    """The digest carrying its flags' highest severity, urgency and codes."""
    flagged = replace(
        digest,
        highest=highest_severity(flags),
        urgent=any(flag.urgent for flag in flags),
        flag_codes=tuple(flag.code for flag in flags),
    )
    return flagged, flags
