"""The `kiosk` command as IT types it, run as the real installed program in a child process:
every command works, every mistake gets one clear line on stderr and changes nothing."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import sqlite3
import subprocess
import sys
import termios
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from kiosk.desk.facade import Kiosk
from kiosk.vault import Argon2Cost, WrongPin
from tests.examples import EXAMPLE_LEGAL_NAME, example_checkin

KIOSK = Path(sys.executable).parent / "kiosk"  # the console script installed in this venv
CLINIC_SERVER = Path(sys.executable).parent / "clinic-server"
CHEAP_SLOTS = Argon2Cost(memory_kib=8, iterations=1, lanes=1)
PROCESS_TIMEOUT_S = 120


@dataclass(frozen=True)
class Ran:
    """What IT sees after one command: exit status, standard output, standard error."""

    code: int
    out: str
    err: str

    def one_line_error(self) -> str:
        """A user error: non-zero exit, exactly one line on stderr, no traceback."""
        assert self.code != 0, self.out
        lines = self.err.strip().splitlines()
        assert len(lines) == 1, self.err
        assert "Traceback" not in self.err
        return lines[0]

    def ok(self) -> str:
        assert self.code == 0, self.err
        return self.out


Run = Callable[..., Ran]


def run_kiosk(data: Path, *args: str, stdin: str = "") -> Ran:
    """`kiosk --data DATA ARGS...` as a script runs it: no terminal, stdin from a pipe."""
    done = subprocess.run(
        [str(KIOSK), "--data", str(data), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=PROCESS_TIMEOUT_S,
        check=False,
    )
    return Ran(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def demo_data(tmp_path: Path) -> Path:
    """A demo kiosk with cheap keyslots (made in-process: `kiosk init` itself is tested below
    with the real cost; every later command reuses the cost stored in the kiosk)."""
    data = tmp_path / "kiosk-data"
    Kiosk.init(data, demo=True, keyslot_cost=CHEAP_SLOTS).close()
    return data


def staff_ids(data: Path) -> list[str]:
    kiosk = Kiosk.open(data)
    try:
        return [row.staff_id for row in kiosk.store.list_staff()]
    finally:
        kiosk.close()


def can_unlock(data: Path, staff_id: str, pin: str) -> bool:
    kiosk = Kiosk.open(data)
    try:
        kiosk.unlock(staff_id, pin).lock()
        return True
    except WrongPin:
        return False
    finally:
        kiosk.close()


def submit_checkin(data: Path) -> str:
    kiosk = Kiosk.open(data)
    try:
        return kiosk.patient_desk().submit_checkin(example_checkin()).record_id
    finally:
        kiosk.close()


# ---- creating a kiosk ---------------------------------------------------------------------


def test_init_demo_creates_a_private_kiosk_and_warns_about_the_demo_key(tmp_path: Path) -> None:
    data = tmp_path / "kiosk-data"
    done = run_kiosk(data, "init", "--demo")
    out = done.ok()
    assert "demo staff: N100 (nurse) PIN 246810, IT1 (it) PIN 135790" in out
    assert "DEMO ONLY" in done.err and "demo-clinic-key" in done.err
    assert data.stat().st_mode & 0o777 == 0o700
    assert {"kiosk.db", "device-secret", "clinic.toml", "demo-clinic-key"} <= {
        p.name for p in data.iterdir()
    }
    kiosk = Kiosk.open(data)
    assert f"device key fingerprint: {kiosk.device_fingerprint()}" in out
    # No TPM here: Argon2id measured on this machine, at least half a second and 256 MiB.
    protection = kiosk.pin_protection()
    kiosk.close()
    assert protection.cost.memory_kib >= 256 * 1024
    assert protection.seconds_per_guess is not None and protection.seconds_per_guess >= 0.5
    said = re.search(r"^PIN protection: +(.*)$", run_kiosk(data, "status").ok(), re.MULTILINE)
    assert said is not None
    assert re.fullmatch(r"Argon2id, [0-9.]+ s and 256 MiB per guess \(no TPM\)", said[1])
    assert f"PIN protection: {said[1]}" in out


def test_init_on_a_machine_with_a_tpm_seals_to_it_and_status_says_so(
    tpm_tcti: str, tmp_path: Path
) -> None:
    data = tmp_path / "kiosk-data"
    out = run_kiosk(data, "init", "--demo").ok()
    assert "PIN protection: device secret sealed to the TPM" in out
    status = run_kiosk(data, "status").ok()
    assert (
        "PIN protection:      device secret sealed to the TPM; every PIN checked by the TPM: "
        "32 wrong PINs, then one every 30 s (0 counted now)"
    ) in status
    assert can_unlock(data, "N100", "246810")
    assert not can_unlock(data, "N100", "864200")
    assert "(1 counted now)" in run_kiosk(data, "status").ok()


def test_init_with_a_tpm_that_does_not_answer_is_one_line_and_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIOSK_TPM_TCTI", f"swtpm:path={tmp_path / 'no-tpm.sock'}")
    line = run_kiosk(tmp_path / "k", "init", "--demo").one_line_error()
    assert "TPM" in line and "KIOSK_TPM_TCTI=none" in line
    assert not (tmp_path / "k").exists()


def test_init_with_a_first_nurse_from_a_script(tmp_path: Path) -> None:
    data = tmp_path / "k"
    args = ("init", "--suite", "x25519", "--nurse", "N1", "--name", "Nurse One", "--pin-stdin")
    out = run_kiosk(data, *args, stdin="314159\n").ok()
    assert "none yet (enrol with the clinic server)" in out
    assert can_unlock(data, "N1", "314159")


def test_init_twice_is_refused(demo_data: Path) -> None:
    assert "already holds a kiosk" in run_kiosk(demo_data, "init", "--demo").one_line_error()


def test_init_without_a_first_nurse_says_how(tmp_path: Path) -> None:
    assert "--nurse ID --name NAME" in run_kiosk(tmp_path / "k", "init").one_line_error()
    assert not (tmp_path / "k").exists()


def test_init_into_a_file_instead_of_a_folder_is_one_line(tmp_path: Path) -> None:
    occupied = tmp_path / "not-a-folder"
    occupied.write_text("something else\n")
    line = run_kiosk(occupied, "init", "--demo").one_line_error()
    assert "cannot create" in line and "not-a-folder" in line


# ---- status -------------------------------------------------------------------------------


def test_status_shows_who_the_kiosk_is_and_where_its_records_are(demo_data: Path) -> None:
    submit_checkin(demo_data)
    out = run_kiosk(demo_data, "status").ok()
    kiosk = Kiosk.open(demo_data)
    assert f"kiosk id:            {kiosk.kiosk_id}" in out
    assert f"device key:          {kiosk.device_fingerprint()}" in out
    assert f"clinic key:          {kiosk.clinic_fingerprint()}" in out
    kiosk.close()
    assert "not enrolled (run `kiosk enroll URL CODE`)" in out
    assert "1 queued" in out and "last sync attempt:   never" in out
    assert EXAMPLE_LEGAL_NAME not in out


# ---- staff credentials --------------------------------------------------------------------


def test_it_adds_lists_resets_and_removes_a_person(demo_data: Path) -> None:
    added = run_kiosk(
        demo_data,
        "staff",
        "add",
        "IT7",
        "--name",
        "Ines Tech",
        "--role",
        "it",
        "--pin-stdin",
        stdin="740351\n",
    ).ok()
    assert added.strip() == "IT7 added"
    listing = run_kiosk(demo_data, "staff", "list").ok()
    assert "IT7" in listing and "Ines Tech" in listing and "N100" in listing

    reset = run_kiosk(demo_data, "staff", "reset-pin", "IT7", "--pin-stdin", stdin="836092\n")
    assert reset.ok().strip() == "new PIN set for IT7"
    assert can_unlock(demo_data, "IT7", "836092")
    assert not can_unlock(demo_data, "IT7", "740351")

    assert run_kiosk(demo_data, "staff", "remove", "IT7").ok().strip() == "IT7 removed"
    assert "IT7" not in staff_ids(demo_data)


def add_nurse_n7(data: Path) -> str:
    """IT adds nurse N7 (Nora Seven, PIN 740351) from a script; what the kiosk printed."""
    return run_kiosk(
        data,
        "staff",
        "add",
        "N7",
        "--name",
        "Nora Seven",
        "--role",
        "nurse",
        "--pin-stdin",
        stdin="740351\n",
    ).ok()


def test_a_nurse_added_by_it_can_read_records_once_another_nurse_unlocked(
    demo_data: Path,
) -> None:
    out = add_nurse_n7(demo_data)
    assert "after any nurse next unlocks" in out
    assert can_unlock(demo_data, "N100", "246810")  # completes N7's pending keyslot
    kiosk = Kiosk.open(demo_data)
    assert kiosk.unlock("N7", "740351").can_read_records
    kiosk.close()


ADD_IT = ("staff", "add", "N8", "--name", "Xavier", "--role", "it", "--pin-stdin")


@pytest.mark.parametrize(
    ("args", "stdin", "expected"),
    [
        (ADD_IT, "12\n", "PIN: use 6 to 128 digits"),
        (ADD_IT, "abcdefgh\n", "PIN: digits only"),
        (ADD_IT, "", "no PIN for N8 on standard input"),
        (("staff", "add", "a b", "--name", "X Y", "--role", "it", "--pin-stdin"), "482916\n", "id"),
        (
            ("staff", "add", "N8", "--name", "\x1b[31mred", "--role", "it", "--pin-stdin"),
            "482916\n",
            "name:",
        ),
        (
            ("staff", "add", "N8", "--name", "\u202eevil", "--role", "it", "--pin-stdin"),
            "482916\n",
            "name:",
        ),
        (
            ("staff", "add", "N100", "--name", "Xavier", "--role", "it", "--pin-stdin"),
            "482916\n",
            "N100 is already enrolled",
        ),
        (("staff", "remove", "NOBODY"), "", "no staff member 'NOBODY'"),
        (("staff", "reset-pin", "NOBODY", "--pin-stdin"), "482916\n", "no staff member"),
        (("staff", "reset-pin", "N100", "--pin-stdin"), "12\n", "PIN: use 6"),
        (("staff", "remove", "N100"), "", "N100 is the last nurse"),
    ],
)
def test_each_staff_mistake_gets_one_clear_line_and_changes_nothing(
    demo_data: Path, args: tuple[str, ...], stdin: str, expected: str
) -> None:
    before = staff_ids(demo_data)
    line = run_kiosk(demo_data, *args, stdin=stdin).one_line_error()
    assert expected in line
    assert "\x1b" not in line and "\u202e" not in line
    assert staff_ids(demo_data) == before
    assert can_unlock(demo_data, "N100", "246810")


def test_a_script_without_a_terminal_is_told_to_use_pin_stdin(demo_data: Path) -> None:
    done = run_kiosk(demo_data, "staff", "add", "N9", "--name", "Nina", "--role", "it")
    assert "--pin-stdin" in done.one_line_error()
    assert "N9" not in staff_ids(demo_data)


def type_at_terminal(data: Path, args: tuple[str, ...], typed: list[str]) -> Ran:
    """Run the command on a pseudo-terminal and type each answer after its prompt appears."""
    controller, terminal = pty.openpty()

    def own_terminal() -> None:  # the child's controlling terminal, so getpass opens /dev/tty
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    process = subprocess.Popen(
        [str(KIOSK), "--data", str(data), *args],
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=own_terminal,  # getpass reads the PIN from /dev/tty, as at a real terminal
    )
    os.close(terminal)
    shown = b""
    try:
        for prompts_before, answer in enumerate(typed):
            while shown.count(b"PIN for") <= prompts_before:
                ready, _, _ = select.select([controller], [], [], PROCESS_TIMEOUT_S)
                assert ready, f"no PIN prompt; the terminal showed {shown!r}"
                shown += os.read(controller, 1024)
            os.write(controller, answer.encode() + b"\n")
        out, err = process.communicate(timeout=PROCESS_TIMEOUT_S)
    finally:
        os.close(controller)
        if process.poll() is None:
            process.kill()
    assert b"482916" not in shown and b"654321" not in shown  # PINs are never echoed
    return Ran(process.returncode, out.decode(), err.decode())


def test_a_pin_typed_twice_at_the_terminal_enrols_the_person(demo_data: Path) -> None:
    args = ("staff", "add", "N9", "--name", "Nina", "--role", "it")
    assert type_at_terminal(demo_data, args, ["482916", "482916"]).ok().strip() == "N9 added"
    assert can_unlock(demo_data, "N9", "482916")


def test_two_different_pins_at_the_terminal_change_nothing(demo_data: Path) -> None:
    args = ("staff", "add", "N9", "--name", "Nina", "--role", "it")
    done = type_at_terminal(demo_data, args, ["482916", "654321"])
    assert "the two PINs differ" in done.one_line_error()
    assert "N9" not in staff_ids(demo_data)


def test_a_staff_name_with_escapes_already_stored_is_listed_inertly(demo_data: Path) -> None:
    kiosk = Kiosk.open(demo_data)
    kiosk.store.put_staff("N5", "A\x1b[2Jb", "nurse", b"slot", actor="test")
    kiosk.close()
    listing = run_kiosk(demo_data, "staff", "list").ok()
    assert "\x1b" not in listing and "A?[2Jb" in listing


def test_the_only_nurse_holding_the_staff_key_cannot_be_removed(demo_data: Path) -> None:
    add_nurse_n7(demo_data)
    assert "N100" in run_kiosk(demo_data, "staff", "remove", "N100").one_line_error()


# ---- records, quarantine, audit -------------------------------------------------------------


def test_records_are_listed_by_id_kind_state_and_time_only(demo_data: Path) -> None:
    record_id = submit_checkin(demo_data)
    out = run_kiosk(demo_data, "records", "list").ok()
    assert record_id in out and "checkin" in out and "queued" in out
    assert "1 records (queued 1)" in out
    assert EXAMPLE_LEGAL_NAME not in out


def test_it_sees_a_quarantined_record_with_the_server_reason_and_sends_it_again(
    demo_data: Path,
) -> None:
    record_id = submit_checkin(demo_data)
    assert run_kiosk(demo_data, "quarantine", "list").ok().strip() == "no quarantined records"
    kiosk = Kiosk.open(demo_data)
    kiosk.store.mark_quarantined(record_id, "conflict: \x1b[2Jother bytes under this id")
    kiosk.close()

    listing = run_kiosk(demo_data, "quarantine", "list").ok()
    assert record_id in listing and "conflict: ?[2Jother bytes under this id" in listing
    assert "\x1b" not in listing

    requeued = run_kiosk(demo_data, "quarantine", "requeue", record_id).ok()
    assert requeued.strip() == f"record {record_id} queued again"
    assert "1 records (queued 1)" in run_kiosk(demo_data, "records", "list").ok()
    again = run_kiosk(demo_data, "quarantine", "requeue", record_id).one_line_error()
    assert "is not in quarantine" in again


def test_requeueing_an_unknown_id_is_one_inert_line(demo_data: Path) -> None:
    line = run_kiosk(demo_data, "quarantine", "requeue", "\x1b[2Jnope").one_line_error()
    assert "?[2Jnope is not in quarantine" in line


def test_the_audit_chain_verifies_and_a_broken_one_is_named(demo_data: Path) -> None:
    assert "audit chain ok" in run_kiosk(demo_data, "audit", "verify").ok()

    conn = sqlite3.connect(demo_data / "kiosk.db")
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("UPDATE audit SET actor = 'mallory' WHERE seq = 2")
    conn.commit()
    conn.close()
    line = run_kiosk(demo_data, "audit", "verify").one_line_error()
    assert "BROKEN" in line and "audit entry 2" in line


# ---- a kiosk that cannot be opened ----------------------------------------------------------


def test_no_kiosk_here_is_one_line(tmp_path: Path) -> None:
    line = run_kiosk(tmp_path / "empty", "status").one_line_error()
    assert "run `kiosk init`" in line


def test_a_database_from_newer_software_is_one_line(demo_data: Path) -> None:
    conn = sqlite3.connect(demo_data / "kiosk.db")
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    line = run_kiosk(demo_data, "records", "list").one_line_error()
    assert "newer kiosk" in line and "upgrade the kiosk software" in line


def test_an_unsafe_device_secret_is_named_with_the_fix(demo_data: Path) -> None:
    (demo_data / "device-secret").chmod(0o644)
    assert "chmod 600" in run_kiosk(demo_data, "staff", "list").one_line_error()


def test_a_broken_clinic_config_names_the_file(demo_data: Path) -> None:
    (demo_data / "clinic.toml").write_text("[timeouts\n", "utf-8")
    assert "clinic.toml" in run_kiosk(demo_data, "status").one_line_error()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("bogus",), "invalid choice: 'bogus'"),
        (("staff",), "required: ACTION"),
        (("staff", "add", "N8", "--name", "X", "--role", "boss"), "invalid choice: 'boss'"),
        (("quarantine", "requeue"), "required: ID"),
        (("serve", "--port", "\x1b[2J"), "--port: invalid int value"),
    ],
)
def test_a_mistyped_command_line_is_one_line_not_a_usage_page(
    demo_data: Path, args: tuple[str, ...], expected: str
) -> None:
    done = run_kiosk(demo_data, *args)
    assert expected in done.one_line_error()
    assert done.code == 2 and "\x1b" not in done.err


# ---- sync, export, serve --------------------------------------------------------------------


def test_the_sealed_queue_is_exported_once_and_never_over_an_existing_file(
    demo_data: Path, tmp_path: Path
) -> None:
    submit_checkin(demo_data)
    target = tmp_path / "queue.sealed"
    out = run_kiosk(demo_data, "export-queue", str(target)).ok()
    assert "1 sealed record written" in out
    assert target.stat().st_mode & 0o777 == 0o600
    assert EXAMPLE_LEGAL_NAME.encode() not in target.read_bytes()

    before = target.read_bytes()
    line = run_kiosk(demo_data, "export-queue", str(target)).one_line_error()
    assert "already exists" in line and target.read_bytes() == before


def test_sync_before_enrolment_says_to_enrol(demo_data: Path) -> None:
    line = run_kiosk(demo_data, "sync", "now").one_line_error()
    assert "not enrolled" in line and "kiosk enroll URL CODE" in line
    assert "not enrolled" in run_kiosk(demo_data, "sync", "status").ok()


def test_enrolling_with_a_server_that_is_not_there_is_one_line(demo_data: Path) -> None:
    line = run_kiosk(demo_data, "enroll", "http://127.0.0.1:9", "ABCDEF").one_line_error()
    assert line.startswith("kiosk: ")
    assert "not enrolled" in run_kiosk(demo_data, "status").ok()


@dataclass
class ClinicServerProcess:
    """`clinic-server run` on a free loopback port, and its admin commands."""

    home: Path
    url: str
    process: subprocess.Popen[str]

    def admin(self, *args: str) -> str:
        done = subprocess.run(
            [str(CLINIC_SERVER), "--home", str(self.home), *args],
            capture_output=True,
            text=True,
            timeout=PROCESS_TIMEOUT_S,
            check=True,
        )
        return done.stdout


@pytest.fixture
def clinic_server(tmp_path: Path) -> Iterator[ClinicServerProcess]:
    home = tmp_path / "clinic"
    passphrase = tmp_path / "passphrase"
    passphrase.write_text("correct horse battery staple\n")
    subprocess.run(
        [str(CLINIC_SERVER), "--home", str(home), "init", "--passphrase-file", str(passphrase)],
        capture_output=True,
        timeout=PROCESS_TIMEOUT_S,
        check=True,
    )
    process = subprocess.Popen(
        [str(CLINIC_SERVER), "--home", str(home), "run", "--port", "0", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert "listening on" in line, line
    try:
        yield ClinicServerProcess(home, line.split()[-1], process)
    finally:
        process.terminate()
        process.wait(timeout=PROCESS_TIMEOUT_S)


def test_it_enrols_the_kiosk_and_delivers_its_records_from_the_shell(
    demo_data: Path, clinic_server: ClinicServerProcess
) -> None:
    code = clinic_server.admin("enroll-token").strip()
    enrolled = run_kiosk(demo_data, "enroll", clinic_server.url, code, "--name", "front desk")
    assert "clinic key fingerprint" in enrolled.ok()
    submit_checkin(demo_data)

    status = run_kiosk(demo_data, "status").ok()
    assert f"enrolment:           {clinic_server.url}" in status and "1 queued" in status
    delivered = run_kiosk(demo_data, "sync", "now").ok()
    assert "1 delivered" in delivered

    after = run_kiosk(demo_data, "status").ok()
    assert "1 acked" in after and "last sync success:   never" not in after
    assert EXAMPLE_LEGAL_NAME not in enrolled.out + status + delivered + after


def test_serve_listens_on_loopback_and_stops_cleanly_on_sigterm(demo_data: Path) -> None:
    process = subprocess.Popen(
        [str(KIOSK), "--data", str(demo_data), "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    try:
        line = process.stdout.readline()
        assert line.startswith("Kiosk check-in served at http://127.0.0.1:"), line
        page = httpx.get(line.split()[-1], timeout=30)
        assert page.status_code == 200 and "Clinic check-in" in page.text
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=PROCESS_TIMEOUT_S) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_serving_to_the_network_needs_public_and_serving_nothing_is_refused(
    demo_data: Path, tmp_path: Path
) -> None:
    line = run_kiosk(demo_data, "serve", "--host", "0.0.0.0").one_line_error()
    assert "add --public" in line
    assert "run `kiosk init`" in run_kiosk(tmp_path / "none", "serve").one_line_error()
