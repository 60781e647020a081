"""The kiosk's local database: sealed records, their outbox state, the audit chain, staff, settings.

Concurrency: one SQLite connection per KioskStore, usable from any thread
(`check_same_thread=False`) with every use serialised by a lock; other threads that want to work
in parallel (the sync worker) and other processes (the CLI, served sessions) open their own
KioskStore on the same file, and SQLite's WAL locking plus BEGIN IMMEDIATE keep them safe.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

import sqlite_utils

from kiosk.intake.records import AuditEntry, RecordKind
from kiosk.store.audit_chain import (
    GENESIS_HASH,
    HeadSigner,
    SignatureVerifier,
    check_chain,
    entry_hash,
    head_message,
)
from kiosk.store.connection import open_database
from kiosk.store.errors import DiskFull, StoreError
from kiosk.store.lockout import next_try_at
from kiosk.store.rows import (
    AuditCheck,
    OutboxItem,
    OutboxState,
    RecordRow,
    RecordSummary,
    StaffRow,
)
from kiosk.store.timestamps import parse_utc_text, utc_now, utc_text

# How long a record stays 'sending' before another attempt may pick it up (a crashed sender).
SENDING_LEASE = timedelta(minutes=2)
_ERROR_LIMIT = 2000
# The PIN pad's pace (kiosk/store/lockout.py): wrong PINs in a row at this kiosk, and when the
# next try may be made ("" for at once). Kept in the database, so a restart or a new browser
# tab does not start the count again.
_WRONG_PINS_IN_A_ROW = "unlock.wrong_pins_in_a_row"
_NEXT_UNLOCK_TRY = "unlock.next_try_at"
_DRAFT = RecordKind.DRAFT.value


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


class KioskStore:
    """The one way into the kiosk database. Open with KioskStore.open(path, signer=...)."""

    def __init__(self, db: sqlite_utils.Database, path: Path, signer: HeadSigner | None) -> None:
        self._db = db
        self._path = path
        self._signer = signer
        self._lock = threading.RLock()

    @classmethod
    def open(
        cls, path: Path, *, signer: HeadSigner | None = None, read_only: bool = False
    ) -> KioskStore:
        """Open or create the database; `signer` (the device key's sign) signs the audit head.
        `read_only` opens an existing one for reading alone (verifying writes nothing)."""
        return cls(open_database(Path(path), read_only=read_only), Path(path), signer)

    @property
    def path(self) -> Path:
        return self._path

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # ---- transactions -------------------------------------------------------------------

    @contextmanager
    def _write(self, what: str) -> Iterator[sqlite_utils.Database]:
        """One durable write transaction; any failure rolls everything in it back."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as error:
                raise self._refusal(what, error) from None
            try:
                yield self._db
                self._db.execute("COMMIT")
            except sqlite3.Error as error:
                self._rollback()
                raise self._refusal(what, error) from None
            except BaseException:
                self._rollback()
                raise

    def _refusal(self, what: str, error: sqlite3.Error) -> StoreError:
        """One line naming the file and the write; a full disk gets its own error and fix."""
        if getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
            return DiskFull(
                f"{self._path}: cannot {what}: the disk is full; free space, then try again"
            )
        return StoreError(f"{self._path}: cannot {what}: {error}")

    def _rollback(self) -> None:
        if self._db.conn.in_transaction:
            self._db.execute("ROLLBACK")

    def _read(self, sql: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]:
        with self._lock:
            try:
                return list(self._db.execute(sql, list(params)).fetchall())
            except sqlite3.Error as error:
                raise StoreError(f"{self._path}: cannot read: {error}") from None

    # ---- audit chain --------------------------------------------------------------------

    def _append_audit(
        self,
        db: sqlite_utils.Database,
        at: datetime,
        actor: str,
        action: str,
        record_id: str | None,
        detail: str,
    ) -> tuple[int, str]:
        """Add one chain link inside the caller's transaction; returns its seq and hash."""
        last = db.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
        seq, prev_hash = (1, GENESIS_HASH) if last is None else (int(last[0]) + 1, str(last[1]))
        at_text = utc_text(at)
        link_hash = entry_hash(seq, at_text, actor, action, record_id, detail, prev_hash)
        db.execute(
            "INSERT INTO audit (seq, at, actor, action, record_id, detail, prev_hash, hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [seq, at_text, actor, action, record_id, detail, prev_hash, link_hash],
        )
        return seq, link_hash

    def _sign_head(self, db: sqlite_utils.Database, seq: int, head_hash: str) -> None:
        if self._signer is None:
            # Without the device key an entry could be added but never vouched for.
            raise StoreError(f"{self._path}: this store was opened without the device key")
        signature = self._signer(head_message(seq, head_hash))
        db.execute(
            "INSERT INTO audit_head (id, seq, hash, signature) VALUES (1, ?, ?, ?)"
            " ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash,"
            " signature = excluded.signature",
            [seq, head_hash, signature],
        )

    def _audit(
        self,
        db: sqlite_utils.Database,
        events: Sequence[tuple[str, str, str | None, str]],
        at: datetime | None = None,
    ) -> None:
        """Append (actor, action, record_id, detail) events and sign the new head once."""
        if not events:
            return
        when = at or utc_now()
        head = (0, GENESIS_HASH)
        for actor, action, record_id, detail in events:
            head = self._append_audit(db, when, actor, action, record_id, detail)
        self._sign_head(db, *head)

    def append_audit(
        self, actor: str, action: str, record_id: str | None = None, detail: str = ""
    ) -> None:
        """Record a non-record event (an unlock attempt, a sync run). Never pass PHI in detail."""
        with self._write("append to the audit log") as db:
            self._audit(db, [(actor, action, record_id, detail)])

    def audit_entries(self, after_seq: int = 0) -> list[AuditEntry]:
        rows = self._read(
            "SELECT seq, at, actor, action, record_id, detail, prev_hash, hash FROM audit"
            " WHERE seq > ? ORDER BY seq",
            [after_seq],
        )
        return [
            AuditEntry(
                seq=int(str(seq)),
                at=parse_utc_text(str(at)),
                actor=str(actor),
                action=str(action),
                record_id=None if record_id is None else str(record_id),
                detail=str(detail),
                prev_hash=str(prev_hash),
                hash=str(link_hash),
            )
            for seq, at, actor, action, record_id, detail, prev_hash, link_hash in rows
        ]

    def verify_audit(self, verify_key: SignatureVerifier) -> AuditCheck:
        """Walk the whole chain and check the signed head; names the first broken seq."""
        rows = self._read(
            "SELECT seq, at, actor, action, record_id, detail, prev_hash, hash FROM audit"
            " ORDER BY seq"
        )
        heads = self._read("SELECT seq, hash, signature FROM audit_head WHERE id = 1")
        head = None
        if heads:
            seq, head_hash, signature = heads[0]
            if not isinstance(signature, bytes):
                return AuditCheck(False, 0, "the audit chain head is unreadable")
            head = (int(str(seq)), str(head_hash), signature)
        links = [
            (seq, at, actor, action, record_id, detail, prev_hash, link_hash)
            for seq, at, actor, action, record_id, detail, prev_hash, link_hash in rows
        ]
        return check_chain(links, head, verify_key)

    # ---- records ------------------------------------------------------------------------

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
        with self._write(f"store record {sealed.record_id}") as db:
            if sealed.supersedes is not None and not self._exists(db, sealed.supersedes):
                raise StoreError(
                    f"record {sealed.record_id} corrects {sealed.supersedes}, which is not here"
                )
            if self._exists(db, sealed.record_id):
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
            is_draft = sealed.kind == _DRAFT
            db.execute(
                "INSERT INTO outbox (record_id, state, attempts, updated_at, next_attempt_at)"
                " VALUES (?, ?, 0, ?, ?)",
                [
                    sealed.record_id,
                    (OutboxState.DRAFT if is_draft else OutboxState.QUEUED).value,
                    utc_text(now),
                    None if is_draft else utc_text(now),
                ],
            )
            detail = f"kind={sealed.kind}" + (
                f" supersedes={sealed.supersedes}" if sealed.supersedes else ""
            )
            events = [(actor, action, sealed.record_id, detail)]
            ended = {sealed.supersedes: "superseded", finishes_draft: "check-in submitted"}
            for draft_id, reason in ended.items():
                if draft_id is not None and self._purge(db, draft_id, now, OutboxState.DRAFT):
                    events.append((actor, "draft.purged", draft_id, reason))
            self._audit(db, events, now)

    @staticmethod
    def _purge(
        db: sqlite_utils.Database, record_id: str, now: datetime, state: OutboxState
    ) -> bool:
        """Drop the payload and summary of a record in `state` (id and hash stay); False if the
        record is not in that state."""
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

    @staticmethod
    def _exists(db: sqlite_utils.Database, record_id: str) -> bool:
        found = db.execute("SELECT 1 FROM records WHERE record_id = ?", [record_id]).fetchone()
        return found is not None

    def get_envelope(self, record_id: str) -> bytes:
        rows = self._read("SELECT envelope FROM records WHERE record_id = ?", [record_id])
        if not rows:
            raise StoreError(f"record {record_id} is not in this kiosk's database")
        envelope = rows[0][0]
        if not isinstance(envelope, bytes):
            raise StoreError(f"record {record_id} was delivered and its payload purged")
        return envelope

    def records(self, kind: str | None = None, since: datetime | None = None) -> list[RecordRow]:
        """Metadata and delivery state of records, oldest first; never the sealed bytes."""
        rows = self._read(
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

    def _summary_rows(
        self, condition: str, kind: str | None, since: datetime | None
    ) -> list[RecordSummary]:
        """Records meeting a fixed SQL condition (and the kind and day asked for), oldest first,
        with their summaries (empty where there is none)."""
        rows = self._read(
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

    def add_summary_chain(self, chain_id: str, created_at: datetime, envelope: bytes) -> None:
        """Keep a summary chain's staff-sealed key (vault.summary_chain) before its first use."""
        with self._write(f"store summary chain {chain_id}") as db:
            db.execute(
                "INSERT INTO summary_chains (chain_id, created_at, envelope) VALUES (?, ?, ?)",
                [chain_id, utc_text(created_at), bytes(envelope)],
            )

    def summary_chains(self, chain_ids: Collection[str]) -> dict[str, bytes]:
        """The sealed keys of the named summary chains that are here, by chain id."""
        wanted = sorted(set(chain_ids))
        found: dict[str, bytes] = {}
        # Why: SQLite caps bound parameters; a day holds few chains, so batches stay small.
        for start in range(0, len(wanted), 500):
            batch = wanted[start : start + 500]
            marks = ", ".join("?" * len(batch))
            for chain_id, envelope in self._read(
                f"SELECT chain_id, envelope FROM summary_chains WHERE chain_id IN ({marks})",
                batch,
            ):
                if isinstance(envelope, bytes):
                    found[str(chain_id)] = envelope
        return found

    # ---- outbox -------------------------------------------------------------------------

    def outbox_due(self, now: datetime, limit: int) -> list[OutboxItem]:
        """Queued records whose retry time has come, and 'sending' ones whose lease ran out."""
        rows = self._read(
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
        with self._write("mark records as sending") as db:
            for record_id in ids:
                db.execute(
                    "UPDATE outbox SET state = 'sending', next_attempt_at = ?, updated_at = ?"
                    " WHERE record_id = ? AND state IN ('queued', 'sending')",
                    [utc_text(when + SENDING_LEASE), utc_text(when), record_id],
                )

    def mark_acked(self, ids: Sequence[str], at: datetime, actor: str = "sync") -> None:
        """The server durably holds these records: they may be purged after retention."""
        with self._write("mark records as acknowledged") as db:
            events = []
            for record_id in ids:
                changed = db.execute(
                    "UPDATE outbox SET state = 'acked', acked_at = ?, updated_at = ?,"
                    " last_error = NULL, next_attempt_at = NULL"
                    " WHERE record_id = ? AND state IN ('queued', 'sending', 'quarantined')",
                    [utc_text(at), utc_text(at), record_id],
                ).rowcount
                if changed:
                    events.append((actor, "record.acked", record_id, ""))
            self._audit(db, events, at)

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
        with self._write("mark records as failed") as db:
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
                self._audit(db, [(actor, "sync.failed", None, detail)], now)

    def mark_quarantined(self, record_id: str, reason: str, actor: str = "sync") -> None:
        """The server refused this record for a reason about it: hold it for IT."""
        text = _bounded(reason)
        now = utc_now()
        with self._write(f"quarantine record {record_id}") as db:
            changed = db.execute(
                "UPDATE outbox SET state = 'quarantined', attempts = attempts + 1,"
                " last_error = ?, next_attempt_at = NULL, updated_at = ?"
                " WHERE record_id = ? AND state IN ('queued', 'sending')",
                [text, utc_text(now), record_id],
            ).rowcount
            if changed:
                self._audit(db, [(actor, "record.quarantined", record_id, text)], now)

    def requeue(self, record_id: str, actor: str = "it") -> None:
        """IT sends a quarantined record again."""
        now = utc_now()
        with self._write(f"requeue record {record_id}") as db:
            changed = db.execute(
                "UPDATE outbox SET state = 'queued', next_attempt_at = ?, updated_at = ?"
                " WHERE record_id = ? AND state = 'quarantined'",
                [utc_text(now), utc_text(now), record_id],
            ).rowcount
            if not changed:
                raise StoreError(f"record {record_id} is not in quarantine")
            self._audit(db, [(actor, "record.requeued", record_id, "")], now)

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
        with self._write("purge delivered payloads") as db:
            stale_drafts = [
                str(row[0])
                for row in db.execute(
                    "SELECT o.record_id FROM outbox o JOIN records r ON r.record_id = o.record_id"
                    " WHERE o.state = 'draft' AND r.created_at < ?",
                    [utc_text(draft_limit)],
                ).fetchall()
            ]
            for record_id in stale_drafts:
                self._purge(db, record_id, now, OutboxState.DRAFT)
            due = [
                str(row[0])
                for row in db.execute(
                    "SELECT record_id FROM outbox WHERE state = 'acked' AND acked_at < ?",
                    [utc_text(older_than)],
                ).fetchall()
            ]
            for record_id in due:
                self._purge(db, record_id, now, OutboxState.ACKED)
            events = [(actor, "record.purged", record_id, "") for record_id in due]
            events += [(actor, "draft.purged", record_id, "expired") for record_id in stale_drafts]
            self._audit(db, events, now)
        return len(due) + len(stale_drafts)

    def counts_by_state(self) -> dict[str, int]:
        """How many records are in each outbox state (every state present, zeros included)."""
        counts = {state.value: 0 for state in OutboxState}
        for state, count in self._read("SELECT state, count(*) FROM outbox GROUP BY state"):
            counts[str(state)] = int(str(count))
        return counts

    # ---- staff --------------------------------------------------------------------------

    def put_staff(
        self,
        staff_id: str,
        display_name: str,
        role: str,
        keyslot: bytes,
        *,
        actor: str,
    ) -> None:
        """Add a staff member, or replace their keyslot (PIN reset, slot upgrade)."""
        now = utc_now()
        with self._write(f"save staff member {staff_id}") as db:
            existing = db.execute("SELECT 1 FROM staff WHERE staff_id = ?", [staff_id]).fetchone()
            if existing is None:
                db.execute(
                    "INSERT INTO staff (staff_id, display_name, role, keyslot, created_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    [staff_id, display_name, role, keyslot, utc_text(now)],
                )
                action = "staff.added"
            else:
                db.execute(
                    "UPDATE staff SET display_name = ?, role = ?, keyslot = ? WHERE staff_id = ?",
                    [display_name, role, keyslot, staff_id],
                )
                action = "staff.updated"
            self._audit(db, [(actor, action, None, f"staff={staff_id} role={role}")], now)

    def get_staff(self, staff_id: str) -> StaffRow | None:
        rows = self._read(_STAFF_COLUMNS + " WHERE staff_id = ?", [staff_id])
        return _staff_row(rows[0]) if rows else None

    def list_staff(self) -> list[StaffRow]:
        return [_staff_row(row) for row in self._read(_STAFF_COLUMNS + " ORDER BY staff_id")]

    def remove_staff(self, staff_id: str, *, actor: str) -> None:
        with self._write(f"remove staff member {staff_id}") as db:
            removed = db.execute("DELETE FROM staff WHERE staff_id = ?", [staff_id]).rowcount
            if not removed:
                raise StoreError(f"there is no staff member {staff_id}")
            self._audit(db, [(actor, "staff.removed", None, f"staff={staff_id}")])

    def record_failed_unlock(self, staff_id: str, now: datetime) -> datetime | None:
        """Count a wrong PIN, for the id and for this kiosk's PIN pad; returns when the next
        try may be made, if it must wait (see kiosk/store/lockout.py)."""
        with self._write(f"count a failed unlock for {staff_id}") as db:
            wrong = int(self._setting(db, _WRONG_PINS_IN_A_ROW) or 0) + 1
            next_try = next_try_at(wrong, now)
            waiting = "" if next_try is None else f"; the PIN pad waits until {utc_text(next_try)}"
            self._put_settings(
                db,
                {
                    _WRONG_PINS_IN_A_ROW: str(wrong),
                    _NEXT_UNLOCK_TRY: "" if next_try is None else utc_text(next_try),
                },
            )
            row = db.execute(
                "SELECT failed_attempts FROM staff WHERE staff_id = ?", [staff_id]
            ).fetchone()
            if row is None:
                detail = f"unknown staff id{waiting}"
            else:
                failures = int(row[0]) + 1
                db.execute(
                    "UPDATE staff SET failed_attempts = ? WHERE staff_id = ?", [failures, staff_id]
                )
                detail = f"wrong PIN ({failures} in a row){waiting}"
            self._audit(db, [(staff_id, "staff.unlock_failed", None, detail)], now)
            return next_try

    def next_unlock_try(self) -> datetime | None:
        """When this kiosk's PIN pad takes the next try, if wrong PINs made it wait."""
        with self._lock:
            stored = self._setting(self._db, _NEXT_UNLOCK_TRY)
        return parse_utc_text(stored) if stored else None

    def reset_failures(self, staff_id: str) -> None:
        """A correct PIN: forget earlier failures (this id's, and the PIN pad's wait)."""
        with self._write(f"reset failed unlocks for {staff_id}") as db:
            db.execute(
                "UPDATE staff SET failed_attempts = 0, lockouts = 0, locked_until = NULL"
                " WHERE staff_id = ?",
                [staff_id],
            )
            self._put_settings(db, {_WRONG_PINS_IN_A_ROW: "0", _NEXT_UNLOCK_TRY: ""})

    # ---- settings -----------------------------------------------------------------------

    def get_setting(self, key: str) -> str | None:
        with self._lock:
            return self._setting(self._db, key)

    @staticmethod
    def _setting(db: sqlite_utils.Database, key: str) -> str | None:
        row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return None if row is None else str(row[0])

    def set_setting(self, key: str, value: str) -> None:
        self.set_settings({key: value})

    def set_settings(self, values: Mapping[str, str]) -> None:
        """Save several settings in one commit."""
        with self._write(f"save settings {', '.join(values)}") as db:
            self._put_settings(db, values)

    @staticmethod
    def _put_settings(db: sqlite_utils.Database, values: Mapping[str, str]) -> None:
        for key, value in values.items():
            db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, value],
            )

    def discard_setting(self, key: str, *, actor: str, action: str) -> None:
        """Remove a setting that must not be used, auditing the sha256 of what was there."""
        with self._write(f"discard setting {key}") as db:
            value = self._setting(db, key)
            if value is None:
                return
            db.execute("DELETE FROM settings WHERE key = ?", [key])
            digest = hashlib.sha256(value.encode("utf-8")).hexdigest()
            self._audit(db, [(actor, action, None, f"setting={key} sha256={digest}")])

    def integrity_ok(self) -> bool:
        """SQLite's own full check of the file."""
        rows = self._read("PRAGMA integrity_check")
        return [str(row[0]) for row in rows] == ["ok"]


_STAFF_COLUMNS = (
    "SELECT staff_id, display_name, role, keyslot, created_at, failed_attempts, locked_until,"
    " lockouts FROM staff"
)


def _staff_row(row: tuple[object, ...]) -> StaffRow:
    staff_id, name, role, keyslot, created_at, failures, locked_until, lockouts = row
    return StaffRow(
        staff_id=str(staff_id),
        display_name=str(name),
        role=str(role),
        keyslot=bytes(keyslot) if isinstance(keyslot, bytes) else b"",
        created_at=parse_utc_text(str(created_at)),
        failed_attempts=int(str(failures)),
        locked_until=None if locked_until is None else parse_utc_text(str(locked_until)),
        lockouts=int(str(lockouts)),
    )


def _filters(kind: str | None, since: datetime | None) -> list[object]:
    since_text = None if since is None else utc_text(since)
    return [kind, kind, since_text, since_text]


def _bounded(text: str) -> str:
    """Server reasons are kept, but never unbounded in size."""
    return text if len(text) <= _ERROR_LIMIT else text[:_ERROR_LIMIT] + "..."
