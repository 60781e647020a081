"""What a newcomer's walk through the check-in tripped on, driven as the patient met it: a time
shown without its day, "7.30" read as hours, a date of birth of today accepted, a signature
refused for its accents or apostrophe, a blood pressure question with no honest answer for a
treated patient, pregnancy asked twice, and a "tell us more" box over the question answered."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Static

from kiosk.app import KioskApp
from kiosk.desk.facade import Kiosk
from kiosk.intake.config import default_config
from kiosk.intake.records import Answer, Medication, PregnancyAnswer
from kiosk.intake.rules import screen_checkin
from kiosk.widgets.choice_list import ChoiceList
from tests.examples import (
    example_checkin,
    example_checklist,
    example_draft,
    example_identity,
    example_medications,
)
from tests.screens.conftest import (
    CLINIC_NOW,
    SHOWN_WHEN_ALL_NO,
    click,
    resume_draft,
    tab_to,
    tap_choice,
    type_text,
)
from tests.screens.test_patient_polish import at_step


def shown_text(app: KioskApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def list_text(choices: ChoiceList) -> str:
    return " ".join(choices.render_line(y).text for y in range(choices.size.height))


def flag_codes(app: KioskApp) -> dict[str, str]:
    """The flags the nurse would see for the history and checklist this patient gave."""
    session = app.session
    assert session is not None and session.history is not None
    checkin = example_checkin(history=session.history)
    if session.checklist is not None:
        checkin = example_checkin(history=session.history, checklist=session.checklist)
    return {flag.code: flag.severity.value for flag in screen_checkin(checkin, default_config())}


#: 10:30 in New York now (CLINIC_NOW); 20 hours ago was 14:30 the day before.
TWENTY_HOURS_AGO = CLINIC_NOW - timedelta(hours=20)


@pytest.mark.parametrize(
    ("language", "medication_shown", "food_shown"),
    [
        ("en", "yesterday 2:30\u202fPM", "today 8:30\u202fAM"),
        ("es", "ayer, 2:30\u202fp.m.", "hoy, 8:30\u202fa.m."),
    ],
)
async def test_a_dose_taken_20_hours_ago_shows_as_yesterday_on_review(
    app: KioskApp, language: str, medication_shown: str, food_shown: str
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await at_step(app, pilot, language, "identity")
        session = app.session
        assert session is not None
        dose = Medication("sumatriptan", "50 mg", "", True, TWENTY_HOURS_AGO)
        session.medications = example_medications(medications=(dose,))
        session.checklist = example_checklist(last_food_at=CLINIC_NOW - timedelta(hours=2))
        await app.show_step("review")
        await pilot.pause()
        assert medication_shown in shown_text(app, "#answers-medications")
        assert food_shown in shown_text(app, "#answers-checklist")


async def test_last_food_typed_7_30_with_a_dot_is_half_past_seven(app: KioskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await at_step(app, pilot, "en", "checklist")
        await click(pilot, "#last_food")
        await type_text(pilot, "7.30")
        await pilot.pause()
        # The patient sees at once how the kiosk read it, with its day.
        assert shown_text(app, "#last_food-read-as") == "We read this as: today 7:30\u202fAM"
        await click(pilot, "#last_clear_liquid")
        await type_text(pilot, "22:00")
        await pilot.pause()
        read_as = shown_text(app, "#last_clear_liquid-read-as")
        assert read_as == "We read this as: yesterday 10:00\u202fPM"


async def test_a_date_of_birth_of_today_asks_the_patient_to_see_the_front_desk(
    app: KioskApp,
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await at_step(app, pilot, "en", "identity")
        await click(pilot, "#date_of_birth")
        await type_text(pilot, "03/14/2025")  # the clinic's today
        await pilot.press("tab")
        await pilot.pause()
        problem = shown_text(app, "#date_of_birth-problem")
        assert "aged 18 or over" in problem and "front desk" in problem
        assert app.screen.query_one("#next", Button).disabled


@pytest.mark.parametrize(
    ("legal_name", "typed"),
    [("Ana Lucía Gómez", "ana lucia gomez"), ("Sean O'Brien", "Sean O\u2019Brien")],
)
async def test_a_signature_typed_on_a_tablet_keyboard_is_taken(
    app: KioskApp, legal_name: str, typed: str
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await at_step(app, pilot, "en", "identity")
        session = app.session
        assert session is not None
        session.identity = example_identity(legal_name=legal_name)
        await app.show_step("consent")
        await pilot.pause()
        await tab_to(pilot, "signature")
        await type_text(pilot, typed)
        await pilot.press("tab")
        await pilot.pause()
        assert shown_text(app, "#signature-problem") == ""
        assert "signature" not in shown_text(app, "#why-not")


async def answer_history(pilot: Pilot[None], *keys: str) -> None:
    """Answer with the number keys, from the first question down, then tap Next."""
    await pilot.press(*keys)
    await click(pilot, "#next")


@pytest.mark.parametrize(
    ("controlled", "flags"),
    [
        ("1", {}),  # yes, well controlled: nothing for the nurse
        ("2", {"history.uncontrolled_hypertension": "STOP"}),
        ("3", {"history.uncontrolled_hypertension": "CAUTION"}),  # not sure
    ],
)
async def test_a_patient_with_treated_blood_pressure_has_an_honest_answer(
    app: KioskApp, controlled: str, flags: dict[str, str]
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await at_step(app, pilot, "en", "history")
        choices = app.screen.query_one("#history-questions", ChoiceList)
        assert "Do you have high blood pressure" in list_text(choices)
        assert "controlled" not in list_text(choices)
        await pilot.press("1")  # yes, I have high blood pressure
        await pilot.pause()
        assert "Is your blood pressure well controlled" in list_text(choices)
        others = ["2"] * (len(SHOWN_WHEN_ALL_NO) - 1)
        await answer_history(pilot, controlled, *others)
        assert app.screen.name == "migraine"
        assert flag_codes(app) == flags


async def test_an_overactive_thyroid_under_control_raises_nothing(app: KioskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await at_step(app, pilot, "en", "history")
        for topic in SHOWN_WHEN_ALL_NO:
            answer = "yes" if topic == "overactive_thyroid" else "no"
            await tap_choice(pilot, "history-questions", topic, answer)
        await tap_choice(pilot, "history-questions", "overactive_thyroid_controlled", "yes")
        await click(pilot, "#next")
        assert app.screen.name == "migraine"
        assert flag_codes(app) == {}


async def test_pregnancy_is_asked_once_today_and_may_not_apply(app: KioskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await at_step(app, pilot, "en", "history")
        history = app.screen.query_one("#history-questions", ChoiceList)
        assert all("pregnan" not in choice.text for choice in history.choices)
        await app.show_step("checklist")
        await pilot.pause()
        pregnancy = app.screen.query_one("#pregnancy-question", ChoiceList)
        assert "breastfeeding" in list_text(pregnancy)
        assert "Does not apply to me" in list_text(pregnancy)
        await click(pilot, "#last_food")
        await type_text(pilot, "6")
        await click(pilot, "#last_clear_liquid")
        await type_text(pilot, "3")
        await tap_choice(pilot, "driver-question", "has_driver", "yes")
        await click(pilot, "#driver_name")
        await type_text(pilot, "Sam Example")
        await click(pilot, "#driver_phone")
        await type_text(pilot, "5550104050")
        for question, answer in (
            ("took_regular_medications", "yes"),
            ("alcohol_or_drugs_24h", "no"),
            ("feeling_unwell", "no"),
        ):
            await tap_choice(pilot, "today-questions", question, answer)
        assert "(1 left)" in shown_text(app, "#why-not")  # pregnancy is still to answer
        await tap_choice(pilot, "pregnancy-question", "may_be_pregnant", "not_applicable")
        await click(pilot, "#next")
        assert app.screen.name == "consent"
        session = app.session
        assert session is not None and session.checklist is not None
        assert session.checklist.may_be_pregnant is PregnancyAnswer.NOT_APPLICABLE


async def test_the_tell_us_more_box_never_covers_the_question_it_belongs_to(
    app: KioskApp,
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await at_step(app, pilot, "en", "history")
        for topic in SHOWN_WHEN_ALL_NO[:-1]:
            await tap_choice(pilot, "history-questions", topic, Answer.NO.value)
        last = SHOWN_WHEN_ALL_NO[-1]
        await tap_choice(pilot, "history-questions", last, Answer.YES.value)
        await pilot.pause()
        choices = app.screen.query_one("#history-questions", ChoiceList)
        detail = app.screen.query_one("#detail")
        assert detail.display and detail.region.height
        # The answer boxes of the question just answered are wholly on screen, above the box.
        for value in (Answer.YES.value, Answer.NO.value, Answer.NOT_SURE.value):
            box = choices.box_for(last, value)
            top = choices.content_region.y + box.y - int(choices.scroll_y)
            assert choices.content_region.y <= top
            assert top + box.height <= min(choices.content_region.bottom, detail.region.y)


async def test_a_resumed_last_meal_30_hours_ago_stays_30_hours_ago(
    app: KioskApp, kiosk: Kiosk
) -> None:
    """A time kept from a draft comes back as the patient could type it: a bare clock time
    would be read as within the last day, moving a meal of yesterday morning to this morning."""
    checklist = example_checklist(last_food_at=CLINIC_NOW - timedelta(hours=30))
    draft = example_draft(step="checklist", checklist=checklist)
    async with app.run_test(size=(120, 40)) as pilot:
        await resume_draft(app, pilot, kiosk, draft)
        assert app.screen.name == "checklist"
        assert shown_text(app, "#last_food-read-as") == "We read this as: yesterday 4:30\u202fAM"
        await click(pilot, "#next")
        session = app.session
        assert session is not None and session.checklist is not None
        assert session.checklist.last_food_at == checklist.last_food_at
