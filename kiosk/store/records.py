"""The records table: sealed records, append-only, with the staff-sealed summary of each.

A record is stored with its outbox row and its audit entry in one durable commit. Raw SQL here:
the store is on the submit path (sqlite-utils' insert costs ~70 µs a row against ~4 µs), and
its reads join the outbox or filter on optional arguments (docs/store.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from datetime import datetime
from typing import Protocol

import sqlite_utils

from kiosk.store import outbox
from kiosk.store.audit_log import AuditEvent, AuditLog
from kiosk.store.connection import StoreConnection
from kiosk.store.errors import StoreError
from kiosk.store.rows import OutboxState, RecordRow, RecordSummary
from kiosk.store.timestamps import parse_utc_text, utc_now, utc_text


class SealedRecordLike(Protocol):
    """What add_record needs from a sealed record (kiosk.vault SealedRecord fits)."""

    @property
    def record_id(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def supersedes(self) -> str | None: ...
    @property
    def envelope(self) -> bytes: ...
    @property
    def sha256(self) -> str: ...
    @property
    def device_id(self) -> str: ...


class Records:
    """Storing sealed records and reading their metadata, payloads and summaries."""

    def __init__(self, connection: StoreConnection, audit: AuditLog) -> None:
        self._connection = connection
        self._audit = audit

    def add_record(
        self,
        sealed: SealedRecordLike,
        *,
        actor: str,
        action: str,
        summary: bytes | None = None,
        finishes_draft: str | None = None,
    ) -> None:
        """Store a sealed record with its outbox row and audit entry, in one durable commit.

        A draft waits in state 'draft' and is never sent (it is sealed to the staff key only).
        The draft it supersedes, and `finishes_draft` (the draft a submitted check-in completes),
        are purged in the same commit: only a patient's latest unfinished draft keeps a payload.
        """
        envelope = bytes(sealed.envelope)
        if hashlib.sha256(envelope).hexdigest() != sealed.sha256:
            raise StoreError(f"record {sealed.record_id}: its sha256 does not match its envelope")
        now = utc_now()
        with self._connection.write(f"store record {sealed.record_id}") as db:
            if sealed.supersedes is not None and not _exists(db, sealed.supersedes):
                raise StoreError(
                    f"record {sealed.record_id} corrects {sealed.supersedes}, which is not here"
                )
            if _exists(db, sealed.record_id):
                raise StoreError(f"record {sealed.record_id} is already stored (append-only)")
            db.execute(
                "INSERT INTO records (record_id, kind, created_at, device_id, supersedes,"
                " envelope, sha256, size, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    sealed.record_id,
                    sealed.kind,
                    utc_text(sealed.created_at),
                    sealed.device_id,
                    sealed.supersedes,
                    envelope,
                    sealed.sha256,
                    len(envelope),
                    summary,
                ],
            )
            outbox.enqueue(db, sealed.record_id, sealed.kind, now)
            detail = f"kind={sealed.kind}" + (
                f" supersedes={sealed.supersedes}" if sealed.supersedes else ""
            )
            events: list[AuditEvent] = [(actor, action, sealed.record_id, detail)]
            ended = {sealed.supersedes: "superseded", finishes_draft: "check-in submitted"}
            for draft_id, reason in ended.items():
                if draft_id is not None and outbox.purge(db, draft_id, now, OutboxState.DRAFT):
                    events.append((actor, "draft.purged", draft_id, reason))
            self._audit.add(db, events, now)

    def get_envelope(self, record_id: str) -> bytes:
        rows = self._connection.read(
            "SELECT envelope FROM records WHERE record_id = ?", [record_id]
        )
        if not rows:
            raise StoreError(f"record {record_id} is not in this kiosk's database")
        envelope = rows[0][0]
        if not isinstance(envelope, bytes):
            raise StoreError(f"record {record_id} was delivered and its payload purged")
        return envelope

    def records(self, kind: str | None = None, since: datetime | None = None) -> list[RecordRow]:
        """Metadata and delivery state of records, oldest first; never the sealed bytes."""
        rows = self._connection.read(
            "SELECT r.record_id, r.kind, r.created_at, r.device_id, r.supersedes, r.sha256,"
            " r.size, o.state, o.attempts, o.last_error, r.envelope IS NOT NULL"
            " FROM records r JOIN outbox o ON o.record_id = r.record_id"
            " WHERE (? IS NULL OR r.kind = ?) AND (? IS NULL OR r.created_at >= ?)"
            " ORDER BY r.created_at, r.record_id",
            _filters(kind, since),
        )
        return [
            RecordRow(
                record_id=str(record_id),
                kind=str(row_kind),
                created_at=parse_utc_text(str(created_at)),
                device_id=str(device),
                supersedes=None if supersedes is None else str(supersedes),
                sha256=str(sha256),
                size=int(str(size)),
                state=OutboxState(str(state)),
                attempts=int(str(attempts)),
                last_error=None if last_error is None else str(last_error),
                has_payload=bool(has_payload),
            )
            for (
                record_id,
                row_kind,
                created_at,
                device,
                supersedes,
                sha256,
                size,
                state,
                attempts,
                last_error,
                has_payload,
            ) in rows
        ]

    def summaries(
        self, kind: str | None = None, since: datetime | None = None
    ) -> list[RecordSummary]:
        """The staff-sealed summaries of records that still have one, oldest first."""
        return self._summary_rows("summary IS NOT NULL", kind, since)

    def records_without_summary(self, since: datetime | None = None) -> list[RecordSummary]:
        """Records stored with a payload but no summary (written before schema version 2)."""
        return self._summary_rows("summary IS NULL AND envelope IS NOT NULL", None, since)

    def record_ids(
        self, kinds: Collection[str], since: datetime, after: int = 0
    ) -> tuple[list[str], int]:
        """The ids of records of these kinds stored since `since` that still hold their payload,
        oldest first, and a mark: passed back as `after`, only records stored after these are
        given (records are only ever appended, so their row numbers only grow). The chair board
        asks every second, and a nurse's every entry asks first, so the day's thousand entries
        are listed once, not on every ask."""
        wanted = sorted(kinds)
        marks = ", ".join("?" for _ in wanted)
        rows = self._connection.read(
            f"SELECT rowid, record_id FROM records WHERE kind IN ({marks}) AND created_at >= ?"
            " AND rowid > ? AND envelope IS NOT NULL ORDER BY created_at, record_id",
            [*wanted, utc_text(since), after],
        )
        mark = max((int(str(row_number)) for row_number, _ in rows), default=after)
        return [str(record_id) for _, record_id in rows], mark

    def _summary_rows(
        self, condition: str, kind: str | None, since: datetime | None
    ) -> list[RecordSummary]:
        """Records meeting a fixed SQL condition (and the kind and day asked for), oldest first,
        with their summaries (empty where there is none)."""
        rows = self._connection.read(
            "SELECT record_id, kind, created_at, supersedes, summary FROM records"
            f" WHERE {condition} AND (? IS NULL OR kind = ?)"
            " AND (? IS NULL OR created_at >= ?) ORDER BY created_at, record_id",
            _filters(kind, since),
        )
        return [
            RecordSummary(
                record_id=str(record_id),
                kind=str(row_kind),
                created_at=parse_utc_text(str(created_at)),
                supersedes=None if supersedes is None else str(supersedes),
                summary=bytes(summary) if isinstance(summary, bytes) else b"",
            )
            for record_id, row_kind, created_at, supersedes, summary in rows
        ]


def _exists(db: sqlite_utils.Database, record_id: str) -> bool:
    found = db.execute("SELECT 1 FROM records WHERE record_id = ?", [record_id]).fetchone()
    return found is not None


def _filters(kind: str | None, since: datetime | None) -> list[object]:
    since_text = None if since is None else utc_text(since)
    return [kind, kind, since_text, since_text]
