"""Keyslots checked by a TPM (format version 2), on a real swtpm: the slot opens only with the
PIN and on its own TPM, pending slots work the same way, and a damaged TPM blob is named."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.vault import (
    DeviceSecret,
    DeviceSecretError,
    KeyslotError,
    PinGateError,
    StaffKeyslot,
    WrongPin,
    complete_pending,
    create_keyslot,
    create_pending_keyslot,
    unlock_keyslot,
)
from kiosk.vault.tpm import Tpm, TpmError, TpmPinGate
from tests.swtpm import running_swtpm
from tests.vault.conftest import QUICK_COST, KioskKeys


def test_a_gated_slot_opens_with_the_pin_on_its_own_tpm_only(
    tpm_tcti: str, x25519_keys: KioskKeys
) -> None:
    gate = TpmPinGate(tpm_tcti)
    slot = create_keyslot("N100", "nurse", "246810", x25519_keys.staff, cost=QUICK_COST, gate=gate)
    parsed = StaffKeyslot.from_bytes(slot)
    assert parsed.version == 2 and parsed.gate_blob
    assert StaffKeyslot.from_bytes(parsed.to_bytes()) == parsed
    assert unlock_keyslot(slot, "N100", "246810", gate=gate).staff_key == x25519_keys.staff
    with pytest.raises(WrongPin):
        unlock_keyslot(slot, "N100", "246811", gate=gate)
    with pytest.raises(KeyslotError, match="TPM"):
        unlock_keyslot(slot, "N100", "246810")
    with running_swtpm() as another_tpm:
        with pytest.raises(PinGateError, match="cannot load"):
            unlock_keyslot(slot, "N100", "246810", gate=TpmPinGate(another_tpm))


def test_a_gated_slot_cannot_borrow_another_slots_gate(
    tpm_tcti: str, x25519_keys: KioskKeys
) -> None:
    """Two nurses with the same PIN: moving one's TPM blob into the other's slot opens nothing
    (the blob is bound into the slot, and its authorization comes from the slot's own salt)."""
    gate = TpmPinGate(tpm_tcti)
    ada = StaffKeyslot.from_bytes(
        create_keyslot("N100", "nurse", "246810", x25519_keys.staff, cost=QUICK_COST, gate=gate)
    )
    bea = StaffKeyslot.from_bytes(
        create_keyslot("N101", "nurse", "246810", x25519_keys.staff, cost=QUICK_COST, gate=gate)
    )
    swapped = replace(ada, gate_blob=bea.gate_blob).to_bytes()
    with pytest.raises(WrongPin):
        unlock_keyslot(swapped, "N100", "246810", gate=gate)


def test_a_nurse_it_adds_on_a_tpm_kiosk_reads_after_another_nurse_unlocks(
    tpm_tcti: str, x25519_keys: KioskKeys
) -> None:
    gate = TpmPinGate(tpm_tcti)
    pending = create_pending_keyslot(
        "N200", "864200", suite=x25519_keys.suite, cost=QUICK_COST, gate=gate
    )
    assert not unlock_keyslot(pending, "N200", "864200", gate=gate).can_read_records
    completed = complete_pending(pending, x25519_keys.staff)
    credential = unlock_keyslot(completed, "N200", "864200", gate=gate)
    assert credential.staff_key == x25519_keys.staff
    assert credential.upgraded_slot is not None
    upgraded = StaffKeyslot.from_bytes(credential.upgraded_slot)
    assert upgraded.version == 2
    assert unlock_keyslot(credential.upgraded_slot, "N200", "864200", gate=gate).can_read_records


@pytest.mark.parametrize(
    "damage",
    [lambda blob: blob[:40], lambda blob: blob + b"\x00", lambda blob: b"XXXX" + blob[4:]],
    ids=["truncated", "trailing byte", "not ours"],
)
def test_a_damaged_tpm_blob_is_named_not_a_traceback(tpm_tcti: str, damage: object) -> None:
    with Tpm(tpm_tcti) as tpm:
        blob = tpm.seal(b"s" * 32, pin_auth=None)
        assert tpm.unseal(blob, pin_auth=None) == b"s" * 32
        with pytest.raises(TpmError):
            tpm.unseal(damage(blob), pin_auth=None)  # type: ignore[operator]


def test_a_device_secret_sealed_to_the_tpm_is_not_on_the_disk(
    tpm_tcti: str, tmp_path: Path
) -> None:
    folder = tmp_path / "kiosk"
    folder.mkdir(mode=0o700)
    secret = DeviceSecret.create(folder / "device-secret", tpm_tcti)
    sealed = secret.seal_at_rest(b"device key", "device signing key")
    on_disk = (folder / "device-secret").read_bytes()
    assert len(on_disk) > 32 and on_disk.startswith(b"KTPM")
    assert (
        DeviceSecret.load(folder / "device-secret").open_at_rest(sealed, "device signing key")
        == b"device key"
    )
    with pytest.raises(DeviceSecretError):
        DeviceSecret(on_disk[-32:], folder / "device-secret").open_at_rest(
            sealed, "device signing key"
        )
