"""Blood pressure as a nurse types it: the pair is checked together, a low systolic is flagged,
and the "still needed" line keeps up with what is typed."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input, Select, Static

from kiosk.desk.facade import Kiosk
from kiosk.intake.records import PregnancyTest
from kiosk.screens.nurse_vitals import NurseVitalsScreen
from tests.staff.conftest import StaffHostApp
from tests.staff.test_nurse_screens_read_clearly import open_vitals

ALL_BUT_PRESSURE = {
    "heart_rate": "72",
    "spo2": "97",
    "temperature": "36.8",
    "respiratory_rate": "14",
    "weight": "70",
    "pain_now": "3",
}


def note(screen: NurseVitalsScreen, measure: str) -> str:
    return str(screen.query_one(f"#note-{measure}", Static).render())


async def type_into(pilot: Pilot[None], measure: str, typed: str) -> None:
    await pilot.click(f"#vital-{measure}")
    await pilot.press("end", *["backspace"] * 8, *typed)
    await pilot.pause()


async def test_a_diastolic_at_or_above_the_systolic_is_refused_until_the_pair_makes_sense(
    kiosk: Kiosk,
) -> None:
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_vitals(app, pilot, kiosk)
        await pilot.press("9", "0", "enter", "9", "5", "enter")
        await pilot.pause()
        assert note(screen, "diastolic") == (
            "The diastolic must be below the systolic (90 mmHg): check both readings."
        )
        assert "diastolic" not in screen.values
        await type_into(pilot, "diastolic", "90")
        assert "below the systolic (90 mmHg)" in note(screen, "diastolic")
        await type_into(pilot, "systolic", "130")  # the systolic was the mistyped one
        assert note(screen, "diastolic") == ""
        assert (screen.values["systolic"], screen.values["diastolic"]) == (130, 90)


async def test_a_systolic_of_85_is_taken_with_a_caution_hold_and_90_is_not(kiosk: Kiosk) -> None:
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_vitals(app, pilot, kiosk)
        await pilot.press("8", "5", "enter", "6", "0", "enter")
        await pilot.pause()
        assert screen.values["systolic"] == 85
        assert "CAUTION" in note(screen, "systolic") and "< 90" in note(screen, "systolic")
        await type_into(pilot, "systolic", "90")
        assert note(screen, "systolic") == ""


async def test_still_needed_before_sign_off_shrinks_and_goes_once_every_reading_is_in(
    kiosk: Kiosk,
) -> None:
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_vitals(app, pilot, kiosk)
        await pilot.click("#vitals-sign")
        await pilot.pause()
        status = screen.query_one("#vitals-status", Static)
        assert "Systolic BP" in str(status.render())
        await type_into(pilot, "systolic", "130")
        await type_into(pilot, "diastolic", "80")
        assert "Systolic BP" not in str(status.render())
        assert "Heart rate" in str(status.render())
        for measure, typed in ALL_BUT_PRESSURE.items():
            await type_into(pilot, measure, typed)
        screen.query_one("#vitals-pregnancy", Select).value = PregnancyTest.NEGATIVE
        await pilot.pause()
        assert str(status.render()) == ""
        assert all(box.value for box in screen.query(".vital-row Input").results(Input))
