"""Staff slots and the PIN pad's pace: 3 wrong PINs free, then waits of 5 s up to 30 s, across
restarts."""

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


def test_three_wrong_pins_are_free_then_the_pad_waits_longer_up_to_30_s_across_restarts(
    store: KioskStore, db_path: Path, device_key: DeviceSigningKey
) -> None:
    store.put_staff("N100", "Nurse Ada", "nurse", b"slot", actor="init")
    assert [store.record_failed_unlock("N100", NOW) for _ in range(3)] == [None] * 3
    assert store.record_failed_unlock("NOBODY", NOW) == NOW + timedelta(seconds=5)  # any id

    store.close()
    reopened = KioskStore.open(db_path, signer=device_key.sign)
    assert reopened.next_unlock_try() == NOW + timedelta(seconds=5)
    waits = [reopened.record_failed_unlock("N100", NOW) for _ in range(4)]
    assert waits == [NOW + timedelta(seconds=s) for s in (10, 20, 30, 30)]
    nurse = reopened.get_staff("N100")
    assert nurse is not None and nurse.locked_until is None  # nobody is locked out

    reopened.reset_failures("N100")
    assert reopened.next_unlock_try() is None
    nurse = reopened.get_staff("N100")
    assert nurse is not None and nurse.failed_attempts == 0
    assert reopened.record_failed_unlock("N100", NOW) is None
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
