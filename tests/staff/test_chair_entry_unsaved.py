"""An entry typed into a chair's form is not lost to Back: at the terminal, Tab after the time
box reaches Back before Save, and Enter there dropped a rate change the nurse had typed out
without a word. Back on a form that holds something unsaved now says so and keeps it; a second
Back leaves without saving; an untouched form leaves at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from textual.pilot import Pilot
from textual.widgets import Input

from kiosk.desk.chair_desk import ChairDesk
from kiosk.desk.facade import Kiosk
from kiosk.intake.chair.records import ChairVitals, RateChange
from kiosk.intake.chair.state import CHAIR_MEASURES
from kiosk.screens.chair import ChairScreen
from kiosk.screens.chair_pump import ChairPumpScreen
from kiosk.screens.chair_vitals import ChairVitalsScreen
from tests.chair_examples import vitals_fields
from tests.chair_seating import NURSE, NURSE_PIN, SeatedPatient, cleared_patient
from tests.staff.chair_keys import on_screen, press_button, shown, type_into, unlock
from tests.staff.conftest import StaffHostApp
from tests.staff.test_chair_corrections import correct_entry
from tests.staff.test_chair_desk import entry, started
from tests.staff.test_chair_screens import open_chair

NOT_SAVED = "This entry is not saved"


def rate_changes(kiosk: Kiosk, seated: SeatedPatient) -> list[RateChange]:
    desk = ChairDesk(kiosk.unlock(NURSE, NURSE_PIN))
    desk.chair(seated.checkin_id, datetime.now(UTC))
    return [e.record for e in desk.log(seated.checkin_id) if isinstance(e.record, RateChange)]


async def a_rate_change_typed_out(pilot: Pilot[None]) -> None:
    """F2, the only chair, r, a new rate and its reason: everything but Save."""
    await unlock(pilot)
    await open_chair(pilot, "Pat")
    await pilot.press("r")
    await on_screen(pilot, ChairPumpScreen)
    await type_into(pilot, "#chair-pump-rate", "0.6")
    await type_into(pilot, "#chair-pump-reason", "Pain not controlled")


def box(pilot: Pilot[None], selector: str) -> str:
    return pilot.app.screen.query_one(selector, Input).value


async def test_back_on_a_typed_entry_keeps_it_and_says_it_is_not_saved(kiosk: Kiosk) -> None:
    seated = cleared_patient(kiosk)
    started(kiosk, ChairDesk(kiosk.unlock(NURSE, NURSE_PIN)), seated, datetime.now(UTC))
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        await a_rate_change_typed_out(pilot)
        await press_button(pilot, "#chair-entry-back")  # Tab, Tab from the reason: Enter on Back

        assert isinstance(app.screen, ChairPumpScreen)
        assert NOT_SAVED in shown(pilot, "#chair-entry-problem")
        assert box(pilot, "#chair-pump-rate") == "0.6"
        assert box(pilot, "#chair-pump-reason") == "Pain not controlled"
        await press_button(pilot, "#chair-entry-save")
        await on_screen(pilot, ChairScreen)

    (change,) = rate_changes(kiosk, seated)
    assert change.reason == "Pain not controlled"
    kiosk.close()


async def test_a_second_back_leaves_without_saving_and_an_untouched_form_leaves_at_once(
    kiosk: Kiosk,
) -> None:
    seated = cleared_patient(kiosk)
    started(kiosk, ChairDesk(kiosk.unlock(NURSE, NURSE_PIN)), seated, datetime.now(UTC))
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        await a_rate_change_typed_out(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert NOT_SAVED in shown(pilot, "#chair-entry-problem")
        await pilot.press("escape")
        await on_screen(pilot, ChairScreen)

        await pilot.press("v")  # opened and left untouched: one Escape is enough
        await pilot.pause()
        await pilot.press("escape")
        await on_screen(pilot, ChairScreen)

    assert rate_changes(kiosk, seated) == []
    kiosk.close()


async def test_a_correction_left_as_it_was_filled_leaves_at_once(kiosk: Kiosk) -> None:
    """A correction opens filled with the entry it corrects: nothing is unsaved until the nurse
    changes a box, so one Back leaves; once a box is changed, Back says so."""
    seated = cleared_patient(kiosk)
    now = datetime.now(UTC)
    desk = ChairDesk(kiosk.unlock(NURSE, NURSE_PIN))
    started(kiosk, desk, seated, now - timedelta(minutes=5))
    at = now - timedelta(minutes=1)
    desk.write(entry(seated, ChairVitals, at, **vitals_fields()), at)  # the latest entry
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        await open_chair(pilot, "Pat")
        await correct_entry(pilot, 1)
        await on_screen(pilot, ChairVitalsScreen)
        await pilot.press("escape")
        await on_screen(pilot, ChairScreen)

        await correct_entry(pilot, 1)
        await on_screen(pilot, ChairVitalsScreen)
        await type_into(pilot, f"#chair-vitals-{CHAIR_MEASURES[0].id}", "1")
        await pilot.press("escape")
        await pilot.pause()
        assert NOT_SAVED in shown(pilot, "#chair-entry-problem")
    kiosk.close()
