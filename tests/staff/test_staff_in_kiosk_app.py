"""The staff side inside the real kiosk App: F12 (or, on a tablet, a tap on the staff line) from
the patient's welcome screen opens the unlock, the patient screen is hidden behind the staff
screens, and Lock brings it back."""

from __future__ import annotations

from textual.widgets import Button

from kiosk.app import KioskApp
from kiosk.desk.facade import Kiosk
from kiosk.screens.chair_board import ChairBoardScreen
from kiosk.screens.nurse_queue import NurseQueueScreen
from kiosk.screens.staff_unlock import StaffUnlockScreen
from kiosk.widgets.staff_queue_table import StaffQueueTable
from tests.staff.conftest import NURSE, NURSE_PIN, seed_today
from tests.staff.journeys import unlock
from tests.waiting import button_ready, wait_until


async def test_f12_unlock_queue_and_lock_inside_the_kiosk_app(kiosk: Kiosk) -> None:
    seed_today(kiosk)
    app = KioskApp(kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        patient_screen = app.screen
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, StaffUnlockScreen)
        await pilot.press(*NURSE, "enter", *NURSE_PIN, "enter")
        await pilot.pause()
        assert isinstance(app.screen, NurseQueueScreen)
        assert app.screen.query_one(StaffQueueTable).row_count == 3
        # Staff screens are opaque full screens: nothing of the patient's shows through.
        assert not app.screen.is_modal
        await pilot.press("f12")  # the staff key does nothing more while a shift is open
        await pilot.pause()
        assert isinstance(app.screen, NurseQueueScreen)
        await pilot.click("#staff-lock")
        await pilot.pause()
        assert app.screen is patient_screen


async def test_a_nurse_at_a_tablet_reaches_the_unlock_by_tapping_the_staff_line(
    kiosk: Kiosk,
) -> None:
    seed_today(kiosk)
    app = KioskApp(kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "tap here" in str(app.screen.query_one("#staff-hint").render())

        await pilot.click("#staff-hint")  # a tablet has no F12 key
        await pilot.pause()

        assert isinstance(app.screen, StaffUnlockScreen)
        await pilot.press(*NURSE)  # the staff id on the tablet's own keyboard
        await pilot.click("#staff-pin")
        for digit in NURSE_PIN:  # the PIN on the screen's pad
            await pilot.click(f"#pad-{digit}")
            await button_ready(pilot, app.screen.query_one(f"#pad-{digit}", Button))
        await pilot.click("#staff-unlock")
        await pilot.pause()
        assert isinstance(app.screen, NurseQueueScreen)


async def test_f2_on_todays_list_opens_the_chair_board_in_the_kiosk_app(kiosk: Kiosk) -> None:
    """F2 is the patient's "read it again" and the nurse's way to the chairs: inside the real
    kiosk App, a staff screen gets it, not read-aloud."""
    seed_today(kiosk)
    app = KioskApp(kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot, NURSE, NURSE_PIN)
        await wait_until(pilot, lambda: isinstance(app.screen, NurseQueueScreen), "today's list")
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, ChairBoardScreen), "the chairs")
