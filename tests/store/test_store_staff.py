"""Staff slots and the unlock lockout: 5 wrong PINs lock 30 s, then 60 s, across restarts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.store import KioskStore, StoreError
from kiosk.vault.keys import DeviceSigningKey

NOW = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)


def test_a_nurse_is_added_listed_updated_and_removed(store: KioskStore) -> None:
    store.put_staff("N100", "Nurse Ada", "nurse", b"slot-1", actor="IT1")
    store.put_staff("IT1", "Ian T", "it", b"slot-2", actor="init")
    assert [s.staff_id for s in store.list_staff()] == ["IT1", "N100"]
    store.put_staff("N100", "Nurse Ada", "nurse", b"slot-3", actor="IT1")
    nurse = store.get_staff("N100")
    assert nurse is not None and nurse.keyslot == b"slot-3"
    store.remove_staff("N100", actor="IT1")
    assert store.get_staff("N100") is None
    actions = [e.action for e in store.audit_entries()]
    assert actions == ["staff.added", "staff.added", "staff.updated", "staff.removed"]


def test_removing_someone_who_is_not_there_says_so(store: KioskStore) -> None:
    with pytest.raises(StoreError, match="no staff member N999"):
        store.remove_staff("N999", actor="IT1")


def test_an_unknown_role_is_refused(store: KioskStore) -> None:
    with pytest.raises(StoreError):
        store.put_staff("X1", "X", "janitor", b"slot", actor="IT1")
    assert store.list_staff() == []


def test_five_wrong_pins_lock_for_30_seconds_then_60_and_survive_a_restart(
    store: KioskStore, db_path: Path, device_key: DeviceSigningKey
) -> None:
    store.put_staff("N100", "Nurse Ada", "nurse", b"slot", actor="init")
    results = [store.record_failed_unlock("N100", NOW) for _ in range(5)]
    assert results[:4] == [None] * 4
    assert results[4] == NOW + timedelta(seconds=30)

    store.close()
    reopened = KioskStore.open(db_path, signer=device_key.sign)
    nurse = reopened.get_staff("N100")
    assert nurse is not None and nurse.locked_until == NOW + timedelta(seconds=30)

    later = NOW + timedelta(seconds=31)
    second = [reopened.record_failed_unlock("N100", later) for _ in range(5)]
    assert second[4] == later + timedelta(seconds=60)
    third = [reopened.record_failed_unlock("N100", later) for _ in range(5)]
    assert third[4] == later + timedelta(seconds=120)

    reopened.reset_failures("N100")
    nurse = reopened.get_staff("N100")
    assert nurse is not None and (nurse.failed_attempts, nurse.lockouts) == (0, 0)
    assert nurse.locked_until is None
    reopened.close()


def test_failed_unlocks_are_audited_without_the_pin(store: KioskStore) -> None:
    store.put_staff("N100", "Nurse Ada", "nurse", b"slot", actor="init")
    store.record_failed_unlock("N100", NOW)
    store.record_failed_unlock("NOBODY", NOW)
    details = [e.detail for e in store.audit_entries() if e.action == "staff.unlock_failed"]
    assert details == ["wrong PIN (1 in a row)", "unknown staff id"]


def test_settings_are_kept(store: KioskStore) -> None:
    store.set_setting("server_url", "https://clinic.example")
    store.set_setting("server_url", "https://clinic2.example")
    assert store.get_setting("server_url") == "https://clinic2.example"
    assert store.get_setting("missing") is None
