"""Writing a record: encode it exactly, seal it and its digest, store both in one commit.

Public keys only: a record goes to the clinic and staff keys (a draft to the staff key alone),
its digest for today's list onto the staff's summary chain, and the store commits both, with
the audit entry, in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.desk.data_folder import DataFolder
from kiosk.desk.errors import KioskError
from kiosk.desk.flagging import OpenedRecord
from kiosk.intake.chair.records import ChairLogRecord
from kiosk.intake.codec import SCHEMA_VERSION, PayloadError, kind_of, to_payload
from kiosk.store import StoreError
from kiosk.store.nurse_table import RecordDigest
from kiosk.vault import EnvelopeError, Sealer


@dataclass(frozen=True)
class EncodedRecord:
    """A record's kind and canonical payload (the codec checks every field's type as it goes,
    so the payload reads back as the very same record)."""

    kind: str
    data: bytes

    @classmethod
    def of(cls, record: OpenedRecord | ChairLogRecord) -> EncodedRecord:
        """Encode first, before any rule looks at it: a malformed record is refused here."""
        try:
            data = to_payload(record)
        except PayloadError as error:
            raise KioskError(f"{type(record).__name__}: {error}") from None
        except (AttributeError, TypeError, ValueError):
            raise KioskError(f"{type(record).__name__}: a field has the wrong type") from None
        return cls(kind_of(record), data)


class RecordWriter:
    """Seals a record and its digest and stores both in one transaction. Public keys only."""

    __slots__ = ("_record_sealer", "_staff_sealer", "_store", "_summaries")

    def __init__(self, kiosk: DataFolder) -> None:
        clinic_key = kiosk.clinic_public_key()
        staff_key = kiosk.staff_public_key
        self._staff_sealer = Sealer(kiosk.kiosk_id, kiosk.device_key, [staff_key])
        self._summaries = kiosk.summary_chain()
        # Before enrolment there is no clinic key: only drafts (staff key alone) can be written.
        self._record_sealer = (
            None
            if clinic_key is None
            else Sealer(kiosk.kiosk_id, kiosk.device_key, [clinic_key, staff_key])
        )
        self._store = kiosk.store

    def write(
        self,
        payload: EncodedRecord,
        digest: RecordDigest | None,
        supersedes: str | None,
        *,
        to_clinic: bool,
        action: str,
        actor: str,
        finishes_draft: str | None = None,
        record_id: str | None = None,
    ) -> str:
        """Encode exactly, seal the record and its digest, and store both in one commit (which
        also purges the draft it supersedes and `finishes_draft`). A record today's list does
        not show (a chair's entry) has no digest; `record_id` is given when a check needed it
        before sealing."""
        sealer = self._record_sealer if to_clinic else self._staff_sealer
        if sealer is None:
            raise KioskError(
                "this kiosk has no clinic key yet: enrol it with the clinic server first"
            )
        try:
            sealed = sealer.seal(
                payload.kind,
                payload.data,
                record_id=record_id,
                supersedes=supersedes,
                schema=SCHEMA_VERSION,
            )
            summary = (
                None
                if digest is None
                else self._summaries.seal(sealed.record_id, digest.to_bytes())
            )
            self._store.add_record(
                sealed, actor=actor, action=action, summary=summary, finishes_draft=finishes_draft
            )
        except (EnvelopeError, StoreError) as error:
            raise KioskError(str(error)) from None
        return sealed.record_id
