"""The outbox table: each record's way to the clinic server (DESIGN section 4).

New records wait `queued` (drafts `draft`, never sent); a sender leases them `sending`; a failed
attempt requeues them with a retry time, a refusal about the record quarantines it, the
server's acknowledgement makes it `acked`, and the retention purge drops the payload (`purged`).
Raw SQL here: every move is a conditional UPDATE (only from the states it may leave), which
sqlite-utils' update by primary key cannot say, and the row of a new record is written on the
submit path (docs/store.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import sqlite_utils

from kiosk.intake.records import RecordKind
from kiosk.store.audit_log import AuditEvent, AuditLog
from kiosk.store.connection import StoreConnection
from kiosk.store.errors import StoreError
from kiosk.store.rows import OutboxItem, OutboxState
from kiosk.store.timestamps import utc_now, utc_text

# How long a record stays 'sending' before another attempt may pick it up (a crashed sender).
SENDING_LEASE = timedelta(minutes=2)
_ERROR_LIMIT = 2000


def enqueue(db: sqlite_utils.Database, record_id: str, kind: str, now: datetime) -> None:
    """A new record's outbox row, inside the caller's transaction: a draft waits as 'draft'
    (sealed to the staff key only, it is never sent), anything else is due at once."""
    is_draft = kind == RecordKind.DRAFT.value
    db.execute(
        "INSERT INTO outbox (record_id, state, attempts, updated_at, next_attempt_at)"
        " VALUES (?, ?, 0, ?, ?)",
        [
            record_id,
            (OutboxState.DRAFT if is_draft else OutboxState.QUEUED).value,
            utc_text(now),
            None if is_draft else utc_text(now),
        ],
    )


def purge(db: sqlite_utils.Database, record_id: str, now: datetime, state: OutboxState) -> bool:
    """Drop the payload and summary of a record in `state` (id and hash stay), inside the
    caller's transaction; False if the record is not in that state."""
    changed = db.execute(
        "UPDATE outbox SET state = 'purged', updated_at = ? WHERE record_id = ? AND state = ?",
        [utc_text(now), record_id, state.value],
    ).rowcount
    if changed:
        # The outbox row says 'purged' first: the records trigger allows nothing else.
        db.execute(
            "UPDATE records SET envelope = NULL, summary = NULL WHERE record_id = ?",
            [record_id],
        )
    return bool(changed)


class Outbox:
    """Moving records through their outbox states, each move audited where DESIGN says so."""

    def __init__(self, connection: StoreConnection, audit: AuditLog) -> None:
        self._connection = connection
        self._audit = audit

    def outbox_due(self, now: datetime, limit: int) -> list[OutboxItem]:
        """Queued records whose retry time has come, and 'sending' ones whose lease ran out."""
        rows = self._connection.read(
            "SELECT r.record_id, r.envelope, r.sha256, o.attempts FROM outbox o"
            " JOIN records r ON r.record_id = o.record_id"
            " WHERE o.state IN ('queued', 'sending') AND r.envelope IS NOT NULL"
            " AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= ?)"
            " ORDER BY r.created_at, r.record_id LIMIT ?",
            [utc_text(now), max(0, limit)],
        )
        return [
            OutboxItem(str(record_id), bytes(envelope), str(sha256), int(str(attempts)))
            for record_id, envelope, sha256, attempts in rows
            if isinstance(envelope, bytes)
        ]

    def mark_sending(self, ids: Sequence[str], now: datetime | None = None) -> None:
        """Lease records to one sender; a sender that dies frees them after SENDING_LEASE."""
        when = now or utc_now()
        with self._connection.write("mark records as sending") as db:
            for record_id in ids:
                db.execute(
                    "UPDATE outbox SET state = 'sending', next_attempt_at = ?, updated_at = ?"
                    " WHERE record_id = ? AND state IN ('queued', 'sending')",
                    [utc_text(when + SENDING_LEASE), utc_text(when), record_id],
                )

    def mark_acked(self, ids: Sequence[str], at: datetime, actor: str = "sync") -> None:
        """The server durably holds these records: they may be purged after retention."""
        with self._connection.write("mark records as acknowledged") as db:
            events: list[AuditEvent] = []
            for record_id in ids:
                changed = db.execute(
                    "UPDATE outbox SET state = 'acked', acked_at = ?, updated_at = ?,"
                    " last_error = NULL, next_attempt_at = NULL"
                    " WHERE record_id = ? AND state IN ('queued', 'sending', 'quarantined')",
                    [utc_text(at), utc_text(at), record_id],
                ).rowcount
                if changed:
                    events.append((actor, "record.acked", record_id, ""))
            self._audit.add(db, events, at)

    def mark_failed(
        self,
        ids: Sequence[str],
        error: str,
        next_attempt_at: datetime,
        actor: str = "sync",
    ) -> None:
        """A delivery attempt failed for a reason not about the records: retry them later."""
        reason = _bounded(error)
        now = utc_now()
        with self._connection.write("mark records as failed") as db:
            changed = 0
            for record_id in ids:
                changed += db.execute(
                    "UPDATE outbox SET state = 'queued', attempts = attempts + 1,"
                    " last_error = ?, next_attempt_at = ?, updated_at = ?"
                    " WHERE record_id = ? AND state IN ('queued', 'sending')",
                    [reason, utc_text(next_attempt_at), utc_text(now), record_id],
                ).rowcount
            if changed:
                # One entry per failed attempt, not per record: a long outage must not flood it.
                detail = f"{changed} records, retry at {utc_text(next_attempt_at)}: {reason}"
                self._audit.add(db, [(actor, "sync.failed", None, detail)], now)

    def mark_quarantined(self, record_id: str, reason: str, actor: str = "sync") -> None:
        """The server refused this record for a reason about it: hold it for IT."""
        text = _bounded(reason)
        now = utc_now()
        with self._connection.write(f"quarantine record {record_id}") as db:
            changed = db.execute(
                "UPDATE outbox SET state = 'quarantined', attempts = attempts + 1,"
                " last_error = ?, next_attempt_at = NULL, updated_at = ?"
                " WHERE record_id = ? AND state IN ('queued', 'sending')",
                [text, utc_text(now), record_id],
            ).rowcount
            if changed:
                self._audit.add(db, [(actor, "record.quarantined", record_id, text)], now)

    def requeue(self, record_id: str, actor: str = "it") -> None:
        """IT sends a quarantined record again."""
        now = utc_now()
        with self._connection.write(f"requeue record {record_id}") as db:
            changed = db.execute(
                "UPDATE outbox SET state = 'queued', next_attempt_at = ?, updated_at = ?"
                " WHERE record_id = ? AND state = 'quarantined'",
                [utc_text(now), utc_text(now), record_id],
            ).rowcount
            if not changed:
                raise StoreError(f"record {record_id} is not in quarantine")
            self._audit.add(db, [(actor, "record.requeued", record_id, "")], now)

    def purge_acked(
        self,
        older_than: datetime,
        actor: str = "retention",
        *,
        drafts_older_than: datetime | None = None,
    ) -> int:
        """The retention purge: drop payloads acknowledged before `older_than`, and drafts (an
        abandoned check-in, never sent) saved before `drafts_older_than` (default: the same
        time), keeping id, hash and state. Returns how many payloads were dropped."""
        now = utc_now()
        draft_limit = older_than if drafts_older_than is None else drafts_older_than
        with self._connection.write("purge delivered payloads") as db:
            stale_drafts = [
                str(row[0])
                for row in db.execute(
                    "SELECT o.record_id FROM outbox o JOIN records r ON r.record_id = o.record_id"
                    " WHERE o.state = 'draft' AND r.created_at < ?",
                    [utc_text(draft_limit)],
                ).fetchall()
            ]
            for record_id in stale_drafts:
                purge(db, record_id, now, OutboxState.DRAFT)
            due = [
                str(row[0])
                for row in db.execute(
                    "SELECT record_id FROM outbox WHERE state = 'acked' AND acked_at < ?",
                    [utc_text(older_than)],
                ).fetchall()
            ]
            for record_id in due:
                purge(db, record_id, now, OutboxState.ACKED)
            events: list[AuditEvent] = [
                (actor, "record.purged", record_id, "") for record_id in due
            ]
            events += [(actor, "draft.purged", record_id, "expired") for record_id in stale_drafts]
            self._audit.add(db, events, now)
        return len(due) + len(stale_drafts)

    def counts_by_state(self) -> dict[str, int]:
        """How many records are in each outbox state (every state present, zeros included)."""
        counts = {state.value: 0 for state in OutboxState}
        for state, count in self._connection.read(
            "SELECT state, count(*) FROM outbox GROUP BY state"
        ):
            counts[str(state)] = int(str(count))
        return counts


def _bounded(text: str) -> str:
    """Server reasons are kept, but never unbounded in size."""
    return text if len(text) <= _ERROR_LIMIT else text[:_ERROR_LIMIT] + "..."
