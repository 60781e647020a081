"""The consent as a patient meets it: every statement wraps whole at every size, in both
languages; declining asks once, with the safe choice focused; Tab reaches "I agree and sign"
before Back and "I do not agree"; "To go on" names what is missing in screen order."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from kiosk.app import KioskApp
from kiosk.desk.facade import Kiosk
from kiosk.intake.records import RecordKind
from kiosk.screens.decline_consent import DeclineConsentScreen
from kiosk.screens.done import DoneScreen
from kiosk.widgets.tick_box import TickBox
from tests.screens.conftest import click, screen_lines, sealed, type_text
from tests.screens.test_patient_polish import at_step


def words(text: str) -> list[str]:
    return text.split()


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("size", [(80, 24), (100, 32), (120, 40)])
async def test_every_consent_statement_is_shown_whole_at_every_size(
    app: KioskApp, kiosk: Kiosk, language: str, size: tuple[int, int]
) -> None:
    async with app.run_test(size=size) as pilot:
        await at_step(app, pilot, language, "consent")
        for acknowledgement in kiosk.config.consent.acknowledgements:
            box = app.screen.query_one(f"#ack-{acknowledgement.id}", TickBox)
            box.scroll_visible(animate=False, immediate=True)
            await pilot.pause()
            inside = box.content_region
            drawn = screen_lines(app)[inside.y : inside.bottom]
            shown = " ".join(line[inside.x : inside.right] for line in drawn)
            assert words(shown) == words("[ ] " + acknowledgement.text[language]), shown


async def test_declining_asks_once_with_going_back_focused(app: KioskApp, kiosk: Kiosk) -> None:
    async with app.run_test(size=(100, 32)) as pilot:
        await at_step(app, pilot, "en", "consent")
        app.screen.legal_name = "Dana Example"  # type: ignore[attr-defined]
        for box in app.screen.query(TickBox):
            await click(pilot, f"#{box.id}")
        await click(pilot, "#signature")
        await type_text(pilot, "Dana Example")
        order = []
        for _ in range(3):
            await pilot.press("tab")
            order.append(app.focused.id if app.focused else None)
        assert order == ["next", "back", "decline"]
        await pilot.press("enter")  # one Enter on "I do not agree"
        await pilot.pause()
        assert isinstance(app.screen, DeclineConsentScreen)
        assert "Your answers will be erased" in "\n".join(screen_lines(app))
        assert app.focused is not None and app.focused.id == "decline-keep"
        await pilot.press("enter")  # the safe choice: back to the consent, nothing ended
        await pilot.pause()
        assert app.screen.name == "consent" and app.session is not None
        assert sealed(kiosk, RecordKind.CONSENT_DECLINED) == []
        await click(pilot, "#decline")
        await click(pilot, "#decline-confirm")
        await app.seals_settled()
        await pilot.pause()
        assert isinstance(app.screen, DoneScreen)
        assert len(sealed(kiosk, RecordKind.CONSENT_DECLINED)) == 1


async def test_to_go_on_names_what_is_missing_in_screen_order(app: KioskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await at_step(app, pilot, "en", "consent")
        why = str(app.screen.query_one("#why-not", Static).render())
        assert why.startswith("To go on: Statements"), why
        for box in app.screen.query(TickBox):
            await click(pilot, f"#{box.id}")
        why = str(app.screen.query_one("#why-not", Static).render())
        assert why.startswith("To go on: Your full legal name"), why
