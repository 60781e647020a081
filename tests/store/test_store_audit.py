"""The audit chain catches any edit, deletion or swap of its entries, and names where."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kiosk.store import KioskStore
from kiosk.vault.keys import DeviceSigningKey

MakeSealed = Callable[..., Any]


@pytest.fixture
def chained(store: KioskStore, make_sealed: MakeSealed) -> KioskStore:
    """A store with six audit entries: three records and three unlock events."""
    for n in range(3):
        store.add_record(make_sealed(), actor="patient", action="checkin.submitted")
        store.append_audit("N100", "staff.unlocked", None, f"attempt {n}")
    return store


def _tamper(db_path: Path, *statements: str) -> None:
    """What someone with the file and sqlite3 could do: drop the guard, then edit."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("DROP TRIGGER IF EXISTS audit_no_update")
    conn.execute("DROP TRIGGER IF EXISTS audit_no_delete")
    for statement in statements:
        conn.execute(statement)
    conn.close()


def test_an_untouched_chain_verifies(chained: KioskStore, device_key: DeviceSigningKey) -> None:
    check = chained.verify_audit(device_key.verify_key())
    assert check.ok and check.entries == 6 and check.problem is None


def test_an_edited_entry_is_named(
    chained: KioskStore, device_key: DeviceSigningKey, db_path: Path
) -> None:
    _tamper(db_path, "UPDATE audit SET actor = 'IT1' WHERE seq = 4")
    check = chained.verify_audit(device_key.verify_key())
    assert not check.ok
    assert check.problem == "audit entry 4 was altered (its hash does not match)"


def test_a_deleted_entry_is_named(
    chained: KioskStore, device_key: DeviceSigningKey, db_path: Path
) -> None:
    _tamper(db_path, "DELETE FROM audit WHERE seq = 3")
    check = chained.verify_audit(device_key.verify_key())
    assert not check.ok and check.problem is not None
    assert "audit entry 3 is missing" in check.problem


def test_swapped_entries_are_named(
    chained: KioskStore, device_key: DeviceSigningKey, db_path: Path
) -> None:
    _tamper(
        db_path,
        "UPDATE audit SET seq = -2 WHERE seq = 2",
        "UPDATE audit SET seq = 2 WHERE seq = 5",
        "UPDATE audit SET seq = 5 WHERE seq = -2",
    )
    check = chained.verify_audit(device_key.verify_key())
    assert not check.ok and check.problem is not None
    assert "audit entry 2" in check.problem


def test_entries_dropped_from_the_end_are_caught_by_the_signed_head(
    chained: KioskStore, device_key: DeviceSigningKey, db_path: Path
) -> None:
    _tamper(db_path, "DELETE FROM audit WHERE seq >= 5")
    check = chained.verify_audit(device_key.verify_key())
    assert not check.ok and check.problem is not None
    assert "names entry 6 but the log ends at entry 4" in check.problem


def test_a_rewritten_chain_is_caught_without_the_device_key(
    chained: KioskStore, device_key: DeviceSigningKey, make_sealed: MakeSealed, db_path: Path
) -> None:
    forger = KioskStore.open(db_path, signer=DeviceSigningKey.generate().sign)
    forger.append_audit("someone", "staff.unlocked")
    forger.close()
    check = chained.verify_audit(device_key.verify_key())
    assert not check.ok and check.problem is not None
    assert "signature" in check.problem and "entry 7" in check.problem


def test_a_store_without_the_device_key_cannot_add_to_the_chain(
    db_path: Path, chained: KioskStore, device_key: DeviceSigningKey
) -> None:
    reader = KioskStore.open(db_path)
    with pytest.raises(Exception, match="without the device key"):
        reader.append_audit("IT1", "staff.unlocked")
    reader.close()
    assert chained.verify_audit(device_key.verify_key()).entries == 6
