"""Where the keyboard's focus goes on the patient steps, as a newcomer driving the demo by keys
met it: a step opens on its first field, Enter and Tab after the last question reach Next (never
Back), every tab stop shows that it has the focus, Down and Up move from question to question
(text boxes included), the keypad types only for dates, times and numbers, and "Please fill in
this field" waits until the patient leaves the box or presses Next.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from textual import events
from textual.color import Color
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, Static

from kiosk.app import KioskApp
from kiosk.intake.checkin_session import CheckInSession
from kiosk.intake.checkin_steps import REVIEWED_STEPS
from kiosk.locale import translate
from kiosk.widgets.choice_list import ChoiceList
from kiosk.widgets.keypad import Keypad
from kiosk.widgets.tick_box import TickBox
from tests.screens.conftest import ready, screen_lines, tab_to, type_text

IDENTITY_TYPED = (
    "Dana Example",
    "Dana",
    "07/02/1984",
    "555-010-2030",
    "Sam Example",
    "555-010-4050",
)
KEYPAD_ROW = re.compile(r"1 +2 +3 +4 +5 +6 +7 +8 +9 +0")
STEPS = tuple(step.name for step in REVIEWED_STEPS)  # every step the patient fills in


def focused_id(app: KioskApp) -> str | None:
    return app.focused.id if app.focused is not None else None


def problem_shown(app: KioskApp, field_id: str) -> str:
    note = app.screen.query_one(f"#{field_id}-problem", Static)
    return str(note.render()) if note.has_class("-shown") else ""


def keypad_seen(app: KioskApp) -> bool:
    """The keypad is there and takes taps (for any other box it stays in place, greyed)."""
    keypads = app.screen.query(Keypad)
    return any(KEYPAD_ROW.search(line) for line in screen_lines(app)) and not any(
        keypad.disabled for keypad in keypads
    )


def why_not(app: KioskApp) -> tuple[str, bool]:
    """The line beside Next, and whether it is drawn in the problem colour (red)."""
    line = app.screen.query_one("#why-not", Static)
    red = Color.parse(app.get_css_variables()["kiosk-problem"])
    return str(line.render()), line.styles.color == red


async def open_about_you(app: KioskApp, pilot: Pilot[None]) -> None:
    """From welcome by keys: Tab to "Check in", Enter."""
    await ready(app, pilot)
    await tab_to(pilot, "check-in")
    await pilot.press("enter")
    await pilot.pause()
    assert app.screen.name == "identity"


async def check_in_to_medications(app: KioskApp, pilot: Pilot[None]) -> None:
    """From welcome, "About you" typed box by box with Enter, then Next."""
    await open_about_you(app, pilot)
    for answer in IDENTITY_TYPED:
        await type_text(pilot, answer)
        await pilot.press("enter")
    assert focused_id(app) == "next"
    await pilot.press("enter")
    await pilot.pause()
    assert app.screen.name == "medications"


async def on_step(app: KioskApp, pilot: Pilot[None], step: str) -> None:
    await ready(app, pilot)
    app.session = CheckInSession("en", datetime.now(UTC))
    await app.show_step(step)
    await pilot.pause()


async def test_after_back_then_next_the_step_opens_on_its_first_field(app: KioskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await check_in_to_medications(app, pilot)
        await tab_to(pilot, "back")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.name == "identity"
        assert focused_id(app) == "legal_name"
        await tab_to(pilot, "next")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.name == "medications"
        assert focused_id(app) == "med_name"
        await type_text(pilot, "lamotrigine")
        assert app.screen.query_one("#med_name", Input).value == "lamotrigine"


async def test_tab_after_the_last_question_reaches_next_before_back(app: KioskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await open_about_you(app, pilot)
        for index, answer in enumerate(IDENTITY_TYPED):
            if index:
                await pilot.press("tab")
            await type_text(pilot, answer)
        await pilot.press("tab")
        assert focused_id(app) == "next"
        await pilot.press("tab")
        assert focused_id(app) == "back"


async def test_enter_after_a_wrong_last_answer_stays_on_the_step_and_says_why(
    app: KioskApp,
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await on_step(app, pilot, "migraine")
        await tab_to(pilot, "midas_average_pain")
        await type_text(pilot, "18")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.name == "migraine"
        assert focused_id(app) == "midas_average_pain"
        assert problem_shown(app, "midas_average_pain") == translate(
            "number.range", "en", min=0, max=10
        )
        await pilot.press("enter")  # once more, as a patient who saw nothing happen would
        await pilot.pause()
        assert app.screen.name == "migraine"
        assert focused_id(app) == "midas_average_pain"


def edge_colours(widget: Widget) -> set[tuple[int, int, int]]:
    """Every colour drawn on the widget's top and bottom rows (its frame), text and background.

    Why the frame: a text box's cursor alone, or a faint tint, is not a focus a patient finds.
    """
    width, height = widget.outer_size
    strips = widget.render_lines(Region(0, 0, width, height))
    colours: set[tuple[int, int, int]] = set()
    for strip in (strips[0], strips[-1]):
        for segment in strip:
            for colour in (segment.style.color, segment.style.bgcolor) if segment.style else ():
                if colour is not None and colour.triplet is not None:
                    colours.add(tuple(colour.triplet))
    return colours


def in_focus_colour(widget: Widget, focus: tuple[int, int, int]) -> bool:
    """Whether the focus colour (give or take Textual's light tint) is on the widget's frame."""
    return any(
        all(abs(a - b) <= 12 for a, b in zip(colour, focus, strict=True))
        for colour in edge_colours(widget)
    )


@pytest.mark.parametrize("step", STEPS)
async def test_every_tab_stop_shows_that_it_has_the_focus(app: KioskApp, step: str) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await on_step(app, pilot, step)
        screen = app.screen
        screen.tried_next = True  # every empty box in its error state, as after a Next
        screen.refresh_state()
        await pilot.pause()
        chain = screen.focus_chain
        assert chain
        focus = Color.parse(app.get_css_variables()["kiosk-focus"]).rgb
        for widget in chain:
            screen.set_focus(widget)
            await pilot.pause()
            assert in_focus_colour(widget, focus), f"{step}: #{widget.id} shows no focus"
            screen.set_focus(None)
            await pilot.pause()
            assert not in_focus_colour(widget, focus), f"{step}: #{widget.id} looks focused"


async def test_down_and_up_move_between_the_questions_text_boxes_included(
    app: KioskApp,
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await on_step(app, pilot, "migraine")
        questions = app.screen.query_one("#migraine-questions", ChoiceList)
        assert focused_id(app) == "headache_days_per_month"
        await pilot.press("down", "down", "down")
        assert focused_id(app) == "preventives_tried"
        await pilot.press("down")
        assert focused_id(app) == "migraine-questions"
        assert questions.current_question() == "aura"
        await pilot.press("down")
        assert questions.current_question() == "earlier_ketamine"
        await pilot.press("down")  # out of the list into the next text box
        assert focused_id(app) == "midas_item1"
        await pilot.press("up")  # back into the list, at its last question
        assert focused_id(app) == "migraine-questions"
        assert questions.current_question() == "earlier_ketamine"
        await pilot.press("up", "up")
        assert focused_id(app) == "preventives_tried"
        await type_text(pilot, "topiramate")
        assert app.screen.query_one("#preventives_tried", Input).value == "topiramate"


async def test_the_keypad_types_only_for_dates_times_and_numbers(app: KioskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await open_about_you(app, pilot)
        shown: dict[str, bool] = {}
        for answer in IDENTITY_TYPED:
            assert app.focused is not None
            shown[str(app.focused.id)] = keypad_seen(app)
            await type_text(pilot, answer)
            await pilot.press("enter")
        assert shown == {
            "legal_name": False,
            "preferred_name": False,
            "date_of_birth": True,
            "phone": True,
            "emergency_contact_name": False,
            "emergency_contact_phone": True,
        }
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.name == "medications"
        assert focused_id(app) == "med_name" and not keypad_seen(app)
        await type_text(pilot, "sumatriptan")
        await pilot.press("enter")
        assert focused_id(app) == "med_dose" and not keypad_seen(app)
        await pilot.press("enter")
        assert focused_id(app) == "med_frequency" and not keypad_seen(app)
        await pilot.press("enter")
        assert focused_id(app) == "as-needed"
        await pilot.press("space", "tab")
        await pilot.pause()
        assert focused_id(app) == "med_last_dose" and keypad_seen(app)


async def test_a_keypad_tap_right_after_a_box_takes_the_focus_types_into_that_box(
    app: KioskApp,
) -> None:
    """On a busy kiosk the patient's tap on a key can come before Textual has told the step
    which box took the focus (the box draws itself focused first); it must still type."""
    async with app.run_test(size=(120, 40)) as pilot:
        await open_about_you(app, pilot)
        phone = app.screen.query_one("#phone", Input)
        keypad = app.screen.query_one(Keypad)
        on_key_1 = keypad.content_region.offset + (1, 1)
        app.screen.set_focus(phone)  # as a tap on the box does; nothing handled since
        keypad.post_message(  # the tap on "1", as Textual hands it to the keypad
            events.Click(keypad, 1, 1, 0, 0, 1, False, False, False, *on_key_1)
        )
        await pilot.pause()
        assert phone.value == "1"


async def test_please_fill_in_waits_until_the_patient_leaves_the_box(app: KioskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await on_step(app, pilot, "identity")
        assert focused_id(app) == "legal_name"
        required = translate("text.required", "en")
        # Beside the disabled Next: what is needed, not yet a reproach in red.
        assert why_not(app) == ("To go on: Full legal name", False)
        # The terminal or the tablet's browser tab loses the focus and gets it back.
        app.post_message(events.AppBlur())
        await pilot.pause()
        app.post_message(events.AppFocus())
        await pilot.pause()
        assert focused_id(app) == "legal_name"
        assert problem_shown(app, "legal_name") == ""
        await pilot.press("tab")
        await pilot.pause()
        assert focused_id(app) == "preferred_name"
        assert problem_shown(app, "legal_name") == required
        assert problem_shown(app, "preferred_name") == ""
        assert why_not(app) == (f"To go on: Full legal name: {required}", True)


async def test_enter_on_the_as_needed_box_moves_on_and_leaves_a_daily_drug_daily(
    app: KioskApp,
) -> None:
    async with app.run_test(size=(100, 32)) as pilot:
        await check_in_to_medications(app, pilot)
        for answer in ("lisinopril", "10 mg", "every morning"):
            await type_text(pilot, answer)
            await pilot.press("enter")
        assert focused_id(app) == "as-needed"
        await pilot.press("enter")  # to go on, as after every box before it
        await pilot.pause()
        assert not app.screen.query_one("#as-needed", TickBox).ticked
        assert not app.screen.query_one("#med_last_dose", Input).has_class("-shown")
        assert focused_id(app) == "add-medication"
        await pilot.press("enter")
        await pilot.pause()
        [medication] = app.screen.medications  # type: ignore[attr-defined]
        assert (medication.name, medication.as_needed) == ("lisinopril", False)
        rows = "\n".join(screen_lines(app))
        assert "lisinopril · 10 mg · every morning" in rows
        assert "as needed" not in rows
        await tab_to(pilot, "as-needed")
        await pilot.press("space")  # ticked only by Space (or a tap)
        await pilot.pause()
        assert app.screen.query_one("#as-needed", TickBox).ticked


async def to_the_driver_question(app: KioskApp, pilot: Pilot[None]) -> None:
    """Today's checklist: the two times typed, each with Enter, on to the driver question."""
    await on_step(app, pilot, "checklist")
    await type_text(pilot, "7:30")
    await pilot.press("enter")
    await type_text(pilot, "2.5")
    await pilot.press("enter")


async def test_enter_on_a_question_list_moves_on_without_answering(app: KioskApp) -> None:
    async with app.run_test(size=(100, 32)) as pilot:
        await to_the_driver_question(app, pilot)
        driver = app.screen.query_one("#driver-question", ChoiceList)
        assert app.focused is driver
        await pilot.press("enter")
        await pilot.pause()
        assert driver.answers == {}
        assert focused_id(app) == "today-questions"
        today = app.screen.query_one("#today-questions", ChoiceList)
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert today.answers == {}
        assert today.cursor_row == 2
        await pilot.press("space")  # Space chooses the option under the cursor
        await pilot.pause()
        assert list(today.answers.values()) == ["yes"]


async def test_enter_on_a_consent_box_does_not_tick_it(app: KioskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await on_step(app, pilot, "consent")
        first = app.screen.query(TickBox).first()
        await tab_to(pilot, first.id or "")
        await pilot.press("enter")
        await pilot.pause()
        assert not first.ticked
        await tab_to(pilot, first.id or "")
        await pilot.press("space")
        await pilot.pause()
        assert first.ticked


async def test_a_number_on_a_lists_last_question_answers_it_and_moves_on(app: KioskApp) -> None:
    """As the demo's keyboard patient met it: "1" on "Will a driver take you home?" chose Yes but
    left the focus on the question, so the driver's name typed next went nowhere; "2" on "Are you
    feeling unwell?" then "1" for the pregnancy question below changed the unwell answer to Yes."""
    async with app.run_test(size=(100, 32)) as pilot:
        await to_the_driver_question(app, pilot)
        await pilot.press("1")  # a driver: Yes, and on to the driver's name
        await type_text(pilot, "Sam Rivera")
        await pilot.pause()
        assert app.screen.query_one("#driver_name", Input).value == "Sam Rivera"
        await pilot.press("enter")
        await type_text(pilot, "555 010 7788")
        await pilot.press("enter")
        await pilot.press("1", "2", "2")  # medicines taken, no alcohol, not unwell
        await pilot.pause()
        assert focused_id(app) == "pregnancy-question"
        await pilot.press("4")  # does not apply to me
        await pilot.pause()
        today = app.screen.query_one("#today-questions", ChoiceList)
        pregnancy = app.screen.query_one("#pregnancy-question", ChoiceList)
        assert list(today.answers.values()) == ["yes", "no", "no"]
        assert list(pregnancy.answers.values()) == ["not_applicable"]
        assert focused_id(app) == "next"
