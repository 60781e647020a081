"""A patient who chooses Español reads Spanish throughout: the clinic's own Spanish name on the
welcome screen, how many questions are left in the right number ("falta 1", "faltan 2"), and on
review the date of birth and the times they typed written the Spanish way, each time with its day;
one name for each step, and the pregnancy question as a Spanish-speaking clinician asks it.
"""

from __future__ import annotations

import pytest
from textual.widgets import Static

from kiosk.app import KioskApp
from kiosk.intake.checkin_steps import REVIEWED_STEPS
from kiosk.intake.records import Answer
from kiosk.widgets.choice_list import ChoiceList
from tests.screens.conftest import ready, screen_lines, tap_choice, type_about_you, type_text
from tests.screens.test_patient_polish import at_step, why_not

TODAY = {
    "took_regular_medications": Answer.YES,
    "alcohol_or_drugs_24h": Answer.NO,
    "feeling_unwell": Answer.NO,
}


def clinic_name(app: KioskApp) -> str:
    return str(app.welcome.query_one("#clinic-name", Static).render())


def review_lines(app: KioskApp, section: str) -> list[str]:
    return str(app.screen.query_one(f"#answers-{section}", Static).render()).splitlines()


async def test_a_patient_who_chooses_espanol_reads_the_clinics_spanish_name(
    app: KioskApp,
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        assert clinic_name(app) == "Infusion Clinic"
        await pilot.click("#language-es")
        await pilot.pause()
        assert clinic_name(app) == "Clínica de Infusiones"
        await pilot.click("#language-en")
        await pilot.pause()
        assert clinic_name(app) == "Infusion Clinic"
        await app.steps_built()  # the steps rebuilt in English, before the kiosk closes


async def test_a_spanish_patient_reads_faltan_2_then_falta_1(app: KioskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await at_step(app, pilot, "es", "mood")
        for item in range(1, 8):
            await tap_choice(pilot, "phq9-questions", f"item{item}", "0")
        assert why_not(app) == (
            "Para continuar: Cómo se ha sentido: "
            "Por favor, conteste todas las preguntas (faltan 2)."
        )
        await tap_choice(pilot, "phq9-questions", "item8", "0")
        assert why_not(app) == (
            "Para continuar: Cómo se ha sentido: Por favor, conteste todas las preguntas (falta 1)."
        )


@pytest.mark.parametrize(
    "language, born, last_food, last_liquid",
    [
        (
            "es",
            "Fecha de nacimiento: 22 jul 1985",
            "Última comida sólida: ayer, 2:30\u202fp.m.",
            "Último líquido claro: hoy, 7:30\u202fa.m.",
        ),
        (
            "en",
            "Date of birth: Jul 22, 1985",
            "Last solid food: yesterday 2:30\u202fPM",
            "Last clear liquid: today 7:30\u202fAM",
        ),
    ],
    ids=["es", "en"],
)
async def test_review_writes_the_date_of_birth_and_times_in_the_patients_language(
    app: KioskApp, language: str, born: str, last_food: str, last_liquid: str
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.click(f"#language-{language}")
        await pilot.pause()
        await app.steps_built()
        await pilot.click("#check-in")
        await pilot.pause()
        await type_about_you(app, pilot, "Ana Gómez", born="07/22/1985")
        # The steps between have no dates: straight to Today. It is 10:30 on Friday 14 March in
        # the clinic, so "2:30 pm" was yesterday and "3" hours ago was this morning.
        await app.show_step("checklist")
        await pilot.pause()
        await type_text(pilot, "2:30 pm")
        await pilot.press("enter")
        await type_text(pilot, "3")
        await pilot.pause()
        await tap_choice(pilot, "driver-question", "has_driver", Answer.NO.value)
        for question, answer in TODAY.items():
            await tap_choice(pilot, "today-questions", question, answer.value)
        await tap_choice(pilot, "pregnancy-question", "may_be_pregnant", "not_applicable")
        await pilot.click("#next")
        await app.seals_settled()
        await pilot.pause()
        assert app.screen.name == "consent"
        await app.show_step("review")
        await pilot.pause()
        assert born in review_lines(app, "identity")
        assert review_lines(app, "checklist")[:2] == [last_food, last_liquid]


async def test_a_spanish_patient_reads_each_step_by_one_name_on_the_step_and_on_review(
    app: KioskApp,
) -> None:
    """The step's title is the review's heading for it (an instrument's name in brackets aside):
    not "Su historial de salud" on the step and "Historial de salud" on review."""
    async with app.run_test(size=(120, 40)) as pilot:
        await at_step(app, pilot, "es", "identity")
        titles = {}
        for step in REVIEWED_STEPS:
            await app.show_step(step.name)
            await pilot.pause()
            titles[step.name] = str(app.screen.query_one("#step-title", Static).render())
        await app.show_step("review")
        await pilot.pause()
        heads = app.screen.query(".review-head > Static")
        headings = {
            step.name: str(head.render()) for step, head in zip(REVIEWED_STEPS, heads, strict=True)
        }
        assert {name: title.split(" (")[0] for name, title in titles.items()} == headings


async def test_a_spanish_patient_is_asked_about_pregnancy_in_plain_spanish(app: KioskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await at_step(app, pilot, "es", "checklist")
        choices = app.screen.query_one("#pregnancy-question", ChoiceList)
        choices.scroll_visible(animate=False, immediate=True)
        await pilot.pause()
        seen = " ".join(" ".join(screen_lines(app)).split())
        assert "¿Está embarazada, cree que podría estarlo o está dando el pecho?" in seen
        assert "No aplica en mi caso" in seen
