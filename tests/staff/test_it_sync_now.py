"""IT at the kiosk when the clinic server is down: "Sync now" says how the run ended, in the sync
engine's own words, and the sync status tells the last attempt from the next retry to the
second, counting the retry down. A real clinic server on loopback, stopped; the real kiosk App."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from textual.pilot import Pilot
from textual.widgets import Static

from kiosk.app import KioskApp
from kiosk.desk.enrolment import enroll
from kiosk.desk.facade import Kiosk
from kiosk.desk.staff_console import StaffConsole
from kiosk.screens.it_console import ITConsoleScreen
from sync.client.status import SyncStatus
from tests.examples import example_checkin
from tests.staff.conftest import IT, IT_PIN, make_kiosk
from tests.sync.clinic_harness import ClinicServer


def shown(pilot: Pilot[None], selector: str) -> str:
    return str(pilot.app.screen.query_one(selector, Static).render())


async def sign_in_as_it(pilot: Pilot[None]) -> None:
    await pilot.press("f12")
    await pilot.pause()
    await pilot.press(*IT, "enter", *IT_PIN, "enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ITConsoleScreen)


def enrolled_kiosk_whose_server_is_down(tmp_path: Path) -> Kiosk:
    """A kiosk with a check-in waiting, enrolled with a server that has since stopped, after
    three failed runs (so the engine backs off 20-40 s)."""
    server = ClinicServer(tmp_path / "clinic-server").start()
    kiosk = make_kiosk(tmp_path / "kiosk")
    enroll(kiosk, server.url, server.enrolment_code(), name="waiting room")
    kiosk.patient_desk().submit_checkin(example_checkin())
    server.stop()
    SyncStatus(consecutive_failures=3).save(kiosk.store)
    return kiosk


async def test_sync_now_with_the_server_down_says_it_could_not_connect_and_when_it_retries(
    tmp_path: Path,
) -> None:
    kiosk = enrolled_kiosk_whose_server_is_down(tmp_path)
    app = KioskApp(kiosk, sync_interval=None)
    async with app.run_test(size=(120, 60)) as pilot:
        await sign_in_as_it(pilot)
        await pilot.click("#it-sync-now")
        await app.workers.wait_for_complete()
        await pilot.pause()

        outcome = shown(pilot, "#it-sync-result")
        status_lines = shown(pilot, "#it-sync")
        now = datetime.now(UTC)
    assert outcome.startswith("\u2716 Sync failed: cannot connect to the clinic server at")
    status = SyncStatus.load(kiosk.store)
    assert status.last_attempt_at is not None and status.next_attempt_at is not None
    zone = ZoneInfo(kiosk.config.time_zone)
    attempt = status.last_attempt_at.astimezone(zone)
    assert f"Last attempt: {attempt:%Y-%m-%d %H:%M:%S %Z}" in status_lines
    retry = re.search(r"Next retry: (.+) \(in (\d+) s\)", status_lines)
    assert retry is not None, status_lines
    assert retry.group(1) == f"{status.next_attempt_at.astimezone(zone):%Y-%m-%d %H:%M:%S %Z}"
    left = (status.next_attempt_at - now).total_seconds()
    assert left - 2 <= int(retry.group(2)) <= left + 2
    kiosk.close()


def test_one_exported_record_is_one_sealed_record(kiosk: Kiosk, tmp_path: Path) -> None:
    kiosk.patient_desk().submit_checkin(example_checkin())
    said = StaffConsole(kiosk, actor=IT).export_queue(tmp_path / "queue.bin")
    assert said.startswith("1 sealed record written to ")
