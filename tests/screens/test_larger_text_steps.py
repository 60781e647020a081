"""The steps at 68x23 cells: the size of the browser kiosk at larger text on a 1024x768 tablet
(tests/browser/test_larger_text.py walks a whole check-in there in Chromium). In the page the
font grows and the boxes keep their three rows, so these run without "Larger text" (which, in a
terminal, also makes the boxes taller): the same layout, found at once rather than through a
browser. What is checked is what a patient would notice cut off.
"""

from __future__ import annotations

from textual.geometry import Region
from textual.widget import Widget

from kiosk.app import KioskApp
from tests.screens.conftest import click, fill, ready, screen_lines, type_about_you

#: The kiosk's cells at larger text on a 1024x768 tablet (kiosk-page.js scales the font 1.4x).
LARGER_TEXT_TABLET = (68, 23)


def in_view(widget: Widget) -> bool:
    """The widget is wholly inside the step's scrolling part as drawn now."""
    shown: Region = widget.screen.query_one("#step-body").content_region
    return shown.contains_region(widget.region)


def row_shown(app: KioskApp, words: str) -> bool:
    return any(words in line for line in screen_lines(app))


async def test_a_medication_and_an_allergy_added_are_listed_in_view_above_the_box_for_the_next(
    app: KioskApp,
) -> None:
    async with app.run_test(size=LARGER_TEXT_TABLET) as pilot:
        await ready(app, pilot)
        await click(pilot, "#check-in")
        await type_about_you(app, pilot)
        await fill(pilot, "med_name", "aspirin")
        await fill(pilot, "med_dose", "81 mg")
        await fill(pilot, "med_frequency", "daily")

        await click(pilot, "#add-medication")
        await pilot.wait_for_scheduled_animations()

        assert row_shown(app, "aspirin · 81 mg · daily"), "the medication added is out of view"
        name = app.screen.query_one("#med_name")
        assert app.focused is name and in_view(name), "the box for the next is out of view"

        await fill(pilot, "allergy_substance", "penicillin")
        await fill(pilot, "allergy_reaction", "rash")
        await click(pilot, "#add-allergy")
        await pilot.wait_for_scheduled_animations()

        assert row_shown(app, "penicillin · rash"), "the allergy added is out of view"
        substance = app.screen.query_one("#allergy_substance")
        assert app.focused is substance and in_view(substance)
