"""A kiosk closing while it builds the check-in steps (a language just chosen) closes cleanly.

The steps are built in the background after welcome and again for each language chosen; a close
(a terminal shut, a test ending) can take a step's widgets down while it is still being laid out
ahead. CI met it on the consent step: "No nodes match '#step-body'", the kiosk crashing as it
closed.
"""

from __future__ import annotations

from kiosk.app import KioskApp
from tests.screens.conftest import ready


async def test_a_consent_step_taken_down_while_laid_out_ahead_is_no_crash(app: KioskApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        consent = app.steps["consent"]
        assert not consent.read_to_end  # a consent longer than the screen
        await consent.query_one("#step-body").remove()  # as closing takes it down

        await consent.lay_out_ahead(app.size)
