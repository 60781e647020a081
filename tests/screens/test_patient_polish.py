"""Gaps a newcomer found walking the patient journey, each driven by keys or taps as a patient
would: Space ticks a box, Back from the first step returns to welcome with nothing kept, the
migraine step names its questions and checks migraine days against headache days, the date hint
and its message follow the clinic's date order in the patient's language, and a nurse's
far-too-long reading is refused with a clear message."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.widgets import Button, Static

from kiosk.app import KioskApp
from kiosk.screens.checkin_session import CheckInSession
from kiosk.widgets.tick_box import TickBox
from tests.screens.conftest import ready, tab_to


def label_of(app: KioskApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Button).label)


async def test_space_ticks_and_unticks_the_focused_box(app: KioskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        app.session = CheckInSession("en", datetime.now(UTC))
        await app.show_step("medications")
        await pilot.pause()
        await tab_to(pilot, "no-medications")
        await pilot.press("space")
        await pilot.pause()
        assert label_of(app, "#no-medications") == "[X] I take no medications"
        assert app.screen.query_one("#no-medications", TickBox).ticked
        await pilot.press("space")
        await pilot.pause()
        assert label_of(app, "#no-medications") == "[ ] I take no medications"
        why = str(app.screen.query_one("#why-not", Static).render())
        assert 'tick "I take no medications"' in why
