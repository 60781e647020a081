"""A record's way to the server: due, sending, failed and retried, quarantined, acknowledged."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kiosk.store import KioskStore, StoreError
from kiosk.store.outbox import SENDING_LEASE
from kiosk.vault.keys import DeviceSigningKey

MakeSealed = Callable[..., Any]


def _queue(store: KioskStore, make_sealed: MakeSealed, count: int) -> list[str]:
    ids = []
    for _ in range(count):
        sealed = make_sealed()
        store.add_record(sealed, actor="patient", action="checkin.submitted")
        ids.append(sealed.record_id)
    return ids


def test_new_records_are_due_at_once_and_in_order(
    store: KioskStore, make_sealed: MakeSealed
) -> None:
    ids = _queue(store, make_sealed, 3)
    due = store.outbox_due(datetime.now(UTC), limit=2)
    assert [item.record_id for item in due] == sorted(ids[:3], key=ids.index)[:2]
    assert due[0].envelope == store.get_envelope(due[0].record_id)


def test_a_failed_batch_waits_for_its_retry_time_and_keeps_the_reason(
    store: KioskStore, make_sealed: MakeSealed
) -> None:
    ids = _queue(store, make_sealed, 2)
    now = datetime.now(UTC)
    store.mark_sending(ids, now)
    store.mark_failed(ids, "server answered 503", now + timedelta(seconds=30))

    assert store.outbox_due(now + timedelta(seconds=10), 10) == []
    due = store.outbox_due(now + timedelta(seconds=31), 10)
    assert [item.attempts for item in due] == [1, 1]
    assert {row.last_error for row in store.records()} == {"server answered 503"}
    assert store.counts_by_state()["queued"] == 2


def test_a_sender_that_died_mid_send_frees_its_records_after_the_lease(
    store: KioskStore, make_sealed: MakeSealed
) -> None:
    ids = _queue(store, make_sealed, 1)
    now = datetime.now(UTC)
    store.mark_sending(ids, now)
    assert store.outbox_due(now, 10) == []
    assert store.counts_by_state()["sending"] == 1
    assert [i.record_id for i in store.outbox_due(now + SENDING_LEASE, 10)] == ids


def test_a_refused_record_is_quarantined_with_the_servers_reason_and_can_be_requeued(
    store: KioskStore, make_sealed: MakeSealed
) -> None:
    bad, good = _queue(store, make_sealed, 2)
    store.mark_quarantined(bad, "conflict: same id, other bytes")
    store.mark_acked([good], datetime.now(UTC))
    counts = store.counts_by_state()
    assert (counts["quarantined"], counts["acked"], counts["queued"]) == (1, 1, 0)
    assert store.outbox_due(datetime.now(UTC), 10) == []

    store.requeue(bad)
    assert [i.record_id for i in store.outbox_due(datetime.now(UTC), 10)] == [bad]
    with pytest.raises(StoreError, match="not in quarantine"):
        store.requeue(good)


def test_every_delivery_milestone_is_in_the_verified_audit_chain(
    store: KioskStore, make_sealed: MakeSealed, device_key: DeviceSigningKey
) -> None:
    first, second = _queue(store, make_sealed, 2)
    store.mark_failed([first, second], "timeout", datetime.now(UTC))
    store.mark_quarantined(second, "bad signature")
    store.mark_acked([first], datetime.now(UTC) - timedelta(days=2))
    store.purge_acked(datetime.now(UTC) - timedelta(days=1))
    actions = [e.action for e in store.audit_entries()]
    assert actions[2:] == ["sync.failed", "record.quarantined", "record.acked", "record.purged"]
    assert store.verify_audit(device_key.verify_key()).ok


def test_two_threads_and_a_second_connection_write_safely(
    store: KioskStore,
    make_sealed: MakeSealed,
    db_path: Path,
    device_key: DeviceSigningKey,
) -> None:
    other = KioskStore.open(db_path, signer=device_key.sign)
    errors: list[BaseException] = []

    def write(target: KioskStore) -> None:
        try:
            _queue(target, make_sealed, 20)
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(t,)) for t in (store, store, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    other.close()
    assert errors == []
    assert len(store.records()) == 60
    check = store.verify_audit(device_key.verify_key())
    assert check.ok and check.entries == 60
