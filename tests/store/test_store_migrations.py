"""Upgrading keeps every record; a database from newer software is refused and left untouched."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlite_utils

from kiosk.store import SCHEMA_VERSION, KioskStore, StoreError
from kiosk.store.schema import MIGRATIONS
from kiosk.vault.keys import DeviceSigningKey


def _build_previous_version(path: Path) -> None:
    """A kiosk database as the previous release left it, with one record in it."""
    db = sqlite_utils.Database(sqlite3.connect(path, isolation_level=None))
    for migration in MIGRATIONS[:-1]:
        migration(db)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    envelope = os.urandom(300)
    db.execute(
        "INSERT INTO records (record_id, kind, created_at, device_id, supersedes, envelope,"
        " sha256, size) VALUES ('r1', 'checkin', '2025-03-01T10:00:00.000000Z', 'k1', NULL,"
        " ?, ?, ?)",
        [envelope, hashlib.sha256(envelope).hexdigest(), len(envelope)],
    )
    db.execute(
        "INSERT INTO outbox (record_id, state, attempts, updated_at) VALUES"
        " ('r1', 'queued', 2, '2025-03-01T10:00:00.000000Z')"
    )
    db.execute("INSERT INTO settings (key, value) VALUES ('kiosk_id', 'k1')")
    db.close()


def test_a_kiosk_upgraded_from_the_previous_version_keeps_its_queue(
    db_path: Path, device_key: DeviceSigningKey
) -> None:
    _build_previous_version(db_path)

    store = KioskStore.open(db_path, signer=device_key.sign)

    [row] = store.records()
    assert (row.record_id, row.state.value, row.attempts) == ("r1", "queued", 2)
    assert store.get_setting("kiosk_id") == "k1"
    assert [item.record_id for item in store.outbox_due(datetime.now(UTC), 10)] == ["r1"]
    assert store.summaries() == []
    store.close()
    version = sqlite3.connect(db_path).execute("PRAGMA user_version").fetchone()[0]
    assert version == SCHEMA_VERSION


def test_a_database_from_newer_software_is_refused_and_left_byte_identical(
    db_path: Path, device_key: DeviceSigningKey
) -> None:
    KioskStore.open(db_path, signer=device_key.sign).close()
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 3}")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    before = db_path.read_bytes()

    with pytest.raises(StoreError) as refused:
        KioskStore.open(db_path, signer=device_key.sign)

    message = str(refused.value)
    assert str(db_path) in message
    assert f"version {SCHEMA_VERSION + 3}" in message and f"up to {SCHEMA_VERSION}" in message
    assert "upgrade the kiosk software" in message
    assert db_path.read_bytes() == before


def test_a_file_that_is_not_a_database_is_named_and_left_alone(
    db_path: Path, device_key: DeviceSigningKey
) -> None:
    db_path.write_bytes(b"this is a shopping list, not a kiosk database" * 100)
    before = db_path.read_bytes()
    with pytest.raises(StoreError, match="is not a kiosk database"):
        KioskStore.open(db_path, signer=device_key.sign)
    assert db_path.read_bytes() == before


def test_opening_twice_migrates_once(db_path: Path, device_key: DeviceSigningKey) -> None:
    first = KioskStore.open(db_path, signer=device_key.sign)
    second = KioskStore.open(db_path, signer=device_key.sign)
    first.set_setting("a", "1")
    assert second.get_setting("a") == "1"
    first.close()
    second.close()


def test_the_database_is_durable_by_configuration(
    db_path: Path, device_key: DeviceSigningKey
) -> None:
    store = KioskStore.open(db_path, signer=device_key.sign)
    conn = store._db.conn  # noqa: SLF001 - reading the pragmas the store set on itself
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    store.close()
