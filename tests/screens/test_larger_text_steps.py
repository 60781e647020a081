"""The steps at 68x23 cells: the size of the browser kiosk at larger text on a 1024x768 tablet
(tests/browser/test_larger_text.py adds a medication there in Chromium). In the page the
font grows and the boxes keep their three rows, so these run without "Larger text" (which, in a
terminal, also makes the boxes taller): the same layout, found at once rather than through a
browser. What is checked is what a patient would notice cut off.
"""

from __future__ import annotations

from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget

from kiosk.app import KioskApp
from kiosk.intake.checkin_session import CheckInSession
from kiosk.intake.questions import HEALTH_HISTORY
from kiosk.intake.records import PregnancyAnswer
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


async def on_step(app: KioskApp, pilot: Pilot[None], step: str) -> None:
    """A check-in in English opened straight on one step."""
    await ready(app, pilot)
    app.session = CheckInSession("en", app.clock())
    await app.show_step(step)
    await pilot.pause()


async def add_and_see(app: KioskApp, pilot: Pilot[None], add: str, typed: dict[str, str]) -> None:
    """Fill a form's boxes (the first named first), tap `add`: the row added is listed in view,
    and the form's first box, emptied for the next, has the focus and is in view too."""
    for field_id, value in typed.items():
        await fill(pilot, field_id, value)
    first = next(iter(typed))
    await click(pilot, add)
    await pilot.wait_for_scheduled_animations()
    row = " · ".join(typed.values())
    assert row_shown(app, row), f"{row!r}, just added, is out of view"
    box = app.screen.query_one(f"#{first}")
    assert app.focused is box and in_view(box), "the box for the next is out of view"


async def test_a_medication_and_an_allergy_added_are_listed_in_view_above_the_box_for_the_next(
    app: KioskApp,
) -> None:
    async with app.run_test(size=LARGER_TEXT_TABLET) as pilot:
        await ready(app, pilot)
        await click(pilot, "#check-in")
        await type_about_you(app, pilot)
        medication = {"med_name": "aspirin", "med_dose": "81 mg", "med_frequency": "daily"}
        await add_and_see(app, pilot, "#add-medication", medication)
        allergy = {"allergy_substance": "penicillin", "allergy_reaction": "rash"}
        await add_and_see(app, pilot, "#add-allergy", allergy)


async def test_each_page_of_health_questions_starts_with_a_question_s_words(app: KioskApp) -> None:
    """A tap on the list's scrollbar track paged down by the list's height: the question cut at
    the bottom went on to show its answers at the top, its words above them out of sight."""
    async with app.run_test(size=LARGER_TEXT_TABLET) as pilot:
        await on_step(app, pilot, "history")
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


async def test_the_reading_of_a_time_typed_at_the_bottom_edge_comes_into_view(
    app: KioskApp,
) -> None:
    """At 23 rows the last clear liquid's box, tapped, is the last thing above the keypad: the
    kiosk's reading of the time typed ("We read this as: today 1:49 PM") was drawn below it,
    out of sight, and the patient could not check it."""
    async with app.run_test(size=LARGER_TEXT_TABLET) as pilot:
        await on_step(app, pilot, "checklist")
        for field_id, hours_ago in (("last_food", "5"), ("last_clear_liquid", "3")):
            await fill(pilot, field_id, keypad=hours_ago)
            await pilot.pause()
            reading = app.screen.query_one(f"#{field_id}-read-as")
            assert str(reading.content).startswith("We read this as")
            assert in_view(reading), f"the reading of {field_id} is out of view"
            assert in_view(app.screen.query_one(f"#{field_id}")), f"{field_id} left the view"


async def test_a_tap_on_the_last_answer_of_a_list_not_yet_in_use_chooses_it(app: KioskApp) -> None:
    """At 68 columns the pregnancy question's four answers fit on one row, until the list took
    the focus from the tap: the border it shows while in use narrowed it by a column, "Does
    not apply to me" wrapped to a row below, out of view, and the tap chose nothing."""
    async with app.run_test(size=LARGER_TEXT_TABLET) as pilot:
        await on_step(app, pilot, "checklist")
        questions = app.screen.query_one("#pregnancy-question", ChoiceList)
        questions.scroll_visible(animate=False, immediate=True)
        await pilot.pause()
        assert not questions.has_focus and in_view(questions)
        answer = PregnancyAnswer.NOT_APPLICABLE.value
        box = questions.box_for("may_be_pregnant", answer)
        left, top = questions.styles.gutter.left, questions.styles.gutter.top
        assert await pilot.click(questions, offset=(left + box.x + 3, top + box.y + 1))
        await pilot.pause()
        assert questions.answers == {"may_be_pregnant": answer}
