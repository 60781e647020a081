"""The patient side of the kiosk: seal and store a draft, a check-in or a declined consent.

It holds public keys and the device signing key only: it writes records it cannot read back,
so a memory dump after submit reveals no earlier patient.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.desk.data_folder import DataFolder
from kiosk.desk.errors import KioskError
from kiosk.desk.flagging import screened
from kiosk.desk.record_writing import EncodedRecord, RecordWriter
from kiosk.intake.records import CheckIn, ConsentDeclined, Draft, Flag
from kiosk.intake.validation import Invalid, validate_signature


@dataclass(frozen=True)
class SubmittedCheckIn:
    """A check-in durably stored: its record id and the flags it raised for the nurse."""

    record_id: str
    flags: tuple[Flag, ...]


class PatientDesk:
    """What the patient screens may do: seal and store. Holds public keys and the device key."""

    __slots__ = ("_config", "_open_drafts", "_writer")

    def __init__(self, kiosk: DataFolder) -> None:
        self._writer = RecordWriter(kiosk)
        self._config = kiosk.config
        # Random check-in id -> its latest draft id (ids only): the draft a submit finishes.
        self._open_drafts: dict[str, str] = {}

    def save_draft(self, draft: Draft, supersedes: str | None = None) -> str:
        """Seal an interrupted check-in to the staff key only, so a nurse can resume it; it
        stays on the kiosk (never sent) and the draft it supersedes is purged."""
        payload = EncodedRecord.of(draft)
        digest, _ = screened(draft, self._config)
        record_id = self._writer.write(
            payload, digest, supersedes, to_clinic=False, action="draft.saved", actor="patient"
        )
        self._open_drafts[draft.patient_id] = record_id
        return record_id

    def submit_checkin(self, checkin: CheckIn, supersedes: str | None = None) -> SubmittedCheckIn:
        """Validate, screen, seal to the clinic and staff keys, sign, commit durably; the
        patient's draft from this desk is purged in the same commit."""
        payload = EncodedRecord.of(checkin)
        if not checkin.consent.accepted:
            raise KioskError("consent: a check-in needs accepted consent; record a decline instead")
        signature = validate_signature(checkin.consent.typed_name, checkin.identity.legal_name)
        if isinstance(signature, Invalid):
            raise KioskError(f"consent.typed_name: {signature.problem.code}")
        digest, flags = screened(checkin, self._config)
        action = "checkin.corrected" if supersedes else "checkin.submitted"
        record_id = self._writer.write(
            payload,
            digest,
            supersedes,
            to_clinic=True,
            action=action,
            actor="patient",
            finishes_draft=self._open_drafts.get(checkin.patient_id),
        )
        self._open_drafts.pop(checkin.patient_id, None)
        return SubmittedCheckIn(record_id, flags)

    def record_consent_declined(
        self, declined: ConsentDeclined, supersedes: str | None = None
    ) -> str:
        """The patient declined consent: recorded, the check-in ends and its draft is purged."""
        payload = EncodedRecord.of(declined)
        digest, _ = screened(declined, self._config)
        record_id = self._writer.write(
            payload,
            digest,
            supersedes,
            to_clinic=True,
            action="consent.declined",
            actor="patient",
            finishes_draft=self._open_drafts.get(declined.patient_id),
        )
        self._open_drafts.pop(declined.patient_id, None)
        return record_id
