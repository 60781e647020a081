"""The nurse's table of today's check-ins, built from small per-record digests.

Each record is stored with a `RecordDigest` (name, date of birth, highest flag, ...) sealed to the
staff key only, so the table for a whole day opens without opening 1,000 full records. This
module holds the digest's exact JSON and how digests become table rows; sealing is the vault's.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from kiosk.intake.records import DecisionOutcome, RecordKind, Severity
from kiosk.intake.rules import most_severe
from kiosk.store.errors import StoreError

SUMMARY_KIND = "summary"
_FIELDS = (
    "kind",
    "patient_id",
    "legal_name",
    "preferred_name",
    "date_of_birth",
    "step",
    "checkin_id",
    "highest",
    "urgent",
    "flag_codes",
)
#: Written only by a nurse's decision, so every other digest keeps its earlier exact bytes.
_OUTCOME = "outcome"


@dataclass(frozen=True)
class RecordDigest:
    """What the nurse's table needs to know about one record, and nothing more."""

    kind: RecordKind
    patient_id: str | None = None
    legal_name: str | None = None
    preferred_name: str | None = None
    date_of_birth: date | None = None
    step: str | None = None
    checkin_id: str | None = None
    highest: Severity | None = None
    urgent: bool = False
    flag_codes: tuple[str, ...] = ()
    #: A nurse's decision: cleared or hold.
    outcome: DecisionOutcome | None = None

    def to_bytes(self) -> bytes:
        body = {
            "kind": self.kind.value,
            "patient_id": self.patient_id,
            "legal_name": self.legal_name,
            "preferred_name": self.preferred_name,
            "date_of_birth": None if self.date_of_birth is None else self.date_of_birth.isoformat(),
            "step": self.step,
            "checkin_id": self.checkin_id,
            "highest": None if self.highest is None else self.highest.value,
            "urgent": self.urgent,
            "flag_codes": list(self.flag_codes),
        }
        if self.outcome is not None:
            body[_OUTCOME] = self.outcome.value
        return json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> RecordDigest:
        """Strict parse of to_bytes output; StoreError naming the field otherwise."""
        try:
            body = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise StoreError("a record summary is not valid JSON") from None
        if not isinstance(body, dict) or set(body) - {_OUTCOME} != set(_FIELDS):
            raise StoreError("a record summary has unexpected fields")
        try:
            return cls(
                kind=RecordKind(body["kind"]),
                patient_id=_text(body, "patient_id"),
                legal_name=_text(body, "legal_name"),
                preferred_name=_text(body, "preferred_name"),
                date_of_birth=_date(body["date_of_birth"]),
                step=_text(body, "step"),
                checkin_id=_text(body, "checkin_id"),
                highest=None if body["highest"] is None else Severity(body["highest"]),
                urgent=body["urgent"] is True,
                flag_codes=tuple(_codes(body["flag_codes"])),
                outcome=None if body.get(_OUTCOME) is None else DecisionOutcome(body[_OUTCOME]),
            )
        except ValueError as error:
            raise StoreError(f"a record summary has a bad value ({error})") from None


def _text(body: dict[str, Any], key: str) -> str | None:
    value = body[key]
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{key} is not text")
    return value


def _date(value: object) -> date | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("date_of_birth is not text")
    return date.fromisoformat(value)


def _codes(value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValueError("flag_codes is not a list of text")
    return list(value)


@dataclass(frozen=True)
class CheckInSummary:
    """One row of the nurse's table: a submitted check-in, or an interrupted one (a draft)."""

    record_id: str
    kind: RecordKind
    arrived_at: datetime
    patient_id: str | None
    name: str
    preferred_name: str | None
    date_of_birth: date | None
    highest: Severity | None
    urgent: bool
    flag_codes: tuple[str, ...]
    step: str | None
    consent_declined: bool
    vitals_done: bool
    vitals_record_id: str | None
    #: The highest flag of the latest vitals alone (`highest` is the check-in's and theirs).
    vitals_highest: Severity | None
    #: The nurse's latest decision (cleared / hold) on this check-in, if any.
    decision_record_id: str | None = None
    decision_outcome: DecisionOutcome | None = None
    #: The clinicians' overrides of this check-in's STOP flags, oldest first.
    override_record_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class DigestRow:
    """A digest opened from the store, with the record metadata it belongs to."""

    record_id: str
    created_at: datetime
    supersedes: str | None
    digest: RecordDigest


def build_table(rows: Sequence[DigestRow]) -> list[CheckInSummary]:
    """Current check-ins and unfinished drafts, with their vitals, the nurse's latest decision
    and the clinicians' overrides; urgent and STOP first."""
    superseded = {row.supersedes for row in rows if row.supersedes}
    current = [row for row in rows if row.record_id not in superseded]
    submitted_patients = {
        row.digest.patient_id for row in current if row.digest.kind is RecordKind.CHECKIN
    }
    declined_patients = {
        row.digest.patient_id for row in current if row.digest.kind is RecordKind.CONSENT_DECLINED
    }
    lineage = _lineage(rows)
    nurse_records: dict[RecordKind, dict[str, list[DigestRow]]] = {
        kind: {}
        for kind in (RecordKind.VITALS, RecordKind.NURSE_DECISION, RecordKind.STOP_OVERRIDE)
    }
    for row in sorted(current, key=lambda row: row.created_at):
        by_checkin = nurse_records.get(row.digest.kind)
        if by_checkin is not None and row.digest.checkin_id:
            by_checkin.setdefault(row.digest.checkin_id, []).append(row)
    table = []
    for row in current:
        kind = row.digest.kind
        if kind is RecordKind.DRAFT and row.digest.patient_id in submitted_patients:
            continue  # the patient finished: the check-in row stands for them
        if kind not in (RecordKind.CHECKIN, RecordKind.DRAFT):
            continue
        versions = lineage.get(row.record_id, [row.record_id])
        overrides = nurse_records[RecordKind.STOP_OVERRIDE]
        summary = _summary(
            row,
            _latest(nurse_records[RecordKind.VITALS], versions),
            row.digest.patient_id in declined_patients,
        )
        decision = _latest(nurse_records[RecordKind.NURSE_DECISION], versions)
        table.append(
            replace(
                summary,
                decision_record_id=None if decision is None else decision.record_id,
                decision_outcome=None if decision is None else decision.digest.outcome,
                # Why: the current version only; a corrected check-in is reviewed again.
                override_record_ids=tuple(o.record_id for o in overrides.get(row.record_id, [])),
            )
        )
    return sorted(table, key=_urgency)


def _latest(by_checkin: dict[str, list[DigestRow]], versions: list[str]) -> DigestRow | None:
    """The newest record on the newest version of the check-in that has one."""
    return next((by_checkin[i][-1] for i in versions if i in by_checkin), None)


def _lineage(rows: Iterable[DigestRow]) -> dict[str, list[str]]:
    """For each record, itself and every earlier record it corrects (newest first)."""
    parent = {row.record_id: row.supersedes for row in rows}
    chains: dict[str, list[str]] = {}
    for record_id in parent:
        chain: list[str] = []
        seen: set[str] = set()
        cursor: str | None = record_id
        while cursor is not None and cursor not in seen:
            chain.append(cursor)
            seen.add(cursor)
            cursor = parent.get(cursor)
        chains[record_id] = chain
    return chains


def _summary(row: DigestRow, vitals: DigestRow | None, declined: bool) -> CheckInSummary:
    """One row; its flag is the check-in's and its latest vitals' together, as the check-in page
    and the sign-off show them (kiosk.intake.rules.open_flags), so a STOP the vitals raise sorts
    the row up."""
    digest = row.digest
    measured = RecordDigest(RecordKind.VITALS) if vitals is None else vitals.digest
    return CheckInSummary(
        record_id=row.record_id,
        kind=digest.kind,
        arrived_at=row.created_at,
        patient_id=digest.patient_id,
        name=digest.legal_name or "(name not given yet)",
        preferred_name=digest.preferred_name,
        date_of_birth=digest.date_of_birth,
        highest=most_severe((digest.highest, measured.highest)),
        urgent=digest.urgent or measured.urgent,
        flag_codes=digest.flag_codes + measured.flag_codes,
        step=digest.step,
        consent_declined=declined,
        vitals_done=vitals is not None,
        vitals_record_id=None if vitals is None else vitals.record_id,
        vitals_highest=None if vitals is None else vitals.digest.highest,
    )


def _urgency(summary: CheckInSummary) -> tuple[bool, int, datetime]:
    rank = 3 if summary.highest is None else summary.highest.rank
    return (not summary.urgent, rank, summary.arrived_at)
