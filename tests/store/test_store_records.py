"""Sealed records go in whole, stay as written, and only an acknowledged payload is ever dropped."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kiosk.store import KioskStore, OutboxState, StoreError
from kiosk.vault.keys import DeviceSigningKey

MakeSealed = Callable[..., Any]


def test_a_stored_check_in_is_queued_with_its_audit_entry(
    store: KioskStore, make_sealed: MakeSealed
) -> None:
    sealed = make_sealed()
    store.add_record(sealed, actor="patient", action="checkin.submitted", summary=b"sum")

    [row] = store.records()
    assert row.record_id == sealed.record_id
    assert row.state is OutboxState.QUEUED
    assert row.device_id == "kiosk-test-1"
    assert row.has_payload and row.size == len(sealed.envelope)
    assert store.get_envelope(sealed.record_id) == sealed.envelope
    [entry] = store.audit_entries()
    assert (entry.action, entry.record_id) == ("checkin.submitted", sealed.record_id)
    assert [s.summary for s in store.summaries()] == [b"sum"]


def test_a_correction_names_the_record_it_supersedes(
    store: KioskStore, make_sealed: MakeSealed
) -> None:
    first = make_sealed(kind="vitals")
    store.add_record(first, actor="N100", action="vitals.recorded")
    fixed = make_sealed(kind="vitals", supersedes=first.record_id)
    store.add_record(fixed, actor="N100", action="vitals.corrected")

    rows = {row.record_id: row for row in store.records(kind="vitals")}
    assert rows[fixed.record_id].supersedes == first.record_id
    assert store.get_envelope(first.record_id) == first.envelope


def test_a_correction_of_an_unknown_record_is_refused_and_nothing_is_stored(
    store: KioskStore, make_sealed: MakeSealed
) -> None:
    with pytest.raises(StoreError, match="not here"):
        store.add_record(make_sealed(supersedes="no-such-id"), actor="N100", action="x")
    assert store.records() == [] and store.audit_entries() == []


def test_the_same_record_id_twice_is_refused(store: KioskStore, make_sealed: MakeSealed) -> None:
    sealed = make_sealed()
    store.add_record(sealed, actor="patient", action="checkin.submitted")
    with pytest.raises(StoreError, match="already stored"):
        store.add_record(sealed, actor="patient", action="checkin.submitted")
    assert len(store.records()) == 1 and len(store.audit_entries()) == 1


def test_an_envelope_whose_hash_does_not_match_is_refused(
    store: KioskStore, make_sealed: MakeSealed
) -> None:
    sealed = make_sealed()
    with pytest.raises(StoreError, match="sha256"):
        store.add_record(replace(sealed, sha256="0" * 64), actor="p", action="x")
    assert store.records() == []


def test_records_are_filtered_by_kind_and_time(store: KioskStore, make_sealed: MakeSealed) -> None:
    old = make_sealed(created_at=datetime(2025, 1, 1, tzinfo=UTC))
    new = make_sealed(kind="vitals")
    for sealed in (old, new):
        store.add_record(sealed, actor="p", action="x")
    assert [r.record_id for r in store.records(kind="vitals")] == [new.record_id]
    since = datetime.now(UTC) - timedelta(days=1)
    assert [r.record_id for r in store.records(since=since)] == [new.record_id]


def _raw(db_path: Path) -> sqlite3.Connection:
    return sqlite3.connect(db_path, isolation_level=None)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE records SET envelope = x'00'",
        "UPDATE records SET envelope = NULL",
        "UPDATE records SET kind = 'vitals'",
        "DELETE FROM records",
        "DELETE FROM outbox",
        "UPDATE audit SET detail = 'edited'",
        "DELETE FROM audit",
    ],
)
def test_nothing_written_can_be_rewritten_or_deleted_behind_the_stores_back(
    store: KioskStore,
    make_sealed: MakeSealed,
    db_path: Path,
    statement: str,
    device_key: DeviceSigningKey,
) -> None:
    sealed = make_sealed()
    store.add_record(sealed, actor="patient", action="checkin.submitted")
    conn = _raw(db_path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only|proof of delivery"):
        conn.execute(statement)
    conn.close()
    assert store.get_envelope(sealed.record_id) == sealed.envelope
    assert store.verify_audit(device_key.verify_key()).ok


def test_a_delivered_payload_is_purged_after_retention_keeping_id_hash_and_state(
    store: KioskStore, make_sealed: MakeSealed
) -> None:
    delivered, waiting = make_sealed(), make_sealed()
    for sealed in (delivered, waiting):
        store.add_record(sealed, actor="patient", action="checkin.submitted", summary=b"s")
    acked_at = datetime.now(UTC) - timedelta(hours=25)
    store.mark_acked([delivered.record_id], acked_at)

    assert store.purge_acked(datetime.now(UTC) - timedelta(hours=24)) == 1

    rows = {row.record_id: row for row in store.records()}
    assert rows[delivered.record_id].state is OutboxState.PURGED
    assert rows[delivered.record_id].sha256 == delivered.sha256
    assert not rows[delivered.record_id].has_payload
    assert rows[waiting.record_id].has_payload
    with pytest.raises(StoreError, match="purged"):
        store.get_envelope(delivered.record_id)
    assert [s.record_id for s in store.summaries()] == [waiting.record_id]
    assert store.purge_acked(datetime.now(UTC)) == 0


def test_an_unknown_record_id_is_named_in_the_error(store: KioskStore) -> None:
    with pytest.raises(StoreError, match="abc is not in"):
        store.get_envelope("abc")


def test_a_naive_time_is_refused_not_guessed(store: KioskStore, make_sealed: MakeSealed) -> None:
    sealed = make_sealed(created_at=datetime(2025, 1, 1))
    with pytest.raises(StoreError, match="timezone-aware"):
        store.add_record(sealed, actor="p", action="x")
    assert store.records() == []
