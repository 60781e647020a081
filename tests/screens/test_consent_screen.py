"""The consent as a patient meets it: every statement wraps whole at every size, in both
languages; declining asks once, with the safe choice focused; Tab reaches "I agree and sign"
before Back and "I do not agree"; "To go on" names what is missing in screen order."""

from __future__ import annotations

import pytest

from kiosk.app import KioskApp
from kiosk.desk.facade import Kiosk
from kiosk.widgets.tick_box import TickBox
from tests.screens.conftest import screen_lines
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
