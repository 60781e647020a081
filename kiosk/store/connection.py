"""The kiosk database connection every table family shares: opening, durability, transactions.

Durability rule (kept here): WAL with `synchronous=FULL` fsyncs the WAL on every COMMIT, so once
a write transaction returns, its record, outbox row and audit entry survive a power cut; a kill
before COMMIT leaves none of them. Every write starts with BEGIN IMMEDIATE so concurrent
processes wait on the busy timeout instead of failing mid-transaction.

Concurrency: one SQLite connection per KioskStore, usable from any thread
(`check_same_thread=False`) with every use serialised by one lock; other threads that want to
work in parallel (the sync worker) and other processes (the CLI, served sessions) open their own
KioskStore on the same file, and SQLite's WAL locking plus BEGIN IMMEDIATE keep them safe.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from kiosk.store.errors import DiskFull, StoreError
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


def open_database(path: Path, *, read_only: bool = False) -> sqlite_utils.Database:
    """Open (creating if absent, 0600 whatever the umask) and migrate the database at path;
    refuse a newer one untouched, and an empty (0-byte) one without writing to it.

    `read_only` (verifying, checking) writes nothing, not even the WAL's index, so it works on a
    read-only file: it never creates or migrates, and reads a file without a WAL as immutable.
    """
    _refuse_empty(path)
    try:
        if read_only:
            conn = _connect_read_only(path)
        else:
            _create_private(path)
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
        db = sqlite_utils.Database(conn)
        if read_only:
            if version < SCHEMA_VERSION:
                raise StoreError(
                    f"{path} is at database version {version}, older than this software's "
                    f"{SCHEMA_VERSION}: open it once with write access to upgrade it"
                )
            return db
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        # Purged payloads are overwritten on disk, not just unlinked from the b-tree.
        conn.execute("PRAGMA secure_delete = ON")
        _migrate(db, version, path)
    except BaseException:
        conn.close()
        raise
    return db


def _refuse_empty(path: Path) -> None:
    """A 0-byte kiosk.db is a truncated or replaced file, never a kiosk to start afresh in."""
    try:
        empty = path.stat().st_size == 0
    except FileNotFoundError:
        return
    except OSError as error:
        raise StoreError(f"cannot read the kiosk database {path}: {error.strerror}") from None
    if empty:
        raise StoreError(
            f"{path} is empty (0 bytes): the file was truncated or damaged; nothing was written "
            "to it. Records not yet sent are lost with it: enrol this kiosk again (operator guide)"
        )


def _create_private(path: Path) -> None:
    """A new database file is the owner's alone (its -wal and -shm copy its mode)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    except OSError as error:
        raise StoreError(f"cannot create the kiosk database {path}: {error.strerror}") from None


def _connect_read_only(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise StoreError(f"there is no kiosk database at {path}")
    uri = f"{path.resolve().as_uri()}?mode=ro"
    wal = path.with_name(path.name + "-wal")
    if not wal.exists() or wal.stat().st_size == 0:
        # Why: without WAL frames there is nothing an index would find; "immutable" lets SQLite
        # read a file it may not write without creating the -shm index beside it.
        uri += "&immutable=1"
    return sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)


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


class StoreConnection:
    """One open kiosk database, shared by the table families of one KioskStore."""

    def __init__(self, db: sqlite_utils.Database, path: Path) -> None:
        self.db = db
        self.path = path
        self._lock = threading.RLock()

    def close(self) -> None:
        with self._lock:
            self.db.close()

    @contextmanager
    def write(self, what: str) -> Iterator[sqlite_utils.Database]:
        """One durable write transaction; any failure rolls everything in it back."""
        with self._lock:
            try:
                self.db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as error:
                raise self._refusal(what, error) from None
            try:
                yield self.db
                self.db.execute("COMMIT")
            except sqlite3.Error as error:
                self._rollback()
                raise self._refusal(what, error) from None
            except BaseException:
                self._rollback()
                raise

    @contextmanager
    def reading(self) -> Iterator[sqlite_utils.Database]:
        """The database for reads, with no other use of this connection in between."""
        with self._lock:
            try:
                yield self.db
            except sqlite3.Error as error:
                raise StoreError(f"{self.path}: cannot read: {error}") from None

    def read(self, sql: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]:
        with self.reading() as db:
            return list(db.execute(sql, list(params)).fetchall())

    def _refusal(self, what: str, error: sqlite3.Error) -> StoreError:
        """One line naming the file and the write; a full disk gets its own error and fix."""
        if getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
            return DiskFull(
                f"{self.path}: cannot {what}: the disk is full; free space, then try again"
            )
        return StoreError(f"{self.path}: cannot {what}: {error}")

    def _rollback(self) -> None:
        if self.db.conn.in_transaction:
            self.db.execute("ROLLBACK")
