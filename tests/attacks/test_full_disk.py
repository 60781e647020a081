"""The full disk: the kiosk's data directory on a small filesystem this test mounts (tmpfs, as
root) fills up mid-check-in.

What must hold: the check-in that cannot be stored fails with one calm line (a KioskError, never
a raw exception), every earlier record stays intact and readable, and once space (or the disk)
returns the kiosk stores again without anyone repairing anything.
"""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from attack_canaries import canary_checkin
from conftest import NURSE_ID, NURSE_PIN, ClinicKiosk, make_clinic_kiosk
from textual.pilot import Pilot
from textual.widgets import Button, Input, Static

from kiosk.app import IdleTimeouts, KioskApp
from kiosk.desk.errors import KioskError
from kiosk.desk.facade import Kiosk
from kiosk.intake.checkin_session import CheckInSession
from kiosk.intake.checkin_steps import STEPS
from kiosk.intake.records import CheckIn
from kiosk.screens.review import ReviewScreen
from kiosk.screens.staff_unlock import StaffUnlockScreen
from tests.examples import example_checkin, example_draft
from tests.waiting import button_ready

DISK_SIZE = "3m"
MAX_ATTEMPTS = 400


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 3 MiB tmpfs mounted for this test alone."""
    if os.geteuid() != 0:
        if os.environ.get("CI"):
            pytest.fail("the full-disk attack needs root to mount a tmpfs, and CI is set")
        pytest.skip("the full-disk attack needs root to mount a tmpfs")
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={DISK_SIZE},mode=0700", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"cannot mount a tmpfs under CI: {mounted.stderr.strip()}")
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def _fill(disk: Path) -> Path:
    """Write a filler file until the filesystem refuses another byte."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as error:
        assert error.errno == errno.ENOSPC
    finally:
        os.close(fd)
    return filler


def _submit_until_refused(kiosk: Kiosk) -> tuple[int, KioskError]:
    """Patients keep checking in until one check-in cannot be stored."""
    desk = kiosk.patient_desk()
    for stored in range(MAX_ATTEMPTS):
        try:
            desk.submit_checkin(example_checkin())
        except KioskError as refused:
            return stored, refused
    raise AssertionError(f"{MAX_ATTEMPTS} check-ins fitted on a full {DISK_SIZE} disk")


def _assert_intact(clinic: ClinicKiosk, expected: int) -> None:
    """SQLite's own check passes, the audit chain verifies, every check-in is there."""
    kiosk = clinic.kiosk
    assert kiosk.store.integrity_ok()
    assert kiosk.store.verify_audit(kiosk.device_verify_key).ok
    assert len(kiosk.store.records(kind="checkin")) == expected


def _assert_readable(clinic: ClinicKiosk) -> None:
    """The nurse opens every check-in (unlocking and opening write audit entries)."""
    rows = clinic.kiosk.store.records(kind="checkin")
    session = clinic.kiosk.unlock(NURSE_ID, NURSE_PIN)
    try:
        for row in rows:
            session.open_record(row.record_id)
    finally:
        session.lock()


def test_a_disk_that_fills_mid_check_in_refuses_calmly_keeps_the_rest_and_recovers(
    small_disk: Path,
) -> None:
    clinic = make_clinic_kiosk(small_disk / "kiosk-data")
    try:
        desk = clinic.kiosk.patient_desk()
        desk.save_draft(example_draft())
        desk.submit_checkin(canary_checkin())
        filler = _fill(small_disk)

        stored, refused = _submit_until_refused(clinic.kiosk)
        message = str(refused)
        assert "\n" not in message and "full" in message
        assert "Traceback" not in message and "sqlite3." not in message
        _assert_intact(clinic, expected=1 + stored)

        filler.unlink()
        _assert_readable(clinic)
        clinic.kiosk.patient_desk().submit_checkin(example_checkin())
        _assert_intact(clinic, expected=2 + stored)
    finally:
        clinic.kiosk.close()
    reopened = Kiosk.open(small_disk / "kiosk-data")
    try:
        assert reopened.store.integrity_ok()
        assert reopened.store.verify_audit(reopened.device_verify_key).ok
    finally:
        reopened.close()


def test_a_nurse_who_unlocks_on_a_full_disk_gets_a_clear_refusal_not_a_crash(
    small_disk: Path,
) -> None:
    """Unlocking writes (the failure counter, the audit entry): on a full disk it may be
    refused, but only with the facade's own errors, which the staff screens handle."""
    clinic = make_clinic_kiosk(small_disk / "kiosk-data")
    try:
        _fill(small_disk)
        _submit_until_refused(clinic.kiosk)
        try:
            clinic.kiosk.unlock(NURSE_ID, NURSE_PIN).lock()
        except KioskError as refused:
            assert "\n" not in str(refused)
    finally:
        clinic.kiosk.close()


async def test_the_unlock_screen_on_a_full_disk_says_so_in_one_line_and_unlocks_later(
    small_disk: Path,
) -> None:
    """The nurse at the unlock screen on a full disk reads why in one line, the kiosk keeps
    running, and once space returns the same PIN opens her shift."""
    clinic = make_clinic_kiosk(small_disk / "kiosk-data")
    app = KioskApp(clinic.kiosk, timeouts=IdleTimeouts(idle_seconds=900, warning_seconds=30))
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            filler = _fill(small_disk)
            stored, _ = _submit_until_refused(clinic.kiosk)
            said = await _unlock_at_the_screen(pilot)
            assert isinstance(app.screen, StaffUnlockScreen)
            assert "disk is full" in said and "\n" not in said.strip()

            filler.unlink()
            assert await _unlock_at_the_screen(pilot) == ""
            assert not isinstance(app.screen, StaffUnlockScreen)
        _assert_intact(clinic, expected=stored)
    finally:
        clinic.kiosk.close()


async def _unlock_at_the_screen(pilot: Pilot[None]) -> str:
    """Type the nurse's id and PIN at the staff unlock; what the screen says (nothing: open)."""
    app = pilot.app
    if not isinstance(app.screen, StaffUnlockScreen):
        await pilot.press("f12")
        await pilot.pause()
    app.screen.query_one("#staff-id", Input).value = ""
    await pilot.click("#staff-id")
    await pilot.press(*NURSE_ID)
    await pilot.click("#staff-pin")
    await pilot.press(*NURSE_PIN, "enter")
    await pilot.pause()
    if not isinstance(app.screen, StaffUnlockScreen):
        return ""
    return str(app.screen.query_one("#staff-unlock-problem", Static).render())


async def test_the_patient_whose_submit_does_not_fit_is_told_calmly_and_can_submit_again(
    small_disk: Path,
) -> None:
    """At the review screen on a full disk: Submit says the check-in could not be saved and
    keeps every answer; when space returns the same Submit stores it once and says Done."""
    clinic = make_clinic_kiosk(small_disk / "kiosk-data")
    app = KioskApp(
        clinic.kiosk,
        timeouts=IdleTimeouts(idle_seconds=900, warning_seconds=30),
        wall_clock=lambda: datetime(2025, 3, 14, 14, 30, tzinfo=UTC),
    )
    checkin = canary_checkin()
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await app.steps_built()
            session = CheckInSession("en", checkin.started_at)
            for step, section in zip(STEPS[:6], _sections(checkin), strict=True):
                session.keep(step, section)
            session.consent = checkin.consent
            app.session = session
            await app.show_step("review")
            await pilot.pause()
            filler = _fill(small_disk)
            _submit_until_refused(clinic.kiosk)  # what a draft might still have squeezed in
            before = len(clinic.kiosk.store.records(kind="checkin"))

            await _press_submit(app, pilot)
            assert isinstance(app.screen, ReviewScreen) and app.session is session
            failure = str(app.screen.query_one("#submit-failed", Static).render())
            assert "could not be saved" in failure
            assert len(clinic.kiosk.store.records(kind="checkin")) == before

            filler.unlink()
            await _press_submit(app, pilot)
            assert app.screen.name == "done"
            assert len(clinic.kiosk.store.records(kind="checkin")) == before + 1
    finally:
        clinic.kiosk.close()


def _sections(checkin: CheckIn) -> list[object]:
    return [
        checkin.identity,
        checkin.medications,
        checkin.history,
        checkin.migraine,
        checkin.phq9,
        checkin.checklist,
    ]


async def _press_submit(app: KioskApp, pilot: Pilot[None]) -> None:
    button = app.screen.query_one("#next", Button)
    button.scroll_visible(animate=False, immediate=True)
    await pilot.pause()
    await button_ready(pilot, button)
    assert await pilot.click(button)
    await app.seals_settled()
    await pilot.pause()
