"""The audit table: hash-chained entries and the device-signed head, appended, read and verified.

How an entry is hashed and the head signed is kiosk/store/audit_chain.py; this module keeps the
rows. Entries are added inside the caller's write transaction, so an action and its audit
entries commit together or not at all. Raw SQL here: every audited write (each submit among
them) appends and re-signs the head, and sqlite-utils' insert costs ~70 µs a row against ~4 µs
(docs/store.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlite_utils

from kiosk.intake.records import AuditEntry
from kiosk.store.audit_chain import (
    GENESIS_HASH,
    HeadSigner,
    SignatureVerifier,
    check_chain,
    entry_hash,
    head_message,
)
from kiosk.store.connection import StoreConnection
from kiosk.store.errors import StoreError
from kiosk.store.rows import AuditCheck
from kiosk.store.timestamps import parse_utc_text, utc_now, utc_text

# One event to audit: actor, action, record id (or None), detail (ids and states, never PHI).
AuditEvent = tuple[str, str, str | None, str]

_COLUMNS = "SELECT seq, at, actor, action, record_id, detail, prev_hash, hash FROM audit"


class AuditLog:
    """The kiosk's audit log; `signer` (the device key's sign) vouches for each new head."""

    def __init__(self, connection: StoreConnection, signer: HeadSigner | None) -> None:
        self._connection = connection
        self._signer = signer

    def add(
        self,
        db: sqlite_utils.Database,
        events: Sequence[AuditEvent],
        at: datetime | None = None,
    ) -> None:
        """Append events inside the caller's transaction and sign the new head once."""
        if not events:
            return
        when = at or utc_now()
        head = (0, GENESIS_HASH)
        for actor, action, record_id, detail in events:
            head = _append(db, when, actor, action, record_id, detail)
        self._sign_head(db, *head)

    def append_audit(
        self, actor: str, action: str, record_id: str | None = None, detail: str = ""
    ) -> None:
        """Record a non-record event (an unlock attempt, a sync run). Never pass PHI in detail."""
        with self._connection.write("append to the audit log") as db:
            self.add(db, [(actor, action, record_id, detail)])

    def audit_entries(self, after_seq: int = 0) -> list[AuditEntry]:
        rows = self._connection.read(_COLUMNS + " WHERE seq > ? ORDER BY seq", [after_seq])
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
        rows = self._connection.read(_COLUMNS + " ORDER BY seq")
        heads = self._connection.read("SELECT seq, hash, signature FROM audit_head WHERE id = 1")
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

    def _sign_head(self, db: sqlite_utils.Database, seq: int, head_hash: str) -> None:
        if self._signer is None:
            # Without the device key an entry could be added but never vouched for.
            raise StoreError(
                f"{self._connection.path}: this store was opened without the device key"
            )
        signature = self._signer(head_message(seq, head_hash))
        db.execute(
            "INSERT INTO audit_head (id, seq, hash, signature) VALUES (1, ?, ?, ?)"
            " ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash,"
            " signature = excluded.signature",
            [seq, head_hash, signature],
        )


def _append(
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
