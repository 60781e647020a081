"""From the review, "Edit" returns to a section and Next comes back to the review; changing the
legal name after signing asks for the consent to be signed again."""

from __future__ import annotations

from textual.widgets import Button, Input

from kiosk.app import KioskApp
from tests.screens.conftest import click, ready
from tests.screens.test_snapshots import example_session


async def test_edit_from_review_returns_to_review_and_a_new_name_needs_a_new_signature(
    app: KioskApp,
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        session = example_session("en")
        app.session = session
        for screen in app.steps.values():
            screen.fill(session)
            screen.set_editing_from_review(True)
        await app.show_step("review")
        await pilot.pause()

        await click(pilot, "#edit-identity")
        assert app.screen.name == "identity"
        assert "review" in str(app.screen.query_one("#next", Button).label).lower()
        phone = app.screen.query_one("#phone", Input)
        phone.value = "555 010 9999"
        await click(pilot, "#next")
        assert app.screen.name == "review"
        assert session.identity is not None and session.identity.phone == "555 010 9999"
        assert session.consent is not None

        await click(pilot, "#edit-identity")
        app.screen.query_one("#legal_name", Input).value = "Dana Other-Name"
        await click(pilot, "#next")
        assert app.screen.name == "consent"
        assert session.consent is None
