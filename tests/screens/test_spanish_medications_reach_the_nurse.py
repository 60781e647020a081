"""A Spanish-speaking patient checks in by keyboard alone and lists Rivotril 2 mg and
teofilina: the nurse, unlocking the same kiosk, sees both flags (a benzodiazepine CAUTION and a
theophylline STOP), each saying what was typed and what it was read as (issue 12)."""

from __future__ import annotations

from textual.widgets import Button, Static

from kiosk.app import KioskApp
from kiosk.desk.facade import Kiosk
from kiosk.intake.questions import HISTORY_TOPICS
from kiosk.intake.records import CheckIn, RecordKind
from kiosk.screens.done import DoneScreen
from kiosk.screens.nurse_checkin import NurseCheckInScreen
from kiosk.screens.nurse_queue import NurseQueueScreen
from kiosk.screens.review import ReviewScreen
from tests.screens.conftest import NURSE, NURSE_PIN, ready, sealed, tab_to, type_text


async def add_medication(pilot: object, name: str, dose: str, frequency: str) -> None:
    """Name, Enter, dose, Enter, how often, then Add: as a person at a keyboard does it."""
    for text in (name, dose):
        await type_text(pilot, text)  # type: ignore[arg-type]
        await pilot.press("enter")  # type: ignore[attr-defined]
    await type_text(pilot, frequency)  # type: ignore[arg-type]
    await tab_to(pilot, "add-medication")  # type: ignore[arg-type]
    await pilot.press("enter")  # type: ignore[attr-defined]
    await tab_to(pilot, "med_name", backwards=True)  # type: ignore[arg-type]


async def test_a_spanish_check_in_with_rivotril_and_teofilina_shows_the_nurse_both_flags(
    app: KioskApp, kiosk: Kiosk
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await tab_to(pilot, "language-es")
        await pilot.press("enter")
        await tab_to(pilot, "check-in")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.name == "identity"
        for answer in ("Lucía Fernández", "Lucía", "03/11/1990", "5550102030", "Ana", "5550104"):
            await type_text(pilot, answer)
            await pilot.press("enter")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.name == "medications"

        # Typing "teof" offers the Spanish name, as a Spanish patient writes it.
        await type_text(pilot, "teof")
        await pilot.pause()
        assert str(app.screen.query_one("#suggestion-0", Button).label) == "teofilina"
        await pilot.press(*["backspace"] * 4)
        await add_medication(pilot, "Rivotril", "2 mg", "por la noche")
        await add_medication(pilot, "teofilina", "100 mg", "dos veces al día")
        await tab_to(pilot, "no-allergies")
        await pilot.press("space")
        await tab_to(pilot, "next")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.name == "history"

        await pilot.press(*["2"] * (len(HISTORY_TOPICS) - 2))  # "No" to every question shown
        await tab_to(pilot, "next")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.name == "migraine"
        for answer in ("10", "5", "6", "topiramato"):
            await type_text(pilot, answer)
            await pilot.press("enter")
        await pilot.press("2", "2")  # aura: no; earlier ketamine: no
        await tab_to(pilot, "midas_item1")
        for answer in ("1", "1", "1", "1", "1", "20", "5"):
            await type_text(pilot, answer)
            await pilot.press("enter")
        await tab_to(pilot, "next")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.name == "mood"
        await pilot.press(*["1"] * 9)
        await tab_to(pilot, "next")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.name == "checklist"
        await type_text(pilot, "5:00")
        await pilot.press("enter")
        await type_text(pilot, "7:00")
        await pilot.press("enter")
        await pilot.press("1")  # a driver: yes
        await tab_to(pilot, "driver_name")
        await type_text(pilot, "Ana")
        await pilot.press("enter")
        await type_text(pilot, "5550104")
        await pilot.press("enter")
        await pilot.press("1", "2", "2")  # medications taken: yes; alcohol, unwell: no
        await tab_to(pilot, "pregnancy-question")
        await pilot.press("2")  # no
        await tab_to(pilot, "next")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.name == "consent"
        for acknowledgement in kiosk.config.consent.acknowledgements:
            await tab_to(pilot, f"ack-{acknowledgement.id}")
            await pilot.press("space")
        await tab_to(pilot, "signature")
        await type_text(pilot, "Lucía Fernández")
        await pilot.press("enter")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("enter")
        await app.seals_settled()
        await pilot.pause()
        assert isinstance(app.screen, DoneScreen)

        # The nurse unlocks the same kiosk and opens the check-in.
        await pilot.press("f12")
        await pilot.pause()
        await pilot.press(*NURSE, "enter", *NURSE_PIN, "enter")
        await pilot.pause()
        assert isinstance(app.screen, NurseQueueScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, NurseCheckInScreen)
        flags = str(app.screen.query_one("#nurse-checkin-flags", Static).render())

    assert "'Rivotril' read as Rivotril (clonazepam)" in flags
    assert "'teofilina' read as teofilina (theophylline)" in flags
    assert "STOP" in flags and "CAUTION" in flags
    (checkin,) = [r for r in sealed(kiosk, RecordKind.CHECKIN) if isinstance(r, CheckIn)]
    assert checkin.language == "es"
    assert [(m.name, m.read_as) for m in checkin.medications.medications] == [
        ("Rivotril", ("Rivotril (clonazepam)",)),
        ("teofilina", ("teofilina (theophylline)",)),
    ]
