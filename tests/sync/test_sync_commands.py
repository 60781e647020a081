"""IT at the kiosk's command line: enrol, sync now, read the sync status, export the queue. Each
failure is one line naming the reason; nothing printed ever holds patient data."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from clinic_harness import ClinicServer, submit_checkins

from kiosk.cli.sync_commands import add_commands
from kiosk.desk.facade import Kiosk
from tests.examples import EXAMPLE_LEGAL_NAME


def kiosk_command(
    capsys: pytest.CaptureFixture[str], kiosk: Kiosk, *args: str
) -> tuple[int, str, str]:
    """Run `kiosk --data DIR ARGS...` with the sync subcommands, as kiosk/cli wires them."""
    parser = argparse.ArgumentParser(prog="kiosk")
    parser.add_argument("--data")
    add_commands(parser.add_subparsers(dest="command", required=True))
    parsed = parser.parse_args(["--data", str(kiosk.data_dir), *args])
    code = parsed.run(parsed)
    out, err = capsys.readouterr()
    assert EXAMPLE_LEGAL_NAME not in out + err
    return code, out, err


def test_it_enrols_and_sees_the_fingerprints_to_compare(
    capsys: pytest.CaptureFixture[str], kiosk: Kiosk, clinic_server: ClinicServer
) -> None:
    code, out, _ = kiosk_command(
        capsys, kiosk, "enroll", clinic_server.url, clinic_server.enrolment_code()
    )

    assert code == 0
    assert f"clinic key fingerprint:   {kiosk.clinic_fingerprint()}" in out
    assert "config key fingerprint" in out and kiosk.kiosk_id in out


def test_a_used_enrolment_code_is_refused_in_one_line(
    capsys: pytest.CaptureFixture[str], kiosk: Kiosk, clinic_server: ClinicServer
) -> None:
    used = clinic_server.enrolment_code()
    kiosk_command(capsys, kiosk, "enroll", clinic_server.url, used)

    code, out, err = kiosk_command(capsys, kiosk, "enroll", clinic_server.url, used)

    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "enrolment_code_invalid" in err


def test_plain_http_to_another_machine_is_refused(
    capsys: pytest.CaptureFixture[str], kiosk: Kiosk
) -> None:
    code, _, err = kiosk_command(capsys, kiosk, "enroll", "http://192.0.2.7:8443", "ABCDE")

    assert code == 1 and "use https" in err


def test_sync_now_delivers_and_status_shows_the_queue_and_last_success(
    capsys: pytest.CaptureFixture[str], kiosk: Kiosk, clinic_server: ClinicServer
) -> None:
    kiosk_command(capsys, kiosk, "enroll", clinic_server.url, clinic_server.enrolment_code())
    submit_checkins(kiosk, 2)

    code, out, _ = kiosk_command(capsys, kiosk, "sync", "now")
    assert code == 0 and "2 delivered" in out

    code, out, _ = kiosk_command(capsys, kiosk, "sync", "status")
    assert code == 0
    assert "2 acked" in out and "0 queued" in out
    assert "last success:     never" not in out


def test_status_after_a_failure_shows_the_reason_and_the_next_retry(
    capsys: pytest.CaptureFixture[str], kiosk: Kiosk, clinic_server: ClinicServer
) -> None:
    kiosk_command(capsys, kiosk, "enroll", clinic_server.url, clinic_server.enrolment_code())
    submit_checkins(kiosk, 1)
    clinic_server.admin("revoke", kiosk.kiosk_id)

    code, _, err = kiosk_command(capsys, kiosk, "sync", "now")
    assert code == 1 and "revoked_device" in err

    _, out, _ = kiosk_command(capsys, kiosk, "sync", "status")
    assert "last error:" in out and "revoked_device" in out
    assert "next retry:       20" in out and "1 queued" in out


def test_sync_now_on_a_kiosk_never_enrolled_says_how_to_enrol(
    capsys: pytest.CaptureFixture[str], kiosk: Kiosk
) -> None:
    code, _, err = kiosk_command(capsys, kiosk, "sync", "now")

    assert code == 1 and "kiosk enroll URL CODE" in err


def test_export_queue_writes_once_and_refuses_to_overwrite(
    capsys: pytest.CaptureFixture[str], kiosk: Kiosk, tmp_path: Path
) -> None:
    submit_checkins(kiosk, 2)
    target = tmp_path / "queue.csq"

    code, out, _ = kiosk_command(capsys, kiosk, "export-queue", str(target))
    assert code == 0 and "2 sealed records" in out
    before = target.read_bytes()

    code, _, err = kiosk_command(capsys, kiosk, "export-queue", str(target))
    assert code == 1 and "already exists" in err
    assert target.read_bytes() == before
