"""The thief against a kiosk whose machine has a TPM 2.0 (here a real swtpm, started per test).

With a TPM the device secret is sealed to it and every PIN is checked by it. A copy of the disk
then holds nothing to guess; the tablet itself still has its TPM, so the thief can try PINs on
it, past the PIN pad if they have root, but every try goes through the TPM, whose lockout
`kiosk init` set to the pad's own pace: 32 wrong PINs, then one every 30 s, and nobody can
reset the count. A patient at the pad, who gets at most 2 tries a minute, never trips it.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from attack_canaries import canary_checkin, find_canaries
from conftest import NURSE_ID, NURSE_PIN, make_clinic_kiosk
from tpm2_pytss import ESAPI, TCTILdr, TSS2_Exception

from kiosk.desk.data_folder import DATABASE_NAME, SECRET_NAME
from kiosk.desk.errors import KioskError
from kiosk.desk.facade import Kiosk
from kiosk.desk.unlock import LockedOut
from kiosk.store import KioskStore
from kiosk.vault import (
    DeviceSecret,
    DeviceSecretError,
    KeyslotError,
    PinGateLocked,
    WrongPin,
    unlock_keyslot,
)
from tests.swtpm import running_swtpm

WRONG_PINS = [f"{n:06d}" for n in range(100000, 100040)]


def _nurse_slot(data_dir: Path, secret: DeviceSecret) -> bytes:
    store = KioskStore.open(data_dir / DATABASE_NAME)
    try:
        row = store.get_staff(NURSE_ID)
    finally:
        store.close()
    assert row is not None
    return secret.open_at_rest(row.keyslot, f"staff keyslot {NURSE_ID}")


def test_a_copied_disk_holds_nothing_to_guess(
    tpm_tcti: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The thief copies the whole data folder and takes it to their own machine (with its own
    TPM, or none): the kiosk does not open, no 32 bytes of the device secret file open the
    device key, and no keyslot can be reached even knowing the nurse's PIN."""
    clinic = make_clinic_kiosk(tmp_path / "kiosk-data")
    clinic.kiosk.patient_desk().submit_checkin(canary_checkin())
    clinic.kiosk.close()
    stolen = tmp_path / "stolen"
    shutil.copytree(clinic.data_dir, stolen)
    assert not find_canaries(stolen)

    with running_swtpm() as thiefs_tpm:
        monkeypatch.setenv("KIOSK_TPM_TCTI", thiefs_tpm)
        with pytest.raises(KioskError, match="TPM"):
            Kiosk.open(stolen)
    monkeypatch.setenv("KIOSK_TPM_TCTI", "none")
    with pytest.raises(KioskError, match="sealed to a TPM"):
        Kiosk.open(stolen)

    file_bytes = (stolen / SECRET_NAME).read_bytes()
    store = KioskStore.open(stolen / DATABASE_NAME)
    sealed_slot = next(row.keyslot for row in store.list_staff() if row.staff_id == NURSE_ID)
    store.close()
    for start in range(len(file_bytes) - 31):
        candidate = DeviceSecret(file_bytes[start : start + 32], stolen / SECRET_NAME)
        with pytest.raises(DeviceSecretError):
            candidate.open_at_rest(sealed_slot, f"staff keyslot {NURSE_ID}")


def test_root_on_the_stolen_tablet_gets_32_guesses_then_nothing_it_can_hurry(
    tpm_tcti: str, tmp_path: Path
) -> None:
    """With the tablet itself the thief unseals the device secret (it is the kiosk's own TPM)
    and calls the keyslot directly, skipping the PIN pad. Each guess still goes to the TPM:
    after 32 wrong ones it refuses every PIN, the right one too; without the TPM the right PIN
    opens nothing; and the TPM will not reset its count for them."""
    clinic = make_clinic_kiosk(tmp_path / "kiosk-data")
    clinic.kiosk.close()
    secret = DeviceSecret.load(clinic.data_dir / SECRET_NAME)
    slot = _nurse_slot(clinic.data_dir, secret)
    gate = secret.pin_gate()

    for guess in WRONG_PINS[:32]:
        with pytest.raises(WrongPin):
            unlock_keyslot(slot, NURSE_ID, guess, gate=gate)
    with pytest.raises(PinGateLocked) as locked:
        unlock_keyslot(slot, NURSE_ID, NURSE_PIN, gate=gate)
    assert locked.value.retry_after_s == 30
    with pytest.raises(KeyslotError):
        unlock_keyslot(slot, NURSE_ID, NURSE_PIN)  # the Argon2id alone, without the TPM's share

    thief = ESAPI(TCTILdr.parse(tpm_tcti))
    try:
        with pytest.raises(TSS2_Exception):
            thief.dictionary_attack_lock_reset()  # empty lockout authorization, as shipped
        with pytest.raises(TSS2_Exception):
            thief.dictionary_attack_parameters(1000, 0, 0)  # "no lockout at all"
    finally:
        thief.close()
    with pytest.raises(PinGateLocked):
        unlock_keyslot(slot, NURSE_ID, NURSE_PIN, gate=gate)


def test_a_patient_guessing_at_the_pad_never_locks_the_nurse_out_through_the_tpm(
    tpm_tcti: str, tmp_path: Path
) -> None:
    """A TPM as it ships (swtpm's and many machines' defaults) locks for 1000 s after 3 wrong
    PINs; `kiosk init` sets it to the pad's pace, so after 8 wrong PINs at the pad, each at the
    first moment the pad allows, the nurse's right PIN opens once the pad's wait is over."""
    clinic = make_clinic_kiosk(tmp_path / "kiosk-data")
    kiosk = clinic.kiosk
    when = datetime.now(UTC)
    checked = 0
    for guess in WRONG_PINS[:8]:
        try:
            kiosk.unlock(NURSE_ID, guess, now=when)
        except WrongPin:
            checked += 1
        except LockedOut as wait:
            assert wait.pin_checked, "a try the pad allowed was not checked"
            checked += 1
            when = wait.until
    assert checked == 8
    session = kiosk.unlock(NURSE_ID, NURSE_PIN, now=when)
    assert session.can_read_records
    assert "8 counted now" in kiosk.pin_protection().describe()
    kiosk.close()
