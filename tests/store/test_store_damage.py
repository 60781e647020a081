"""What a failing disk or a careless copy does to a kiosk's files, seen through the `kiosk`
command IT runs (a real child process): an emptied kiosk.db is named and left alone, damaged
records are called damaged by `kiosk check`, verifying works on a read-only database and writes
nothing, and every file the kiosk makes is its owner's alone whatever the umask."""

from __future__ import annotations

import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.desk.enrolment import enroll
from kiosk.desk.facade import Kiosk
from kiosk.vault import Argon2Cost
from tests.examples import example_checkin
from tests.file_modes import honouring_file_modes
from tests.sync.clinic_harness import ClinicServer, engine_for

KIOSK = Path(sys.executable).parent / "kiosk"
CHEAP_SLOTS = Argon2Cost(memory_kib=8, iterations=1, lanes=1)


def kiosk_command(
    data: Path, *args: str, as_stranger: bool = False
) -> subprocess.CompletedProcess[str]:
    command = [str(KIOSK), "--data", str(data), *args]
    if as_stranger:
        command = honouring_file_modes(command)
    return subprocess.run(command, capture_output=True, text=True, timeout=120, cwd="/")


def make_kiosk(data: Path, patients: int = 0) -> list[str]:
    kiosk = Kiosk.init(data, demo=True, keyslot_cost=CHEAP_SLOTS)
    try:
        desk = kiosk.patient_desk()
        return [desk.submit_checkin(example_checkin()).record_id for _ in range(patients)]
    finally:
        kiosk.close()


def flip_bytes_inside_record(data: Path, record_id: str, count: int = 512) -> None:
    """A failing disk: up to `count` bytes inside one stored envelope flip, in the file itself
    (the store's triggers forbid rewriting a record; a disk obeys no trigger)."""
    database = data / "kiosk.db"
    with sqlite3.connect(database) as db:
        [(envelope,)] = db.execute("SELECT envelope FROM records WHERE record_id = ?", [record_id])
    db.close()
    content = bytearray(database.read_bytes())
    start = content.find(envelope[:64])
    wal = data / "kiosk.db-wal"
    assert start != -1 and (not wal.exists() or wal.stat().st_size == 0)
    # The envelope's first part sits whole on its page; flip only inside that part.
    length = next(
        (i for i in range(len(envelope)) if content[start + i] != envelope[i]), len(envelope)
    )
    for offset in range(start + 16, start + min(length, 16 + count)):
        content[offset] ^= 0xFF
    database.write_bytes(bytes(content))


# --- item 8 ----------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["status"], ["records", "list"], ["audit", "verify"]])
def test_an_emptied_kiosk_database_is_named_and_nothing_is_written(
    tmp_path: Path, command: list[str]
) -> None:
    data = tmp_path / "kiosk"
    make_kiosk(data)
    (data / "kiosk.db").write_bytes(b"")

    done = kiosk_command(data, *command)

    assert done.returncode != 0 and "Traceback" not in done.stderr
    [line] = done.stderr.strip().splitlines()
    assert "kiosk.db is empty (0 bytes)" in line and "nothing was written" in line
    assert (data / "kiosk.db").stat().st_size == 0
    assert not (data / "kiosk.db-wal").exists()


# --- item 9 ----------------------------------------------------------------------------------


def test_kiosk_check_names_a_record_a_failing_disk_damaged(tmp_path: Path) -> None:
    data = tmp_path / "kiosk"
    first, damaged, third = make_kiosk(data, patients=3)
    assert kiosk_command(data, "check").returncode == 0
    flip_bytes_inside_record(data, damaged)

    done = kiosk_command(data, "check")

    assert done.returncode == 1
    assert f"DAMAGED {damaged}" in done.stdout
    assert first not in done.stdout and third not in done.stdout
    assert "3 checked, 1 damaged" in done.stdout
    [line] = done.stderr.strip().splitlines()
    assert "DAMAGED" in line and "not tampered" in line


# --- item 10 ---------------------------------------------------------------------------------


def test_verifying_works_on_a_read_only_database_and_writes_nothing(tmp_path: Path) -> None:
    data = tmp_path / "kiosk"
    make_kiosk(data, patients=2)
    (data / "kiosk.db").chmod(0o400)
    data.chmod(0o500)
    before = (data / "kiosk.db").read_bytes()
    try:
        verified = kiosk_command(data, "audit", "verify", as_stranger=True)
        checked = kiosk_command(data, "check", as_stranger=True)
    finally:
        data.chmod(0o700)

    assert verified.returncode == 0, verified.stderr
    assert "audit chain ok" in verified.stdout
    assert checked.returncode == 0, checked.stderr
    assert (data / "kiosk.db").read_bytes() == before
    assert sorted(path.name for path in data.iterdir()) == [
        "clinic.toml", "demo-clinic-key", "device-secret", "kiosk.db",
    ]  # fmt: skip


# --- item 12 ---------------------------------------------------------------------------------


def test_a_new_kiosk_under_umask_022_keeps_its_files_to_itself(tmp_path: Path) -> None:
    data = tmp_path / "kiosk"
    done = subprocess.run(
        ["sh", "-c", f"umask 022 && exec {KIOSK} --data {data} init --demo"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in data.iterdir()}
    assert modes["kiosk.db"] == 0o600 and modes["clinic.toml"] == 0o600
    assert set(modes.values()) == {0o600}


def test_sync_holds_a_damaged_record_as_damage_and_delivers_the_rest(tmp_path: Path) -> None:
    """Before, the server refused it as `bad_envelope_signature` and the kiosk quarantined it as
    if tampered; now it never leaves the kiosk, and IT reads that the disk damaged it."""
    server = ClinicServer(tmp_path / "clinic-server").start()
    try:
        data = tmp_path / "kiosk"
        kiosk = Kiosk.init(data, demo=True, keyslot_cost=CHEAP_SLOTS)
        enroll(kiosk, server.url, server.enrolment_code())
        desk = kiosk.patient_desk()
        first, damaged, third = (desk.submit_checkin(example_checkin()).record_id for _ in "123")
        kiosk.close()
        flip_bytes_inside_record(data, damaged)
        kiosk = Kiosk.open(data)
        try:
            engine = engine_for(kiosk)
            report = engine.run_once(force=True)
            engine.close()
            rows = {row.record_id: row for row in kiosk.store.records()}
        finally:
            kiosk.close()
        refusals = server.admin("refusals")
        stored = {item.record_id for item in server.envelopes()}
    finally:
        server.stop()

    assert report.acked == 2 and report.quarantined == 1
    assert rows[damaged].state == "quarantined"
    assert rows[damaged].last_error is not None
    assert rows[damaged].last_error.startswith("damaged on this kiosk's disk")
    assert stored == {first, third}
    assert "bad_envelope_signature" not in refusals
