"""An unlocked staff member: the only holder of the staff private key, until `lock()`.

A nurse's session opens records (each opening audited), reads today's list from the
staff-sealed digests, and seals the nurse's own records: vitals, a clinician's override of a
STOP flag, and the decision. An IT session holds no staff key and opens nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from kiosk.desk.data_folder import DataFolder
from kiosk.desk.errors import KioskError
from kiosk.desk.flagging import OpenedRecord, screened
from kiosk.desk.record_writing import EncodedRecord, RecordWriter
from kiosk.intake.chair.log import ChairEntry
from kiosk.intake.chair.records import CHAIR_RECORD_KINDS
from kiosk.intake.codec import PayloadError, Record, from_payload, kind_of
from kiosk.intake.records import (
    DecisionOutcome,
    Flag,
    NurseDecision,
    RecordKind,
    Severity,
    StopOverride,
    Vitals,
)
from kiosk.intake.validation import (
    Invalid,
    Validation,
    validate_detail,
    validate_diastolic,
    validate_person_name,
)
from kiosk.locale import translate
from kiosk.store import StoreError
from kiosk.store.nurse_table import SUMMARY_KIND, CheckInSummary, DigestRow, RecordDigest
from kiosk.store.nurse_table import build_table as _build_table
from kiosk.vault import EnvelopeError, RecipientPrivateKey, open_envelope
from kiosk.vault.summary_chain import SummaryError, SummaryReader

#: The records a staff session writes (the nurse's own).
NurseRecord = Vitals | NurseDecision | StopOverride
#: The kinds today's list shows; the chair's entries are the chair board's.
LISTED_KINDS = frozenset(kind.value for kind in RecordKind)
#: What a chair's log holds: its own entries and the clinicians' overrides for it.
CHAIR_RECORD_TYPES = (*CHAIR_RECORD_KINDS, StopOverride)


class StaffSession:
    """An unlocked staff member. The staff private key lives here only, until lock()."""

    def __init__(
        self,
        kiosk: DataFolder,
        staff_id: str,
        role: str,
        staff_key: RecipientPrivateKey | None,
    ) -> None:
        self.kiosk = kiosk
        self.staff_id = staff_id
        self.role = role
        self._staff_key = staff_key

    @property
    def locked(self) -> bool:
        return self._staff_key is None

    @property
    def can_read_records(self) -> bool:
        return self._staff_key is not None

    def lock(self) -> None:
        """Drop the staff key: nothing in this session can open a record afterwards."""
        self._staff_key = None

    def _key(self) -> RecipientPrivateKey:
        if self._staff_key is None:
            if self.role == "it":
                raise KioskError("IT credentials cannot open patient records")
            raise KioskError(
                f"{self.staff_id}: this session is locked or its access is still pending "
                "(another nurse must unlock once first)"
            )
        return self._staff_key

    def staff_key_for_enrolment(self) -> RecipientPrivateKey:
        """The staff key, to wrap into a new nurse's slot while this nurse is present."""
        return self._key()

    def open_record(self, record_id: str) -> OpenedRecord:
        """Open one stored record with the staff key, checking the device signature; audited."""
        record, kind = self._open(record_id)
        try:
            self.kiosk.store.append_audit(self.staff_id, "record.opened", record_id, kind)
        except StoreError as error:
            raise KioskError(f"record {record_id} not shown: {error}") from None
        return record

    def _open(self, record_id: str) -> tuple[OpenedRecord, str]:
        record, kind, _ = self._open_any(record_id)
        if not isinstance(record, OpenedRecord):
            raise KioskError(f"record {record_id}: stored under another id or kind")
        return record, kind

    def _open_any(self, record_id: str) -> tuple[Record, str, str | None]:
        """Any stored record opened: the record, its kind and the entry it supersedes (from the
        signed envelope)."""
        key = self._key()
        try:
            envelope = self.kiosk.store.get_envelope(record_id)
            opened = open_envelope(envelope, key, self.kiosk.device_verify_key)
            record = from_payload(opened.payload)
        except (StoreError, EnvelopeError, PayloadError) as error:
            raise KioskError(str(error)) from None
        if opened.record_id != record_id or opened.kind != kind_of(record):
            raise KioskError(f"record {record_id}: stored under another id or kind")
        return record, opened.kind, opened.supersedes

    def open_chair_entries(self, record_ids: Sequence[str]) -> list[ChairEntry]:
        """Open the chairs' records (their own entries and clinicians' overrides) with one audit
        entry for the lot, as the board reads them; a record that does not open is left out (IT
        sees it) and one that is no chair's is refused."""
        entries = []
        for record_id in record_ids:
            try:
                record, _, supersedes = self._open_any(record_id)
            except KioskError:
                continue
            if not isinstance(record, CHAIR_RECORD_TYPES):
                raise KioskError(f"record {record_id} is not a chair's entry")
            entries.append(ChairEntry(record_id, supersedes, record))
        if entries:
            try:
                self.kiosk.store.append_audit(
                    self.staff_id, "chair.log.opened", None, f"records={len(entries)}"
                )
            except StoreError as error:
                raise KioskError(f"the chairs not shown: {error}") from None
        return entries

    def todays_summaries(self, now: datetime | None = None) -> list[CheckInSummary]:
        """Today's check-ins and unfinished drafts, opened from their staff-sealed digests; a
        record stored before summaries existed (schema version 1) is opened whole instead."""
        key = self._key()
        store = self.kiosk.store
        since = self.kiosk.start_of_today(now)
        try:
            stored_rows = store.summaries(since=since)
            unsummarised = store.records_without_summary(since=since)
            chains = store.summary_chains(
                {chain for row in stored_rows if (chain := SummaryReader.chain_id_of(row.summary))}
            )
        except StoreError as error:
            raise KioskError(f"today's check-ins cannot be read: {error}") from None
        reader = SummaryReader(key, self.kiosk.device_verify_key, chains)
        rows = []
        for stored in stored_rows:
            try:
                plain = reader.open(stored.record_id, stored.summary, SUMMARY_KIND)
                digest = RecordDigest.from_bytes(plain)
            except (SummaryError, StoreError):
                continue  # a damaged digest hides one row; the full record is still there
            rows.append(DigestRow(stored.record_id, stored.created_at, stored.supersedes, digest))
        for stored in unsummarised:
            if stored.kind not in LISTED_KINDS:
                continue  # a chair's entry: the chair board reads those
            try:
                digest, _ = screened(self._open(stored.record_id)[0], self.kiosk.config)
            except KioskError:
                continue  # a record that does not open is IT's to see, not a table row
            rows.append(DigestRow(stored.record_id, stored.created_at, stored.supersedes, digest))
        return _build_table(rows)

    def record_vitals(
        self, vitals: Vitals, supersedes: str | None = None
    ) -> tuple[str, tuple[Flag, ...]]:
        """Screen and seal the nurse's vitals (to the clinic and staff keys)."""
        paired = validate_diastolic(vitals.diastolic_mmhg, vitals.systolic_mmhg)
        if isinstance(paired, Invalid):
            problem = paired.problem
            raise KioskError(f"vitals: {translate(problem.code, 'en', **problem.params)}")
        action = "vitals.corrected" if supersedes else "vitals.recorded"
        return self._write_own(vitals, vitals.nurse_id, action, supersedes)

    def record_override(self, override: StopOverride) -> str:
        """Seal a named clinician's override of one STOP flag, as its own record."""
        if override.flag.severity is not Severity.STOP:
            raise KioskError("override: only a STOP flag needs a clinician's override")
        _required_text(
            validate_person_name(override.clinician_name, "clinician_name"), "clinician name"
        )
        _required_text(validate_detail(override.reason, "override_reason"), "override reason")
        record_id, _ = self._write_own(override, override.nurse_id, "override.recorded", None)
        return record_id

    def record_decision(self, decision: NurseDecision, supersedes: str | None = None) -> str:
        """Seal the nurse's decision. A hold needs its reason; "cleared" is refused while a
        STOP flag among those seen has no clinician's override (of the ones named) for it."""
        if decision.outcome is DecisionOutcome.HOLD:
            _required_text(validate_detail(decision.reason, "hold_reason"), "hold reason")
        else:
            cleared = {
                override.flag.code
                for override in self._overrides(decision.overrides)
                if override.checkin_id == decision.checkin_id
            }
            for flag in decision.flags:
                if flag.severity is Severity.STOP and flag.code not in cleared:
                    raise KioskError(
                        f"decision: {flag.code} is a STOP; it needs a clinician's override first"
                    )
        action = f"decision.{decision.outcome.value}"
        record_id, _ = self._write_own(decision, decision.nurse_id, action, supersedes)
        return record_id

    def _overrides(self, record_ids: tuple[str, ...]) -> list[StopOverride]:
        overrides = []
        for record_id in record_ids:
            record, _ = self._open(record_id)
            if not isinstance(record, StopOverride):
                raise KioskError(f"decision: record {record_id} is not a clinician's override")
            overrides.append(record)
        return overrides

    def _write_own(
        self, record: NurseRecord, signer: str, action: str, supersedes: str | None
    ) -> tuple[str, tuple[Flag, ...]]:
        """Seal a record this nurse signs (to the clinic and staff keys), audited as `action`."""
        self._key()
        payload = EncodedRecord.of(record)
        if signer != self.staff_id:
            kind = payload.kind.replace("_", " ")
            raise KioskError(f"{kind}: signed by {self.staff_id}, not by {signer}")
        digest, flags = screened(record, self.kiosk.config)
        record_id = RecordWriter(self.kiosk).write(
            payload, digest, supersedes, to_clinic=True, action=action, actor=self.staff_id
        )
        return record_id, flags


def _required_text(checked: Validation[str], field_id: str) -> str:
    """The checked text, or KioskError naming the field (empty counts as missing)."""
    if isinstance(checked, Invalid):
        problem = checked.problem
        raise KioskError(f"{field_id}: {translate(problem.code, 'en', **problem.params)}")
    if not checked.value:
        raise KioskError(f"{field_id}: {translate('text.required', 'en')}")
    return checked.value
