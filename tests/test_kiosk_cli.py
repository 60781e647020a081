"""The `kiosk` command as IT types it: every command works, every mistake gets one clear line."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.kiosk import Kiosk, NewStaff
from kiosk.vault import Argon2Cost, EnvelopeSuite

ROOT = Path(__file__).resolve().parent.parent
CHEAP_SLOTS = Argon2Cost(memory_kib=8, iterations=1, lanes=1)


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str

    def one_line_error(self) -> str:
        """A user error: non-zero exit, exactly one line on stderr, no traceback."""
        assert self.code != 0
        lines = self.err.strip().splitlines()
        assert len(lines) == 1, self.err
        return lines[0]


Run = Callable[..., Ran]


@pytest.fixture
def kiosk_cmd(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    """Run `kiosk ARGS` in this process, capturing what a person would see."""

    def run(data: Path, *args: str, stdin: str = "") -> Ran:
        monkeypatch.setenv("KIOSK_DATA", str(data))
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = main(list(args))
        captured = capsys.readouterr()
        return Ran(code, captured.out, captured.err)

    return run


@pytest.fixture
def demo_data(tmp_path: Path) -> Path:
    """A demo kiosk made in-process with cheap keyslots (the real init is tested separately)."""
    data = tmp_path / "kiosk-data"
    Kiosk.init(data, demo=True, suite=EnvelopeSuite.X25519, keyslot_cost=CHEAP_SLOTS).close()
    return data


def test_init_demo_in_a_real_process_creates_a_private_kiosk(tmp_path: Path) -> None:
    data = tmp_path / "kiosk-data"
    done = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "init", "--demo"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "KIOSK_DATA": str(data)},
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "demo staff: N100 (nurse) PIN 246810, IT1 (it) PIN 135790" in done.stdout
    assert "DEMO ONLY" in done.stderr and "demo-clinic-key" in done.stderr
    assert data.stat().st_mode & 0o777 == 0o700
    names = {p.name for p in data.iterdir()}
    assert {"kiosk.db", "device-secret", "clinic.toml", "demo-clinic-key"} <= names


def test_init_twice_is_refused(kiosk_cmd: Run, demo_data: Path) -> None:
    assert "already holds a kiosk" in kiosk_cmd(demo_data, "init", "--demo").one_line_error()


def test_init_without_a_first_nurse_says_how(kiosk_cmd: Run, tmp_path: Path) -> None:
    assert "--nurse ID --name NAME" in kiosk_cmd(tmp_path / "k", "init").one_line_error()


def test_init_with_a_first_nurse_from_a_script(kiosk_cmd: Run, tmp_path: Path) -> None:
    data = tmp_path / "k"
    done = kiosk_cmd(
        data,
        "init",
        "--suite",
        "x25519",
        "--nurse",
        "N1",
        "--name",
        "Nurse One",
        "--pin-stdin",
        stdin="314159\n",
    )
    assert done.code == 0, done.err
    assert "none yet (enrol with the clinic server)" in done.out
    assert Kiosk.open(data).unlock("N1", "314159").can_read_records


def test_staff_are_added_listed_and_removed(kiosk_cmd: Run, demo_data: Path) -> None:
    added = kiosk_cmd(
        demo_data,
        "staff",
        "add",
        "N7",
        "--name",
        "Nurse Seven",
        "--role",
        "nurse",
        "--pin-stdin",
        stdin="777777\n",
    )
    assert added.code == 0, added.err
    assert "pending" in added.out
    listing = kiosk_cmd(demo_data, "staff", "list").out
    assert "N7" in listing and "Nurse Seven" in listing and "IT1" in listing
    assert kiosk_cmd(demo_data, "staff", "remove", "N7").code == 0
    assert "N7" not in kiosk_cmd(demo_data, "staff", "list").out


@pytest.mark.parametrize(
    ("args", "stdin", "expected"),
    [
        (("staff", "add", "N8", "--name", "X", "--role", "nurse", "--pin-stdin"), "12\n", "PIN"),
        (("staff", "add", "N8", "--name", "X", "--role", "nurse", "--pin-stdin"), "", "no PIN"),
        (("staff", "add", "a b", "--name", "X", "--role", "it", "--pin-stdin"), "123456\n", "id"),
        (
            ("staff", "add", "N8", "--name", "\x1b[31mred", "--role", "it", "--pin-stdin"),
            "123456\n",
            "staff name",
        ),
        (
            ("staff", "add", "N8", "--name", "\u202eevil", "--role", "it", "--pin-stdin"),
            "123456\n",
            "text-direction",
        ),
        (
            ("staff", "add", "N100", "--name", "X", "--role", "it", "--pin-stdin"),
            "123456\n",
            "already enrolled",
        ),
        (("staff", "remove", "NOBODY"), "", "no staff member NOBODY"),
    ],
)
def test_each_staff_mistake_gets_one_clear_line_and_changes_nothing(
    kiosk_cmd: Run, demo_data: Path, args: tuple[str, ...], stdin: str, expected: str
) -> None:
    before = kiosk_cmd(demo_data, "staff", "list").out
    assert expected in kiosk_cmd(demo_data, *args, stdin=stdin).one_line_error()
    assert kiosk_cmd(demo_data, "staff", "list").out == before


def test_pins_typed_twice_must_match(
    kiosk_cmd: Run, demo_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter(["123456", "654321"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    done = kiosk_cmd(demo_data, "staff", "add", "N9", "--name", "N", "--role", "it")
    assert "the two PINs differ" in done.one_line_error()


def test_records_are_listed_by_id_kind_state_and_time_only(kiosk_cmd: Run, demo_data: Path) -> None:
    from kiosk.intake.examples import EXAMPLE_LEGAL_NAME, example_checkin

    kiosk = Kiosk.open(demo_data)
    record_id = kiosk.patient_desk().submit_checkin(example_checkin()).record_id
    kiosk.close()
    done = kiosk_cmd(demo_data, "records", "list")
    assert done.code == 0
    assert record_id in done.out and "checkin" in done.out and "queued" in done.out
    assert "1 records (queued 1)" in done.out
    assert EXAMPLE_LEGAL_NAME not in done.out


def test_the_audit_chain_verifies_and_a_broken_one_is_named(
    kiosk_cmd: Run, demo_data: Path
) -> None:
    ok = kiosk_cmd(demo_data, "audit", "verify")
    assert ok.code == 0 and "audit chain ok" in ok.out

    conn = sqlite3.connect(demo_data / "kiosk.db")
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("UPDATE audit SET actor = 'mallory' WHERE seq = 2")
    conn.commit()
    conn.close()
    line = kiosk_cmd(demo_data, "audit", "verify").one_line_error()
    assert "BROKEN" in line and "audit entry 2" in line


def test_no_kiosk_here_is_one_line(kiosk_cmd: Run, tmp_path: Path) -> None:
    line = kiosk_cmd(tmp_path / "empty", "records", "list").one_line_error()
    assert "run `kiosk init`" in line


def test_a_database_from_newer_software_is_one_line(kiosk_cmd: Run, demo_data: Path) -> None:
    conn = sqlite3.connect(demo_data / "kiosk.db")
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    line = kiosk_cmd(demo_data, "records", "list").one_line_error()
    assert "newer kiosk" in line and "upgrade the kiosk software" in line


def test_an_unsafe_device_secret_is_named_with_the_fix(kiosk_cmd: Run, demo_data: Path) -> None:
    (demo_data / "device-secret").chmod(0o644)
    assert "chmod 600" in kiosk_cmd(demo_data, "staff", "list").one_line_error()


def test_a_broken_clinic_config_names_the_file(kiosk_cmd: Run, demo_data: Path) -> None:
    (demo_data / "clinic.toml").write_text("[timeouts\n", "utf-8")
    assert "clinic.toml" in kiosk_cmd(demo_data, "staff", "list").one_line_error()


def test_a_staff_name_with_escapes_already_stored_is_listed_inertly(
    kiosk_cmd: Run, demo_data: Path
) -> None:
    kiosk = Kiosk.open(demo_data)
    kiosk.store.put_staff("N5", "A\x1b[2Jb", "nurse", b"slot", actor="test")
    kiosk.close()
    listing = kiosk_cmd(demo_data, "staff", "list").out
    assert "\x1b" not in listing and "A?[2Jb" in listing


def test_the_first_nurse_keeps_the_staff_key(tmp_path: Path) -> None:
    kiosk = Kiosk.init(
        tmp_path / "k",
        first_nurse=NewStaff("N1", "One", "nurse", "123456"),
        keyslot_cost=CHEAP_SLOTS,
    )
    assert kiosk.unlock("N1", "123456").can_read_records
    kiosk.close()
