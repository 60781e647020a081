"""What IT gets wrong at the clinic server's command line, and what a disk does to its files:
each is one line naming the thing and what to do, exit 2, nothing announced and nothing
created or written. `run` is a real process, as a service manager starts it."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from clinic_server_harness import KioskDouble, ServerHome, make_home

from sync.server.cli import main as clinic_server
from sync.server.ingest import receive_envelopes
from sync.server.storage import ClinicStore
from tests.file_modes import honouring_file_modes


@pytest.fixture
def home(tmp_path: Path) -> ServerHome:
    return make_home(tmp_path)


def run_command(
    home: ServerHome, *args: str, db_url: str | None = None, as_stranger: bool = False
) -> subprocess.CompletedProcess[str]:
    """`clinic-server ...` in its own process (bound by file modes when `as_stranger`)."""
    command = [sys.executable, "-m", "sync.server.cli", "--home", str(home.home)]
    command += ["--db", db_url or home.db_url, *args]
    if as_stranger:
        command = honouring_file_modes(command)
    return subprocess.run(
        command, capture_output=True, text=True, timeout=60, cwd="/", env=_importable()
    )


def _importable() -> dict[str, str]:
    root = Path(__file__).resolve().parents[2]
    return {**os.environ, "PYTHONPATH": str(root)}


def one_line_refusal(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    assert "listening" not in done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    for word in words:
        assert word in lines[0], lines[0]


# --- item 5: run and export print one line, and nothing is announced before it --------------


def test_run_on_a_port_that_does_not_exist_is_one_line(home: ServerHome) -> None:
    one_line_refusal(run_command(home, "run", "--port", "99999"), "--port 99999")


def test_run_with_a_missing_certificate_says_so_before_listening(
    home: ServerHome, tmp_path: Path
) -> None:
    key = tmp_path / "key.pem"
    key.write_text("not a key\n")
    done = run_command(
        home, "run", "--tls-cert", str(tmp_path / "missing.pem"), "--tls-key", str(key)
    )
    one_line_refusal(done, "missing.pem", "No such file")


def test_run_with_a_garbage_certificate_says_so_before_listening(
    home: ServerHome, tmp_path: Path
) -> None:
    garbage = tmp_path / "cert.pem"
    garbage.write_bytes(os.urandom(300))
    done = run_command(home, "run", "--tls-cert", str(garbage), "--tls-key", str(garbage))
    one_line_refusal(done, "cert.pem", "PEM")


@pytest.mark.parametrize("command", ["run", "export"])
def test_a_home_the_server_cannot_read_is_one_line(
    home: ServerHome, command: str, tmp_path: Path
) -> None:
    """As the service's user would meet a home it may not read (mode 0, file modes binding)."""
    passphrase = tmp_path / "passphrase"  # outside the home: only the home is unreadable
    passphrase.write_text(home.passphrase_file.read_text())
    args = (
        ["run", "--port", "0"] if command == "run" else ["export", "--out", str(tmp_path / "out")]
    )
    if command == "export":
        args += ["--passphrase-file", str(passphrase)]
    home.home.chmod(0)
    try:
        done = run_command(home, *args, as_stranger=True)
    finally:
        home.home.chmod(0o700)
    one_line_refusal(done, str(home.home), "Permission denied")


# --- item 6: only init creates a database -----------------------------------------------------


@pytest.mark.parametrize("command", [["devices"], ["enroll-token"], ["run", "--port", "0"]])
def test_a_missing_database_is_refused_by_path_and_not_created(
    home: ServerHome, tmp_path: Path, command: list[str]
) -> None:
    database = Path(home.db_url.removeprefix("sqlite:///"))
    database.unlink()

    done = run_command(home, *command)

    one_line_refusal(done, str(database), "no clinic database")
    assert not database.exists()


def test_a_mistyped_database_path_is_refused_and_not_created(
    home: ServerHome, tmp_path: Path
) -> None:
    typo = tmp_path / "clinc.db"
    done = run_command(home, "devices", db_url=f"sqlite:///{typo}")
    one_line_refusal(done, str(typo))
    assert not typo.exists()


def test_an_empty_database_file_is_refused_and_left_empty(home: ServerHome) -> None:
    database = Path(home.db_url.removeprefix("sqlite:///"))
    database.write_bytes(b"")

    done = run_command(home, "run", "--port", "0")

    one_line_refusal(done, str(database), "empty", "restore")
    assert database.stat().st_size == 0


# --- item 7: a damaged database is named as damaged, with the way out -------------------------


@pytest.mark.parametrize("damage", ["truncated", "flipped header"])
def test_a_damaged_database_is_named_with_restoring_a_backup(home: ServerHome, damage: str) -> None:
    for _ in range(40):  # enough rows that the file has pages past its schema
        home.enrolment_code()
    database = Path(home.db_url.removeprefix("sqlite:///"))
    if damage == "truncated":
        os.truncate(database, database.stat().st_size // 2)
    else:
        with database.open("r+b") as handle:
            handle.write(bytes(b ^ 0xFF for b in handle.read(16)))

    done = run_command(home, "devices")

    one_line_refusal(done, str(database), "damaged", "clinic-server restore")


# --- item 11: values out of range are refused by name -----------------------------------------


@pytest.mark.parametrize("hours", ["-5", "0", "nan", "100000"])
def test_an_enrolment_code_that_could_never_be_used_is_not_made(
    home: ServerHome, hours: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert home.cli("enroll-token", "--valid-hours", hours) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "--valid-hours" in err and "no code was made" in err


@pytest.mark.parametrize("size", ["-5", "0", "100", str(1 << 40)])
def test_run_refuses_a_body_limit_no_kiosk_could_work_with(home: ServerHome, size: str) -> None:
    one_line_refusal(run_command(home, "run", "--max-body-bytes", size), "--max-body-bytes")


# --- item 12: files are the owner's alone whatever the umask ----------------------------------


def test_init_under_umask_022_creates_the_database_and_keys_0600(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        made = make_home(tmp_path)
    finally:
        os.umask(previous)
    database = Path(made.db_url.removeprefix("sqlite:///"))
    modes = {
        path.name: stat.S_IMODE(path.stat().st_mode) for path in [database, *made.home.iterdir()]
    }
    assert modes == dict.fromkeys(modes, 0o600)
    assert clinic_server(["--home", str(made.home), "--db", made.db_url, "devices"]) == 0


# --- item 9 (the server's half): an export that skipped a damaged record says so and fails ----


def test_an_export_that_skips_a_damaged_record_exits_non_zero_naming_it(
    home: ServerHome, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kiosk = KioskDouble("http://127.0.0.1:9", home.clinic_key())
    store = ClinicStore.open(home.db_url, time.time())
    try:
        store.add_enrolment_token("ABCDE-FGHJK-MNPQR-STUVW", time.time(), time.time() + 60)
        store.enrol(
            "ABCDE-FGHJK-MNPQR-STUVW",
            kiosk.device_id,
            kiosk.device_key.verify_key().raw,
            "desk",
            time.time(),
        )
        good, bad = kiosk.seal_checkin(), kiosk.seal_checkin()
        stored = receive_envelopes(
            store, home.clinic_key(), [good.envelope, bad.envelope], time.time(),
            requesting_device=None, source="import",
        )  # fmt: skip
        assert [r.status.value for r in stored] == ["accepted", "accepted"]
    finally:
        store.close()
        kiosk.http.close()
    damaged = bytearray(bad.envelope)
    damaged[len(damaged) // 2] ^= 0x01
    with sqlite3.connect(home.db_url.removeprefix("sqlite:///")) as db:
        db.execute(
            "UPDATE envelopes SET envelope = ? WHERE record_id = ?", (bytes(damaged), bad.record_id)
        )
    capsys.readouterr()

    status = home.cli(
        "export", "--out", str(tmp_path / "fhir"), "--passphrase-file", str(home.passphrase_file)
    )

    out, err = capsys.readouterr()
    assert status == 1
    assert f"checkin-{good.record_id}.json" in {path.name for path in (tmp_path / "fhir").iterdir()}
    assert bad.record_id in err and "could not be opened" in err
