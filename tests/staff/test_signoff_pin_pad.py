"""The sign-off signed by taps on a tablet: the nurse taps the PIN box, then the digits of the
screen's pad, and every digit lands in the box. (A tap on a pad key, which never takes the focus,
handed it to the scrolling sign-off form around it, the nearest widget under the finger that
takes it: the digits then reached no box.)"""

from __future__ import annotations

from textual.widgets import Button, Input

from kiosk.desk.facade import Kiosk
from tests.staff.conftest import NURSE_PIN, tap
from tests.staff.journeys import nurse_at_sign_off
from tests.waiting import button_ready


async def test_the_pin_tapped_on_the_sign_off_pad_lands_in_the_pin_box(kiosk: Kiosk) -> None:
    async with nurse_at_sign_off(kiosk) as (app, pilot):
        pin_box = app.screen.query_one("#signoff-pin", Input)
        await tap(pilot, "#signoff-pin")
        for digit in NURSE_PIN:
            key = app.screen.query_one(f"#pad-{digit}", Button)
            await tap(pilot, f"#pad-{digit}")
            await button_ready(pilot, key)
        await pilot.pause()
        assert pin_box.value == NURSE_PIN
        assert app.screen.focused is pin_box
