"""A STOP the vitals raise reaches today's list and the check-in page, as the nurse's sign-off
showed it: the walk's 185/100 and a hold left the row at "none", below a CAUTION, and the page
said "No flags."."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Static

from kiosk.desk.facade import Kiosk
from kiosk.intake.records import Answer
from kiosk.screens.nurse_checkin import NurseCheckInScreen
from kiosk.screens.nurse_queue import NurseQueueScreen
from kiosk.widgets.staff_queue_table import StaffQueueTable
from tests.examples import example_checklist
from tests.staff.conftest import NURSE, NURSE_PIN, StaffHostApp, checkin_for, tap
from tests.staff.journeys import unlock, vitals_then_sign_off
from tests.waiting import wait_until

HOLD_REASON = "BP 185/100: recheck after 15 min rest"


def rows(app: StaffHostApp) -> list[list[str]]:
    table = app.screen.query_one(StaffQueueTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def hold_jordan_at_185_over_100(app: StaffHostApp, pilot: Pilot[None]) -> None:
    """From today's list: open Jordan (no flags of his own), vitals 185/100, hold, sign."""
    await pilot.press("down", "enter")  # Jordan is below Ana's CAUTION while he has no flag
    await wait_until(pilot, lambda: isinstance(app.screen, NurseCheckInScreen), "Jordan's page")
    await vitals_then_sign_off(app, pilot, systolic="185", diastolic="100")
    await tap(pilot, "#decision-hold")
    await tap(pilot, "#signoff-hold-reason")
    await pilot.press(*HOLD_REASON)
    await tap(pilot, "#signoff-pin")
    await pilot.press(*NURSE_PIN, "enter")
    await wait_until(pilot, lambda: isinstance(app.screen, NurseQueueScreen), "today's list")


async def test_a_stop_from_the_vitals_shows_and_sorts_on_the_list_and_the_check_in_page(
    kiosk: Kiosk,
) -> None:
    desk = kiosk.patient_desk()
    desk.submit_checkin(checkin_for("Jordan Avery Lee", "p-jordan"))
    desk.submit_checkin(
        checkin_for(
            "Ana Lucía Gómez",
            "p-ana",
            checklist=example_checklist(alcohol_or_drugs_24h=Answer.YES),
        )
    )
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot, NURSE, NURSE_PIN)
        assert isinstance(app.screen, NurseQueueScreen)
        before = rows(app)
        assert [row[2] for row in before] == ["Ana Lucía Gómez", "Jordan Avery Lee"]
        assert "CAUTION" in before[0][0] and before[1][0].strip() == "none"

        await hold_jordan_at_185_over_100(app, pilot)

        jordan, ana = rows(app)  # his STOP now sorts above her CAUTION
        assert jordan[2] == "Jordan Avery Lee" and "STOP" in jordan[0]
        assert jordan[4] == "on hold"
        assert ana[2] == "Ana Lucía Gómez" and "CAUTION" in ana[0]

        await pilot.press("home", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, NurseCheckInScreen), "his page")
        flags = str(app.screen.query_one("#nurse-checkin-flags", Static).render())
        assert "No flags." not in flags
        assert "STOP  Systolic BP 185 mmHg is >= 180" in flags
        assert "CAUTION  Diastolic BP 100 mmHg is >= 100" in flags
        assert "Needs a clinician's override" in flags
