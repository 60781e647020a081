"""Is what this kiosk stored still what it wrote? SQLite's own integrity check, each sealed
record's bytes against the SHA-256 taken when it was sealed, and the audit chain: read-only,
so it runs on a read-only kiosk.db and changes nothing. The sync engine uses the same record
check before sending, so a record damaged on disk is called damaged, never "tampered"."""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from kiosk.store.audit_chain import SignatureVerifier
from kiosk.store.audit_log import AuditLog
from kiosk.store.connection import StoreConnection, open_database
from kiosk.store.rows import AuditCheck

DAMAGED_ON_DISK = (
    "damaged on this kiosk's disk: its stored bytes no longer match the hash taken when it was "
    "sealed, so it was not sent (run `kiosk check`; the operator guide says what to do)"
)


def is_intact(envelope: bytes, sha256: str) -> bool:
    """True when the stored envelope is byte for byte the one sealed."""
    return hashlib.sha256(envelope).hexdigest() == sha256


@dataclass(frozen=True)
class StoreCheck:
    """What `kiosk check` found: SQLite's complaints, damaged record ids, the audit chain."""

    sqlite_problems: list[str]
    records_checked: int
    damaged_records: list[str]
    audit: AuditCheck

    @property
    def ok(self) -> bool:
        return not self.sqlite_problems and not self.damaged_records and self.audit.ok


def check_store(path: Path, verify_key: SignatureVerifier) -> StoreCheck:
    """Check the kiosk database at `path` without writing to it."""
    db = open_database(path, read_only=True)
    try:
        return _checked(db, path, verify_key)
    except sqlite3.DatabaseError as error:
        reason = f"SQLite could not read the file ({error})"
        return StoreCheck([reason], 0, [], AuditCheck(False, 0, f"not checked: {reason}"))
    finally:
        db.close()


def _checked(db: sqlite_utils.Database, path: Path, verify_key: SignatureVerifier) -> StoreCheck:
    problems = [str(row[0]) for row in db.execute("PRAGMA integrity_check").fetchall()]
    checked, damaged = 0, []
    rows = db.execute(
        "SELECT record_id, envelope, sha256 FROM records WHERE envelope IS NOT NULL"
        " ORDER BY created_at, record_id"
    )
    for record_id, envelope, sha256 in rows:
        checked += 1
        if not isinstance(envelope, bytes) or not is_intact(envelope, str(sha256)):
            damaged.append(str(record_id))
    audit = AuditLog(StoreConnection(db, path), None).verify_audit(verify_key)
    return StoreCheck([p for p in problems if p != "ok"], checked, damaged, audit)
