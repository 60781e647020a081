"""The systemd units IT installs (deploy/): systemd accepts them, and the command each starts
serves and stops within the unit's own stop timeout, run the way the operator guide says
(only the install prefix, data folders, certificate paths and ports moved to this test's)."""

from __future__ import annotations

import os
import re
import select
import shlex
import shutil
import signal
import ssl
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from kiosk.desk.facade import Kiosk
from kiosk.vault import Argon2Cost
from tests.sync.clinic_harness import ClinicServer, self_signed

DEPLOY = Path(__file__).parents[1] / "deploy"
UNITS = ("kiosk-serve.service", "clinic-server.service", "clinic-server-backup.service")
INSTALLED_VENV = "/opt/kiosk/.venv"
THIS_VENV = str(Path(sys.executable).parent.parent)
START_WAIT_S = 60


def unit_setting(unit: str, key: str) -> str:
    """One `Key=value` of a unit, continuation lines joined."""
    text = (DEPLOY / unit).read_text().replace("\\\n", " ")
    match = re.search(rf"^{key}=(.*)$", text, re.M)
    assert match is not None, f"{unit} has no {key}="
    return match.group(1)


def installed_here(unit: str, moves: dict[str, str]) -> list[str]:
    """The unit's ExecStart as this machine runs it: each path or port in `moves` replaced."""
    command = unit_setting(unit, "ExecStart").replace(INSTALLED_VENV, THIS_VENV)
    for installed, here in moves.items():
        command = command.replace(installed, here)
    return shlex.split(command)


def started(command: list[str], says: str) -> tuple[subprocess.Popen[bytes], str]:
    """Start a service's command; it and the first line of its output that contains `says`."""
    service = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert service.stdout is not None
    while True:
        ready, _, _ = select.select([service.stdout], [], [], START_WAIT_S)
        line = service.stdout.readline().decode() if ready else ""
        if not line:
            service.kill()
            raise AssertionError(f"{command[0]} did not start (nothing said {says!r})")
        if says in line:
            return service, line


def stopped_within_unit_timeout(service: subprocess.Popen[bytes], unit: str) -> str:
    """systemd's stop (SIGTERM), waited for no longer than the unit's TimeoutStopSec; what the
    service said meanwhile. systemd counts exit code 0 and death by SIGTERM as a clean stop."""
    service.send_signal(signal.SIGTERM)
    output, _ = service.communicate(timeout=float(unit_setting(unit, "TimeoutStopSec")))
    assert service.returncode in (0, -signal.SIGTERM), output.decode()
    return output.decode()


@pytest.mark.parametrize("unit", UNITS)
def test_systemd_accepts_the_unit(unit: str, tmp_path: Path) -> None:
    verifier = shutil.which("systemd-analyze")
    if verifier is None:
        if os.environ.get("CI"):
            pytest.fail("systemd-analyze is missing (Debian package systemd)")
        pytest.skip("systemd-analyze is missing")
    here = tmp_path / unit
    here.write_text((DEPLOY / unit).read_text().replace(INSTALLED_VENV, THIS_VENV))
    if unit == "clinic-server-backup.service":  # its timer is verified beside it
        timer = tmp_path / "clinic-server-backup.timer"
        timer.write_text((DEPLOY / timer.name).read_text())

    checked = subprocess.run([verifier, "verify", str(here)], capture_output=True, text=True)

    assert checked.returncode == 0 and checked.stderr == "", checked.stderr


def test_the_kiosk_unit_serves_the_check_in_page_and_stops_in_time(tmp_path: Path) -> None:
    data = tmp_path / "kiosk"
    # Why: a test-only low keyslot cost, passed explicitly: this is about the unit, not PINs.
    cheap = Argon2Cost(memory_kib=64, iterations=1, lanes=1)
    Kiosk.init(data, demo=True, keyslot_cost=cheap).close()
    command = installed_here(
        "kiosk-serve.service", {"/var/lib/kiosk": str(data), "--port 8000": "--port 0"}
    )

    service, said = started(command, "Kiosk check-in served at")
    try:
        url = said.rsplit(" ", 1)[1].strip()
        page = httpx.get(url, timeout=10)
        assert page.status_code == 200 and "Clinic check-in" in page.text
    finally:
        stopped_within_unit_timeout(service, "kiosk-serve.service")
    assert service.returncode == 0


def test_the_clinic_server_unit_answers_over_tls_and_stops_in_time(tmp_path: Path) -> None:
    home = tmp_path / "clinic-server"
    ClinicServer(home)  # `clinic-server init`, as the guide has IT do first
    cert, key, _ = self_signed(tmp_path, "clinic-server")
    command = installed_here(
        "clinic-server.service",
        {
            "/var/lib/clinic-server": str(home),
            "/etc/clinic-server/tls/cert.pem": cert,
            "/etc/clinic-server/tls/key.pem": key,
            "--host 0.0.0.0": "--host 127.0.0.1",
            "--port 8443": "--port 0",
        },
    )

    service, said = started(command, "listening on https://")
    try:
        port = said.rsplit(":", 1)[1].strip()
        trusting_it = ssl.create_default_context(cafile=cert)
        health = httpx.get(f"https://127.0.0.1:{port}/v1/health", verify=trusting_it, timeout=10)
        assert health.json()["status"] == "ok"
    finally:
        said_at_stop = stopped_within_unit_timeout(service, "clinic-server.service")
    # uvicorn finishes its requests, then re-raises the SIGTERM it caught.
    assert "Finished server process" in said_at_stop


def test_the_backup_unit_writes_a_backup_that_restores(tmp_path: Path) -> None:
    home, backups = tmp_path / "clinic-server", tmp_path / "backups"
    ClinicServer(home).enrolment_code()
    backups.mkdir()
    moves = {"/var/lib/clinic-server-backups": str(backups), "/var/lib/clinic-server": str(home)}
    command = unit_setting("clinic-server-backup.service", "ExecStart")
    for installed, here in {INSTALLED_VENV: THIS_VENV, **moves}.items():
        command = command.replace(installed, here)

    made = subprocess.run(shlex.split(command.replace("%%", "%")), capture_output=True, text=True)

    assert made.returncode == 0, made.stderr
    [backup] = backups.iterdir()
    restored = tmp_path / "restored"
    done = subprocess.run(
        [sys.executable, "-m", "sync.server.cli", "--home", str(restored), "restore", str(backup)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "audit chain hold" in done.stdout
