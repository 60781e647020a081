"""Opening the kiosk database: the durability pragmas, the version check and the migrations.

Durability rule (kept here): WAL with `synchronous=FULL` fsyncs the WAL on every COMMIT, so once
a write transaction returns, its record, outbox row and audit entry survive a power cut; a kill
before COMMIT leaves none of them. Every write starts with BEGIN IMMEDIATE so concurrent
processes wait on the busy timeout instead of failing mid-transaction.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from kiosk.store.errors import StoreError
from kiosk.store.schema import MIGRATIONS, SCHEMA_VERSION

BUSY_TIMEOUT_MS = 10_000


def _read_version(conn: sqlite3.Connection, path: Path) -> int:
    try:
        row = conn.execute("PRAGMA user_version").fetchone()
        # Touch the schema so a file that is not SQLite fails here, before anything is written.
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as error:
        raise StoreError(
            f"{path} is not a kiosk database ({error}); move it aside or point --data elsewhere"
        ) from None
    return int(row[0])


def open_database(path: Path) -> sqlite_utils.Database:
    """Open (creating if absent) and migrate the database at path; refuse a newer one untouched."""
    try:
        conn = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
        )
    except sqlite3.Error as error:
        raise StoreError(f"cannot open the kiosk database {path}: {error}") from None
    try:
        version = _read_version(conn, path)
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{path} was written by a newer kiosk (database version {version}, this software "
                f"reads up to {SCHEMA_VERSION}); upgrade the kiosk software; nothing was changed"
            )
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        # Purged payloads are overwritten on disk, not just unlinked from the b-tree.
        conn.execute("PRAGMA secure_delete = ON")
        db = sqlite_utils.Database(conn)
        _migrate(db, version, path)
    except BaseException:
        conn.close()
        raise
    return db


def _migrate(db: sqlite_utils.Database, version: int, path: Path) -> None:
    for target, migration in enumerate(MIGRATIONS[version:], start=version + 1):
        try:
            db.execute("BEGIN IMMEDIATE")
            # Another process may have migrated while we waited for the write lock.
            current = int(db.execute("PRAGMA user_version").fetchone()[0])
            if current >= target:
                db.execute("COMMIT")
                continue
            migration(db)
            db.execute(f"PRAGMA user_version = {target}")
            db.execute("COMMIT")
        except sqlite3.Error as error:
            if db.conn.in_transaction:
                db.execute("ROLLBACK")
            raise StoreError(
                f"cannot upgrade {path} to database version {target}: {error}; "
                "nothing was changed, report this to IT"
            ) from None
