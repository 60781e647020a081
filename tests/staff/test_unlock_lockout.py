"""Wrong PINs at the staff unlock: each one audited, five lock the id, and the lock outlasts a
restart of the kiosk program."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from kiosk.kiosk import Kiosk, LockedOut, WrongPin
from kiosk.screens.it_console import ITConsoleScreen
from kiosk.screens.nurse_queue import NurseQueueScreen
from kiosk.screens.staff_unlock import StaffUnlockScreen
from tests.staff.conftest import IT, IT_PIN, NURSE, NURSE_PIN, StaffHostApp, make_kiosk


async def try_pin(pilot: Pilot[None], staff_id: str, pin: str) -> str:
    """Type an id and PIN at the unlock screen; returns what the screen says back."""
    app = pilot.app
    if not isinstance(app.screen, StaffUnlockScreen):
        await pilot.press("f12")
        await pilot.pause()
    await pilot.click("#staff-id")
    app.screen.query_one("#staff-id").value = ""
    await pilot.press(*staff_id)
    await pilot.click("#staff-pin")
    await pilot.press(*pin, "enter")
    await pilot.pause()
    if not isinstance(app.screen, StaffUnlockScreen):
        return ""
    return str(app.screen.query_one("#staff-unlock-problem", Static).render())


async def test_five_wrong_pins_lock_the_id_and_the_lock_survives_a_restart(tmp_path: Path) -> None:
    kiosk = make_kiosk(tmp_path / "kiosk")
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(100, 40)) as pilot:
        for _ in range(4):
            said = await try_pin(pilot, NURSE, "999999")
            assert said.startswith("Unknown staff id or wrong PIN")
        said = await try_pin(pilot, NURSE, "999999")
        assert "locked for" in said and ("30 more seconds" in said or "29 more" in said)
        said = await try_pin(pilot, NURSE, NURSE_PIN)
        assert "locked for" in said
        assert isinstance(app.screen, StaffUnlockScreen)
    failures = [e for e in kiosk.store.audit_entries() if e.action == "staff.unlock_failed"]
    assert [e.actor for e in failures] == [NURSE] * 5
    assert all(NURSE_PIN not in e.detail and "999999" not in e.detail for e in failures)
    kiosk.close()

    restarted = Kiosk.open(tmp_path / "kiosk")
    app = StaffHostApp(restarted)
    async with app.run_test(size=(100, 40)) as pilot:
        said = await try_pin(pilot, NURSE, NURSE_PIN)
        assert "locked for" in said
    restarted.close()


def test_each_further_lockout_is_twice_as_long(kiosk: Kiosk) -> None:
    start = datetime.now(UTC)
    for attempt in range(4):
        with pytest.raises(WrongPin):
            kiosk.unlock(NURSE, "000000", now=start + timedelta(seconds=attempt))
    with pytest.raises(LockedOut) as first:
        kiosk.unlock(NURSE, "000000", now=start + timedelta(seconds=4))
    assert first.value.until - (start + timedelta(seconds=4)) == timedelta(seconds=30)
    later = first.value.until + timedelta(seconds=1)
    for attempt in range(4):
        with pytest.raises(WrongPin):
            kiosk.unlock(NURSE, "000000", now=later + timedelta(seconds=attempt))
    with pytest.raises(LockedOut) as second:
        kiosk.unlock(NURSE, "000000", now=later + timedelta(seconds=4))
    assert second.value.until - (later + timedelta(seconds=4)) == timedelta(seconds=60)


async def test_an_unknown_id_reads_the_same_as_a_wrong_pin(kiosk: Kiosk) -> None:
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(100, 40)) as pilot:
        unknown = await try_pin(pilot, "NOBODY", NURSE_PIN)
        wrong = await try_pin(pilot, NURSE, "111111")
        assert unknown == wrong


async def test_hostile_text_in_the_staff_id_is_refused_plainly(kiosk: Kiosk) -> None:
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(100, 40)) as pilot:
        said = await try_pin(pilot, "[b]N100\x1b[2J\u202e", NURSE_PIN)
        assert said.startswith("Unknown staff id or wrong PIN")


async def test_the_same_unlock_takes_a_nurse_to_the_queue_and_it_to_the_console(
    kiosk: Kiosk,
) -> None:
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(100, 40)) as pilot:
        assert await try_pin(pilot, NURSE, NURSE_PIN) == ""
        assert isinstance(app.screen, NurseQueueScreen)
        await pilot.click("#staff-lock")
        await pilot.pause()
        assert await try_pin(pilot, IT, IT_PIN) == ""
        assert isinstance(app.screen, ITConsoleScreen)
