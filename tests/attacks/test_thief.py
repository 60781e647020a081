"""The thief: walks off with the tablet (or an image of its disk) and has all the time in the world.

They hold every file the kiosk wrote (database, WAL, shared memory, device secret, clinic
configuration, temp files) but no PIN, no staff key and no clinic key. Nothing of a check-in may
be readable, and each offline PIN guess must cost one full Argon2id derivation.
"""

from __future__ import annotations

import base64
import gzip
import shutil
import statistics
import struct
import tempfile
import time
import zlib
from pathlib import Path
from typing import Any

import pytest
from attack_canaries import (
    CANARIES,
    canary_checkin,
    canary_draft,
    files_under,
    find_canaries,
    find_in_bytes,
)
from conftest import NURSE_ID, NURSE_PIN, ClinicKiosk, make_clinic_kiosk

import kiosk.vault.keyslots as keyslots
from kiosk.desk.data_folder import DATABASE_NAME, SECRET_NAME
from kiosk.desk.errors import KioskError
from kiosk.desk.facade import Kiosk
from kiosk.intake.codec import to_payload
from kiosk.store import KioskStore
from kiosk.vault import (
    Argon2Cost,
    DeviceSecret,
    KeyslotError,
    StaffKeyslot,
    WrongPin,
    unlock_keyslot,
)
from tests.examples import example_vitals


def _slot_purpose(staff_id: str) -> str:
    """What the kiosk names a keyslot's at-rest seal (the thief reads the source code too)."""
    return f"staff keyslot {staff_id}"


def _use_the_kiosk(clinic: ClinicKiosk) -> str:
    """A morning at the kiosk: a draft, a check-in, its correction, a nurse opens it, vitals."""
    desk = clinic.kiosk.patient_desk()
    draft_id = desk.save_draft(canary_draft())
    first = desk.submit_checkin(canary_checkin(), supersedes=draft_id).record_id
    corrected = desk.submit_checkin(canary_checkin(), supersedes=first).record_id
    session = clinic.kiosk.unlock(NURSE_ID, NURSE_PIN)
    session.todays_summaries()
    session.open_record(corrected)
    session.record_vitals(example_vitals(checkin_id=corrected, nurse_id=NURSE_ID))
    session.lock()
    return corrected


@pytest.fixture
def private_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temp directory of the kiosk's own, so any temp file it writes is searched too."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_the_thiefs_search_sees_through_every_encoding_it_claims(tmp_path: Path) -> None:
    """Positive control: a canary hidden raw, as UTF-16, zlib, gzip, base64, hex and layered
    (base64 of zlib, hex of base64) inside noise is found every time."""
    word = CANARIES[3]
    hidden = {
        "raw": word.upper().encode(),
        "utf-16": word.encode("utf-16-le"),
        "zlib": zlib.compress(f"med={word};".encode()),
        "gzip": gzip.compress(word.encode()),
        "base64": base64.b64encode(f"xx{word}".encode()),
        "base64url": base64.urlsafe_b64encode(f"?{word}>".encode()),
        "hex": f"a{word}".encode().hex().encode(),
        "base64 of zlib": base64.b64encode(zlib.compress(word.encode())),
        "hex of base64": base64.b64encode(word.encode()).hex().encode(),
    }
    for name, blob in hidden.items():
        (tmp_path / f"{name}.bin").write_bytes(b"\x00\xffnoise " + blob + b" \x13noise")
    found = {sighting.path.stem for sighting in find_canaries(tmp_path, canaries=(word,))}
    assert found == set(hidden)


def test_a_stolen_kiosk_reveals_no_answer_of_any_patient(
    clinic_kiosk: ClinicKiosk, private_temp: Path, tmp_path: Path
) -> None:
    """Imaged while running (WAL not yet checkpointed) and again after shutdown: no canary in any
    file, raw or decoded; yet a nurse with the PIN reads every one of them back."""
    corrected = _use_the_kiosk(clinic_kiosk)
    running_image = tmp_path / "image-while-running"
    shutil.copytree(clinic_kiosk.data_dir, running_image)
    assert (running_image / f"{DATABASE_NAME}-wal").stat().st_size > 0, "WAL should hold data"

    assert find_canaries(running_image, private_temp) == []
    session = clinic_kiosk.kiosk.unlock(NURSE_ID, NURSE_PIN)
    opened = to_payload(session.open_record(corrected))
    session.lock()
    clinic_kiosk.kiosk.close()
    assert find_canaries(clinic_kiosk.data_dir, private_temp) == []
    # The canaries did reach the sealed record: only the keys stand between it and the thief.
    assert {canary for canary, _how in find_in_bytes(opened)} == set(CANARIES)


def test_no_key_that_opens_records_lies_on_the_disk_in_the_clear(
    clinic_kiosk: ClinicKiosk,
) -> None:
    """The staff private key, the clinic private key and the device signing key appear in no
    file, raw or as hex; the device secret appears only in its own file."""
    _use_the_kiosk(clinic_kiosk)
    session = clinic_kiosk.kiosk.unlock(NURSE_ID, NURSE_PIN)
    staff_key = session.staff_key_for_enrolment().to_bytes()
    session.lock()
    secrets = {
        "staff private key": staff_key[6:],  # the raw key after the tag and suite code
        "clinic private key": clinic_kiosk.clinic_key.to_bytes()[6:],
        "device signing key": clinic_kiosk.kiosk.device_key.to_bytes()[4:],
    }
    device_secret = (clinic_kiosk.data_dir / SECRET_NAME).read_bytes()
    for path in files_under(clinic_kiosk.data_dir):
        data = path.read_bytes().lower()
        for name, raw in secrets.items():
            assert raw not in data and raw.hex().encode() not in data, f"{name} in {path.name}"
        if path.name != SECRET_NAME:
            assert device_secret not in data and device_secret.hex().encode() not in data


def test_a_copy_of_the_database_alone_opens_nothing_even_with_the_pin(
    clinic_kiosk: ClinicKiosk, tmp_path: Path
) -> None:
    """Without the device secret file the kiosk will not open, and no keyslot in the database
    is even a keyslot: the nurse's correct PIN gets the thief nowhere."""
    _use_the_kiosk(clinic_kiosk)
    clinic_kiosk.kiosk.close()
    copy = tmp_path / "db-only"
    copy.mkdir(mode=0o700)
    shutil.copy(clinic_kiosk.data_dir / DATABASE_NAME, copy / DATABASE_NAME)

    with pytest.raises(KioskError) as refused:
        Kiosk.open(copy)
    assert SECRET_NAME in str(refused.value)
    store = KioskStore.open(copy / DATABASE_NAME)
    rows = store.list_staff()
    store.close()
    assert rows
    for row in rows:
        with pytest.raises(KeyslotError):
            unlock_keyslot(row.keyslot, row.staff_id, NURSE_PIN)


class _CountingArgon2id:
    """Stands in for cryptography's Argon2id and records every derivation the guess costs."""

    calls: list[dict[str, Any]] = []

    def __init__(self, **parameters: Any) -> None:
        self._parameters = parameters
        self._real = _REAL_ARGON2ID(**parameters)

    def derive(self, key_material: bytes) -> bytes:
        _CountingArgon2id.calls.append(self._parameters)
        return bytes(self._real.derive(key_material))


_REAL_ARGON2ID = keyslots.Argon2id


def test_each_offline_pin_guess_costs_one_full_calibrated_argon2id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a TPM the thief has the device secret too (same disk), so nothing but Argon2id
    stands between them and the nurse's keyslot: the cost `kiosk init` calibrated on this
    machine (256 MiB, at least half a second of a core), no shortcut that rejects a wrong PIN
    more cheaply, and the measured cost per guess is printed. (With a TPM: see
    test_thief_and_the_tpm.py.)"""
    clinic = make_clinic_kiosk(tmp_path / "kiosk-data", cost=None)
    protection = clinic.kiosk.pin_protection()
    clinic.kiosk.close()
    assert protection.tpm_tcti is None and protection.seconds_per_guess is not None
    assert protection.seconds_per_guess >= 0.5
    secret = DeviceSecret.load(clinic.data_dir / SECRET_NAME)
    store = KioskStore.open(clinic.data_dir / DATABASE_NAME)
    row = store.get_staff(NURSE_ID)
    store.close()
    assert row is not None
    slot = secret.open_at_rest(row.keyslot, _slot_purpose(NURSE_ID))
    parsed = StaffKeyslot.from_bytes(slot)
    assert parsed.cost == protection.cost and parsed.cost.memory_kib >= 256 * 1024

    monkeypatch.setattr(keyslots, "Argon2id", _CountingArgon2id)
    _CountingArgon2id.calls = []
    timings = []
    for guess in ("000000", "123456", "999999"):
        started = time.perf_counter()
        with pytest.raises(WrongPin):
            unlock_keyslot(slot, NURSE_ID, guess)
        timings.append(time.perf_counter() - started)
    assert len(_CountingArgon2id.calls) == 3
    for parameters in _CountingArgon2id.calls:
        assert parameters["memory_cost"] == parsed.cost.memory_kib
        assert parameters["iterations"] == parsed.cost.iterations
    per_guess = statistics.median(timings)
    print(
        f"\nthief: {per_guess * 1000:.0f} ms per PIN guess on this machine; the whole 6-digit "
        f"space costs {per_guess * 1_000_000 / 3600:.0f} core-hours"
    )


def test_a_thief_cannot_make_guessing_cheaper_by_lowering_the_slots_cost(tmp_path: Path) -> None:
    """The Argon2id parameters are bound into the slot's authenticated data: a slot rewritten to
    ask for less work no longer opens, even with the right PIN."""
    clinic = make_clinic_kiosk(tmp_path / "kiosk-data", cost=Argon2Cost(256, 2, 2))
    clinic.kiosk.close()
    secret = DeviceSecret.load(clinic.data_dir / SECRET_NAME)
    store = KioskStore.open(clinic.data_dir / DATABASE_NAME)
    row = store.get_staff(NURSE_ID)
    store.close()
    assert row is not None
    slot = bytearray(secret.open_at_rest(row.keyslot, _slot_purpose(NURSE_ID)))
    cost_at = 8 + slot[7]  # after magic, version, state, role, id length and the id
    assert struct.unpack(">IBB", slot[cost_at : cost_at + 6]) == (256, 2, 2)
    assert unlock_keyslot(bytes(slot), NURSE_ID, NURSE_PIN).can_read_records
    slot[cost_at : cost_at + 6] = struct.pack(">IBB", 8, 1, 1)
    with pytest.raises((WrongPin, KeyslotError)):
        unlock_keyslot(bytes(slot), NURSE_ID, NURSE_PIN)
