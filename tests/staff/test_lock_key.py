"""Ctrl+L locks the shift on every staff screen, as the docs say, not only on today's list: the
walk pressed it on the IT console and nothing happened."""

from __future__ import annotations

from textual.pilot import Pilot

from kiosk.desk.facade import Kiosk
from kiosk.screens.it_console import ITConsoleScreen
from kiosk.screens.nurse_checkin import NurseCheckInScreen
from kiosk.screens.nurse_signoff import NurseSignOffScreen
from kiosk.screens.nurse_vitals import NurseVitalsScreen
from tests.staff.conftest import IT, NURSE, NURSE_PIN, PatientStandIn, StaffHostApp, seed_today
from tests.staff.journeys import open_only_checkin, submit_hana, unlock, vitals_then_sign_off
from tests.staff.test_it_console import sign_in_as_it
from tests.waiting import wait_until


async def ctrl_l_locks(app: StaffHostApp, pilot: Pilot[None], staff_id: str) -> None:
    await pilot.press("ctrl+l")
    await wait_until(pilot, lambda: isinstance(app.screen, PatientStandIn), "the patient screen")
    assert app.locks[-1] == (staff_id, "logout")


async def test_ctrl_l_locks_the_it_console(kiosk: Kiosk) -> None:
    seed_today(kiosk)
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 60)) as pilot:
        await sign_in_as_it(pilot)
        assert isinstance(app.screen, ITConsoleScreen)
        await ctrl_l_locks(app, pilot, IT)


async def test_ctrl_l_locks_every_nurse_screen_even_from_a_text_box(kiosk: Kiosk) -> None:
    submit_hana(kiosk)
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot, NURSE, NURSE_PIN)
        await open_only_checkin(app, pilot)
        assert isinstance(app.screen, NurseCheckInScreen)
        await ctrl_l_locks(app, pilot, NURSE)

        await unlock(pilot, NURSE, NURSE_PIN)
        await open_only_checkin(app, pilot)
        await pilot.click("#nurse-checkin-vitals")
        await wait_until(pilot, lambda: isinstance(app.screen, NurseVitalsScreen), "vitals")
        await ctrl_l_locks(app, pilot, NURSE)  # focus in the systolic box

        await unlock(pilot, NURSE, NURSE_PIN)
        await open_only_checkin(app, pilot)
        await vitals_then_sign_off(app, pilot)
        assert isinstance(app.screen, NurseSignOffScreen)
        await ctrl_l_locks(app, pilot, NURSE)
