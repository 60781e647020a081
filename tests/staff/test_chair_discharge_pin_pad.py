"""The discharge signed by taps on a tablet: the nurse taps the PIN box, then the digits of the
screen's pad, and every digit lands in the box. (A tap on a pad key, which never takes the focus,
handed it to the scrolling discharge form around it, the nearest widget under the finger that
takes it: the digits then reached no box, and the PIN could not be entered by touch.)"""

from __future__ import annotations

from textual.widgets import Button, Input

from kiosk.desk.facade import Kiosk
from kiosk.screens.chair_discharge import ChairDischargeScreen
from tests.chair_seating import NURSE_PIN, cleared_patient
from tests.staff.chair_keys import on_screen, to_the_chair
from tests.staff.conftest import StaffHostApp
from tests.waiting import button_ready


async def test_the_pin_tapped_on_the_discharge_pad_lands_in_the_pin_box(kiosk: Kiosk) -> None:
    cleared_patient(kiosk, "Pia Chair")
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 120)) as pilot:  # the whole discharge form in view
        await to_the_chair(pilot)
        await pilot.press("d")
        await on_screen(pilot, ChairDischargeScreen)
        pin_box = app.screen.query_one("#discharge-pin", Input)
        await pilot.click("#discharge-pin")
        for digit in NURSE_PIN:
            await pilot.click(f"#pad-{digit}")
            await button_ready(pilot, app.screen.query_one(f"#pad-{digit}", Button))
        await pilot.pause()
        assert app.screen.focused is pin_box
        assert pin_box.value == NURSE_PIN
