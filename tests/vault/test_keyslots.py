"""Staff keyslots: nurses get the staff key with their PIN, IT never does, pending slots work."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kiosk.vault import (
    DEFAULT_COST,
    EnvelopeError,
    EnvelopeSuite,
    KeyslotError,
    RecipientPrivateKey,
    StaffKeyslot,
    StaffRole,
    WrongPin,
    complete_pending,
    create_keyslot,
    create_pending_keyslot,
    open_envelope,
    unlock_keyslot,
)
from tests.vault.conftest import QUICK_COST, KioskKeys

PAYLOAD = b'{"legal_name":"Ada Example"}'


def test_a_nurse_unlocks_with_her_pin_and_reads_the_record(keys: KioskKeys) -> None:
    slot = create_keyslot("N100", "nurse", "246810", keys.staff, cost=QUICK_COST)
    sealed = keys.sealer().seal("checkin", PAYLOAD)
    credential = unlock_keyslot(slot, "N100", "246810")
    assert credential.role is StaffRole.NURSE and credential.can_read_records
    assert credential.staff_key is not None
    assert open_envelope(sealed.envelope, credential.staff_key).payload == PAYLOAD


def test_a_wrong_pin_is_refused_and_reveals_nothing(x25519_keys: KioskKeys) -> None:
    slot = create_keyslot("N100", "nurse", "246810", x25519_keys.staff, cost=QUICK_COST)
    with pytest.raises(WrongPin, match="N100") as refused:
        unlock_keyslot(slot, "N100", "246811")
    assert "246" not in str(refused.value)


def test_a_slot_does_not_hold_the_staff_key_in_the_clear(x25519_keys: KioskKeys) -> None:
    slot = create_keyslot("N100", "nurse", "246810", x25519_keys.staff, cost=QUICK_COST)
    assert x25519_keys.staff.to_bytes()[5:] not in slot


def test_a_removed_nurse_cannot_open_records(x25519_keys: KioskKeys) -> None:
    slots = {
        "N100": create_keyslot("N100", "nurse", "246810", x25519_keys.staff, cost=QUICK_COST),
        "N200": create_keyslot("N200", "nurse", "864200", x25519_keys.staff, cost=QUICK_COST),
    }
    sealed = x25519_keys.sealer().seal("checkin", PAYLOAD)
    del slots["N200"]
    assert "N200" not in slots  # Her slot is gone: there is nothing left her PIN opens.
    with pytest.raises(KeyslotError, match="belongs to N100"):
        unlock_keyslot(slots["N100"], "N200", "864200")
    still = unlock_keyslot(slots["N100"], "N100", "246810").staff_key
    assert still is not None
    assert open_envelope(sealed.envelope, still).payload == PAYLOAD  # Records were untouched.


def test_an_it_credential_proves_the_pin_but_cannot_open_records(x25519_keys: KioskKeys) -> None:
    slot = create_keyslot("IT1", "it", "135790", None, cost=QUICK_COST)
    credential = unlock_keyslot(slot, "IT1", "135790")
    assert credential.role is StaffRole.IT
    assert credential.staff_key is None and not credential.can_read_records
    assert len(StaffKeyslot.from_bytes(slot).wrapped) == 16  # The tag alone: no key inside.
    with pytest.raises(WrongPin):
        unlock_keyslot(slot, "IT1", "000000")


def test_an_it_slot_refuses_to_wrap_the_staff_key(x25519_keys: KioskKeys) -> None:
    with pytest.raises(KeyslotError, match="never holds the staff key"):
        create_keyslot("IT1", "it", "135790", x25519_keys.staff, cost=QUICK_COST)


def test_a_nurse_slot_without_the_staff_key_points_to_the_pending_way(
    x25519_keys: KioskKeys,
) -> None:
    with pytest.raises(KeyslotError, match="create_pending_keyslot"):
        create_keyslot("N300", "nurse", "112233", None, cost=QUICK_COST)


def test_a_nurse_added_by_it_gets_the_staff_key_after_another_nurse_unlocks(
    keys: KioskKeys,
) -> None:
    sealed = keys.sealer().seal("checkin", PAYLOAD)
    pending = create_pending_keyslot("N300", "112233", cost=QUICK_COST)
    assert StaffKeyslot.from_bytes(pending).awaits_staff_key

    # Before any nurse has unlocked, she is a nurse with nothing to read yet.
    early = unlock_keyslot(pending, "N300", "112233")
    assert early.role is StaffRole.NURSE and early.staff_key is None
    assert early.upgraded_slot is None

    # N100 unlocks; the kiosk seals the staff key to the pending slot.
    completed = complete_pending(pending, keys.staff)
    assert not StaffKeyslot.from_bytes(completed).awaits_staff_key
    with pytest.raises(WrongPin):
        unlock_keyslot(completed, "N300", "999999")

    # Her first unlock recovers the staff key and hands back a normal slot to store.
    first = unlock_keyslot(completed, "N300", "112233")
    assert first.staff_key is not None and first.upgraded_slot is not None
    assert open_envelope(sealed.envelope, first.staff_key).payload == PAYLOAD
    upgraded = StaffKeyslot.from_bytes(first.upgraded_slot)
    assert upgraded.role is StaffRole.NURSE and upgraded.pending_public is None
    again = unlock_keyslot(first.upgraded_slot, "N300", "112233")
    assert again.staff_key == keys.staff and again.upgraded_slot is None


def test_a_pin_reset_by_it_replaces_only_that_nurses_slot(x25519_keys: KioskKeys) -> None:
    old = create_keyslot("N100", "nurse", "246810", x25519_keys.staff, cost=QUICK_COST)
    other = create_keyslot("N200", "nurse", "864200", x25519_keys.staff, cost=QUICK_COST)
    reset = create_pending_keyslot("N100", "1357", cost=QUICK_COST)
    with pytest.raises(WrongPin):
        unlock_keyslot(reset, "N100", "246810")
    colleague = unlock_keyslot(other, "N200", "864200").staff_key
    assert colleague is not None
    after = unlock_keyslot(complete_pending(reset, colleague), "N100", "1357")
    assert after.staff_key == x25519_keys.staff
    assert old != reset


def test_the_staff_key_sealed_to_one_pending_slot_does_not_open_anothers(
    x25519_keys: KioskKeys,
) -> None:
    alice = create_pending_keyslot("N1", "1111", cost=QUICK_COST)
    sealed_for_alice = StaffKeyslot.from_bytes(complete_pending(alice, x25519_keys.staff))
    bob = StaffKeyslot.from_bytes(create_pending_keyslot("N2", "2222", cost=QUICK_COST))
    moved = replace(bob, sealed_staff_key=sealed_for_alice.sealed_staff_key).to_bytes()
    with pytest.raises(KeyslotError, match="does not open"):
        unlock_keyslot(moved, "N2", "2222")


def test_complete_pending_refuses_a_slot_that_is_not_pending(x25519_keys: KioskKeys) -> None:
    slot = create_keyslot("N100", "nurse", "246810", x25519_keys.staff, cost=QUICK_COST)
    with pytest.raises(KeyslotError, match="not pending"):
        complete_pending(slot, x25519_keys.staff)


def test_a_slot_renamed_to_another_staff_id_fails_to_open(x25519_keys: KioskKeys) -> None:
    slot = create_keyslot("N100", "nurse", "246810", x25519_keys.staff, cost=QUICK_COST)
    renamed = replace(StaffKeyslot.from_bytes(slot), staff_id="N101").to_bytes()
    with pytest.raises(WrongPin):
        unlock_keyslot(renamed, "N101", "246810")


@pytest.mark.parametrize(
    ("staff_id", "role", "pin", "message"),
    [
        ("N 100", "nurse", "246810", "staff id"),
        ("\u202eN100", "nurse", "246810", "staff id"),
        ("", "nurse", "246810", "staff id"),
        ("N100", "doctor", "246810", "role"),
        ("N100", "nurse", "123", "PIN"),
        ("N100", "nurse", "1" * 257, "PIN"),
    ],
)
def test_bad_slot_requests_get_a_specific_message(
    x25519_keys: KioskKeys, staff_id: str, role: str, pin: str, message: str
) -> None:
    with pytest.raises(KeyslotError, match=message):
        create_keyslot(staff_id, role, pin, x25519_keys.staff, cost=QUICK_COST)


def test_the_same_pin_typed_in_another_unicode_form_still_unlocks(x25519_keys: KioskKeys) -> None:
    slot = create_keyslot("N100", "nurse", "caf\u00e9 1234", x25519_keys.staff, cost=QUICK_COST)
    assert unlock_keyslot(slot, "N100", "cafe\u0301 1234").staff_key == x25519_keys.staff


def test_every_truncation_and_trailing_byte_of_a_slot_is_refused(x25519_keys: KioskKeys) -> None:
    slot = create_keyslot("N100", "nurse", "246810", x25519_keys.staff, cost=QUICK_COST)
    for length in range(len(slot)):
        with pytest.raises(KeyslotError):
            unlock_keyslot(slot[:length], "N100", "246810")
    with pytest.raises(KeyslotError, match="unexpected bytes"):
        unlock_keyslot(slot + b"\x00", "N100", "246810")


def test_a_slot_demanding_absurd_argon2_work_is_refused_before_any_work(
    x25519_keys: KioskKeys,
) -> None:
    slot = bytearray(create_keyslot("N100", "nurse", "246810", x25519_keys.staff, cost=QUICK_COST))
    memory_at = 4 + 4 + len("N100")
    slot[memory_at : memory_at + 4] = (64 * 1024 * 1024).to_bytes(4, "big")
    with pytest.raises(KeyslotError, match="argon2 memory"):
        unlock_keyslot(bytes(slot), "N100", "246810")


def test_the_default_cost_is_the_measured_64_mib_and_unlocks(x25519_keys: KioskKeys) -> None:
    assert DEFAULT_COST.memory_kib == 64 * 1024 and DEFAULT_COST.iterations == 3
    slot = create_keyslot("N100", "nurse", "246810", x25519_keys.staff)
    assert StaffKeyslot.from_bytes(slot).cost == DEFAULT_COST
    assert unlock_keyslot(slot, "N100", "246810").staff_key == x25519_keys.staff


def test_a_pending_slot_in_the_fallback_suite_works_too(hybrid_keys: KioskKeys) -> None:
    pending = create_pending_keyslot("N300", "112233", suite=EnvelopeSuite.X25519, cost=QUICK_COST)
    credential = unlock_keyslot(complete_pending(pending, hybrid_keys.staff), "N300", "112233")
    assert credential.staff_key == hybrid_keys.staff


def test_a_stray_private_key_cannot_read_a_record_meant_for_the_staff(
    x25519_keys: KioskKeys,
) -> None:
    sealed = x25519_keys.sealer().seal("checkin", PAYLOAD)
    with pytest.raises(EnvelopeError):
        open_envelope(sealed.envelope, RecipientPrivateKey.generate(EnvelopeSuite.X25519))
