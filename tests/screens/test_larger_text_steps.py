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
from kiosk.intake.checkin_session import CheckInSession
from kiosk.intake.questions import HEALTH_HISTORY
from kiosk.locale import translate
from kiosk.widgets.choice_list import ChoiceList
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


async def test_each_page_of_health_questions_starts_with_a_question_s_words(app: KioskApp) -> None:
    """A tap on the list's scrollbar track paged down by the list's height: the question cut at
    the bottom went on to show its answers at the top, its words above them out of sight."""
    async with app.run_test(size=LARGER_TEXT_TABLET) as pilot:
        await ready(app, pilot)
        app.session = CheckInSession("en", app.clock())
        await app.show_step("history")
        await pilot.pause()
        questions = app.screen.query_one("#history-questions", ChoiceList)
        bar = questions.vertical_scrollbar
        words = [translate(q.text_key, "en") for q in HEALTH_HISTORY.questions]
        pages = 0
        while questions.scroll_y < questions.max_scroll_y:
            assert await pilot.click(bar, offset=(0, bar.size.height - 1))  # below the handle
            await pilot.pause()
            pages += 1
            top_line = screen_lines(app)[questions.content_region.y].strip(" █▶")
            assert any(question.startswith(top_line) for question in words if top_line), (
                f"page {pages} starts with {top_line!r}, not a question's words"
            )
        assert pages > 1
