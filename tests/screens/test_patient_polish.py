"""Gaps a newcomer found walking the patient journey, each driven by keys or taps as a patient
would: Space ticks a box, Back from the first step returns to welcome with nothing kept, the
migraine step names its questions and checks migraine days against headache days, the date hint
and its message follow the clinic's date order in the patient's language, and a nurse's
far-too-long reading is refused with a clear message; how a time was read stands apart from
the next question."""

from __future__ import annotations

import re
import tomllib
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Input, Static

from kiosk.app import KioskApp
from kiosk.desk.facade import Kiosk
from kiosk.intake.checkin_session import CheckInSession
from kiosk.intake.records import Answer, RecordKind
from kiosk.locale import LOCALE_DIR, translate, translate_count
from kiosk.widgets.choice_list import ChoiceList
from kiosk.widgets.tick_box import TickBox
from tests.screens.conftest import (
    click,
    ready,
    screen_lines,
    sealed,
    tab_to,
    tap_choice,
    type_about_you,
    type_text,
)
from tests.screens.test_idle_wipe import MARKER, assert_nothing_left


def label_of(app: KioskApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Button).label)


async def test_space_ticks_and_unticks_the_focused_box(app: KioskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        app.session = CheckInSession("en", datetime.now(UTC))
        await app.show_step("medications")
        await pilot.pause()
        await tab_to(pilot, "no-medications")
        await pilot.press("space")
        await pilot.pause()
        assert label_of(app, "#no-medications") == "[X] I take no medications"
        assert app.screen.query_one("#no-medications", TickBox).ticked
        await pilot.press("space")
        await pilot.pause()
        assert label_of(app, "#no-medications") == "[ ] I take no medications"
        why = str(app.screen.query_one("#why-not", Static).render())
        assert 'tick "I take no medications"' in why


async def test_back_on_the_first_step_returns_to_welcome_and_keeps_nothing_typed(
    app: KioskApp, kiosk: Kiosk
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.click("#language-es")
        await pilot.pause()
        await pilot.click("#larger-text")
        await pilot.pause()
        await app.steps_built()
        await pilot.click("#check-in")
        await pilot.pause()
        assert app.screen.name == "identity"
        await type_text(pilot, f"{MARKER} Person")
        await pilot.press("enter")
        await type_text(pilot, MARKER)
        await tab_to(pilot, "back")
        assert label_of(app, "#back") == "Atrás"
        await pilot.press("enter")
        await pilot.pause()
        await app.steps_built()
        await pilot.pause()
        assert app.screen is app.welcome
        assert_nothing_left(app)  # the idle wipe's own check: widgets, attributes, heap
        # The same patient went back: still in Spanish, with the larger text they chose.
        assert str(app.welcome.query_one("#check-in", Button).label) == "Registrarse"
        assert app.welcome.query_one("#larger-text", TickBox).ticked
        await pilot.click("#check-in")
        await pilot.pause()
        assert app.screen.name == "identity"
        assert app.screen.query_one("#legal_name", Input).value == ""
        assert app.has_class("-larger-text")
    assert sealed(kiosk, RecordKind.DRAFT) == []


async def test_once_a_draft_is_sealed_the_first_step_offers_no_back(app: KioskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.click("#check-in")
        await pilot.pause()
        assert app.screen.query_one("#back", Button).display
        await type_about_you(app, pilot)
        await click(pilot, "#back")
        assert app.screen.name == "identity"
        assert not app.screen.query_one("#back", Button).display
        assert app.screen.query_one("#legal_name", Input).value == "Dana Example"


async def at_step(app: KioskApp, pilot: Pilot[None], language: str, step: str) -> None:
    """Choose the language on welcome, then put a step up as if the patient had reached it."""
    await ready(app, pilot)
    await pilot.click(f"#language-{language}")
    await pilot.pause()
    await app.steps_built()
    app.session = CheckInSession(language, datetime.now(UTC))
    await app.show_step(step)
    await pilot.pause()


def why_not(app: KioskApp) -> str:
    return str(app.screen.query_one("#why-not", Static).render())


def problem_under(app: KioskApp, field_id: str) -> str:
    return str(app.screen.query_one(f"#{field_id}-problem", Static).render())


async def retype(pilot: Pilot[None], selector: str, text: str) -> None:
    """Tap a box, clear it with backspace and type `text`."""
    await click(pilot, selector)
    box = pilot.app.screen.query_one(selector, Input)
    await pilot.press("end", *["backspace"] * len(box.value))
    await type_text(pilot, text)
    await pilot.pause()


NUMBER_BOXES = [
    "headache_days_per_month",
    "migraine_days_per_month",
    "typical_pain",
    *[f"midas_item{n}" for n in range(1, 6)],
    "midas_headache_days_3_months",
    "midas_average_pain",
]


@pytest.mark.parametrize(
    "language, first_reason",
    [
        ("en", "To go on: Headache days a month (0-31): Please enter a number from 0 to 31."),
        (
            "es",
            "Para continuar: Días con dolor de cabeza al mes (de 0 a 31): "
            "Escriba un número de 0 a 31.",
        ),
    ],
    ids=["en", "es"],
)
async def test_to_go_on_names_each_migraine_question_as_its_box_shows_it(
    app: KioskApp, language: str, first_reason: str
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await at_step(app, pilot, language, "migraine")
        await type_text(pilot, "40")
        await pilot.pause()
        assert why_not(app) == first_reason
        for field_id in NUMBER_BOXES:  # each in turn is the first one left to answer
            label = str(app.screen.query_one(f"#{field_id}", Input).border_title)
            assert not label.startswith(("Number from", "Número de")), field_id
            # Named, with its problem once typed in (a box not yet left is only named).
            why = why_not(app)
            assert f": {label}: " in why or why.endswith(f": {label}"), field_id
            await retype(pilot, f"#{field_id}", "0")
        assert why_not(app) == translate(
            "screens.nav.why_disabled",
            language,
            field=translate("screens.migraine.questions", language),
            problem=translate_count("screens.choices.unanswered", language, 2),
        )


@pytest.mark.parametrize(
    "language, message",
    [
        (
            "en",
            "This is more than your headache days a month (4): "
            "every migraine day is also a headache day.",
        ),
        (
            "es",
            "Este número es mayor que sus días con dolor de cabeza al mes (4): "
            "cada día con migraña también cuenta como día con dolor de cabeza.",
        ),
    ],
    ids=["en", "es"],
)
async def test_migraine_days_cannot_exceed_headache_days(
    app: KioskApp, language: str, message: str
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await at_step(app, pilot, language, "migraine")
        for field_id in NUMBER_BOXES:
            await retype(pilot, f"#{field_id}", "1")
        for question in ("aura", "earlier_ketamine"):
            await tap_choice(pilot, "migraine-questions", question, Answer.NO.value)
        assert not app.screen.query_one("#next", Button).disabled

        await retype(pilot, "#headache_days_per_month", "4")
        await retype(pilot, "#migraine_days_per_month", "6")
        assert problem_under(app, "migraine_days_per_month") == message
        assert app.screen.query_one("#next", Button).disabled
        label = str(app.screen.query_one("#migraine_days_per_month", Input).border_title)
        assert why_not(app) == translate(
            "screens.nav.why_disabled", language, field=label, problem=message
        )

        await retype(pilot, "#headache_days_per_month", "8")  # fixed on the other box
        assert problem_under(app, "migraine_days_per_month") == ""
        assert not app.screen.query_one("#next", Button).disabled
        await retype(pilot, "#migraine_days_per_month", "9")
        assert app.screen.query_one("#next", Button).disabled
        await retype(pilot, "#migraine_days_per_month", "8")  # equal is fine
        await click(pilot, "#next")
        await app.seals_settled()
        assert app.screen.name == "mood"
        assert app.session is not None and app.session.migraine is not None
        assert app.session.migraine.migraine_days_per_month == 8


@pytest.mark.parametrize(
    "language, order, hint, format_message, not_a_date, real_date",
    [
        (
            "es",
            "DMY",
            "DD/MM/AAAA",
            "Escriba su fecha de nacimiento así: DD/MM/AAAA, o con 8 dígitos.",
            "Esa fecha no existe. Revise el día y el mes (DD/MM/AAAA).",
            "25/12/1984",
        ),
        (
            "es",
            "MDY",
            "MM/DD/AAAA",
            "Escriba su fecha de nacimiento así: MM/DD/AAAA, o con 8 dígitos.",
            "Esa fecha no existe. Revise el día y el mes (MM/DD/AAAA).",
            "12/25/1984",
        ),
        (
            "en",
            "DMY",
            "DD/MM/YYYY",
            "Please enter your date of birth as DD/MM/YYYY, or as 8 digits.",
            "That is not a real date. Please check the day and month (DD/MM/YYYY).",
            "25/12/1984",
        ),
    ],
    ids=["es-DMY", "es-MDY", "en-DMY"],
)
async def test_the_date_hint_and_its_messages_follow_the_clinic_order_in_the_patient_language(
    app: KioskApp,
    language: str,
    order: str,
    hint: str,
    format_message: str,
    not_a_date: str,
    real_date: str,
) -> None:
    app.config = replace(app.config, date_order=order)
    async with app.run_test(size=(120, 40)) as pilot:
        await at_step(app, pilot, language, "identity")
        assert app.screen.query_one("#date_of_birth", Input).placeholder == hint
        await retype(pilot, "#date_of_birth", "1984")
        assert problem_under(app, "date_of_birth") == format_message
        await retype(pilot, "#date_of_birth", "31/31/1984")
        assert problem_under(app, "date_of_birth") == not_a_date
        await retype(pilot, "#date_of_birth", real_date)
        assert problem_under(app, "date_of_birth") == ""


# British spellings (and their forms) that a US clinic's patient must not read.
BRITISH = re.compile(
    r"colour|centre|paediatr|anaesthe|haem|apnoea|oedema|oesophag|foetus|behaviour|favour"
    r"|honour|labour|tumour|enrolment|programme|litre|metre|judgement|recognis|organis|licence",
    re.IGNORECASE,
)
PATIENT_WORDS = ("questions.toml", "screens.toml", "validation.toml")


async def test_the_patient_reads_american_spelling(app: KioskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await at_step(app, pilot, "en", "history")
        await tap_choice(pilot, "history-questions", "sleep_apnoea", Answer.NO.value)
        choices = app.screen.query_one("#history-questions", ChoiceList)
        shown = " ".join(choices.render_line(y).text for y in range(choices.size.height))
        assert "sleep apnea or other breathing problems" in shown
    for name in PATIENT_WORDS:
        words = tomllib.loads((LOCALE_DIR / "en" / name).read_text("utf-8"))
        found = [w for w in flat_texts(words) if BRITISH.search(w)]
        assert found == [], name


def flat_texts(table: dict[str, object]) -> list[str]:
    texts: list[str] = []
    for value in table.values():
        if isinstance(value, dict):
            texts += flat_texts(value)
        elif isinstance(value, str):
            texts.append(value)
    return texts


async def test_a_blank_line_parts_how_a_time_was_read_from_the_next_question(
    app: KioskApp,
) -> None:
    async with app.run_test(size=(100, 32)) as pilot:
        await at_step(app, pilot, "en", "checklist")
        for typed in ("7:30", "3"):
            await type_text(pilot, typed)
            await pilot.press("enter")
        await pilot.pause()
        lines = screen_lines(app)
        read_as = [row for row, line in enumerate(lines) if "We read this as:" in line]
        assert len(read_as) == 2, "\n".join(lines)
        for row in read_as:
            assert lines[row + 1].strip() == "", "\n".join(lines[row - 1 : row + 3])
