"""The decision on sign-off as the walk met it: which choice is taken shows by shape, not by
colour alone, and Up on the first choice (Down on the last) stays there instead of wrapping."""

from __future__ import annotations

from textual.widgets import RadioButton

from kiosk.desk.facade import Kiosk
from kiosk.intake.records import DecisionOutcome
from kiosk.screens.nurse_signoff import NurseSignOffScreen
from tests.staff.conftest import StaffHostApp, tap
from tests.staff.journeys import nurse_at_sign_off


def drawn(app: StaffHostApp, selector: str) -> str:
    """A choice's line as characters, without its colours."""
    return str(app.screen.query_one(selector, RadioButton).render())


def outcome(app: StaffHostApp) -> DecisionOutcome | None:
    screen = app.screen
    assert isinstance(screen, NurseSignOffScreen)
    return screen.outcome()


async def test_the_chosen_decision_differs_from_the_other_in_shape(kiosk: Kiosk) -> None:
    async with nurse_at_sign_off(kiosk) as (app, pilot):
        assert "●" not in drawn(app, "#decision-cleared") + drawn(app, "#decision-hold")
        await tap(pilot, "#decision-hold")
        hold, cleared = drawn(app, "#decision-hold"), drawn(app, "#decision-cleared")
    assert hold.startswith("▐●▌") and "Hold" in hold
    assert cleared.startswith("▐ ▌") and "Cleared for the infusion" in cleared


async def test_arrows_on_the_decision_stop_at_either_end(kiosk: Kiosk) -> None:
    async with nurse_at_sign_off(kiosk) as (app, pilot):
        await tap(pilot, "#decision-cleared")
        await pilot.press("up", "enter")  # already on the first: Up goes nowhere
        after_up = outcome(app)
        await pilot.press("down", "down", "enter")  # on the last: the second Down goes nowhere
        after_down = outcome(app)
    assert after_up is DecisionOutcome.CLEARED
    assert after_down is DecisionOutcome.HOLD
