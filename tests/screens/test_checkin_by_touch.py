"""A patient checks in, in Spanish, by touch: every choice, button and number is a tap.

Names are typed on the tablet's own keyboard (the kiosk has no letter keyboard of its own);
dates, times, phone numbers and counts are tapped on the kiosk's keypad. The patient answers
PHQ-9 item 9 above 0: the calm message shows, and the urgent flag is on the nurse's list before
the check-in is even submitted. The sealed check-in holds exactly the answers given.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from textual.containers import VerticalScroll
from textual.widgets import Static

from kiosk.app import KioskApp
from kiosk.desk.facade import Kiosk
from kiosk.intake.records import (
    Answer,
    HealthHistory,
    HistoryAnswer,
    Identity,
    MedicationList,
    Midas,
    MigraineHistory,
    Phq9,
    PregnancyAnswer,
    TodayChecklist,
)
from kiosk.screens.done import DoneScreen
from tests.screens.conftest import (
    NURSE,
    NURSE_PIN,
    SHOWN_WHEN_ALL_NO,
    assert_sealed_checkin,
    click,
    ready,
    tap_choice,
    tap_keypad,
    type_text,
)

LEGAL_NAME = "José Ñúñez"


async def fill(pilot: object, field_id: str, text: str = "", keypad: str = "") -> None:
    """Tap a box, then type on the tablet's keyboard or tap the kiosk keypad."""
    await click(pilot, f"#{field_id}")  # type: ignore[arg-type]
    if text:
        await type_text(pilot, text)  # type: ignore[arg-type]
    if keypad:
        await tap_keypad(pilot, keypad)  # type: ignore[arg-type]


async def test_a_patient_checks_in_in_spanish_by_touch_alone(app: KioskApp, kiosk: Kiosk) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await click(pilot, "#language-es")
        await click(pilot, "#check-in")
        assert app.screen.name == "identity"
        assert "Sus datos" in str(app.screen.query_one("#step-title", Static).render())

        await fill(pilot, "legal_name", text=LEGAL_NAME)
        await fill(pilot, "date_of_birth", keypad="03/11/1990")
        await fill(pilot, "phone", keypad="5550102030")
        await fill(pilot, "emergency_contact_name", text="Ana Núñez")
        await fill(pilot, "emergency_contact_phone", keypad="5550104050")
        await click(pilot, "#next")
        assert app.screen.name == "medications"

        await click(pilot, "#no-medications")
        await click(pilot, "#no-allergies")
        await click(pilot, "#next")
        assert app.screen.name == "history"

        for topic in SHOWN_WHEN_ALL_NO:
            answer = "not_sure" if topic == "sleep_apnoea" else "no"
            await tap_choice(pilot, "history-questions", topic, answer)
        await click(pilot, "#next")
        assert app.screen.name == "migraine"

        await fill(pilot, "headache_days_per_month", keypad="20")
        await fill(pilot, "migraine_days_per_month", keypad="15")
        await fill(pilot, "typical_pain", keypad="8")
        await tap_choice(pilot, "migraine-questions", "aura", "yes")
        await tap_choice(pilot, "migraine-questions", "earlier_ketamine", "yes")
        await fill(pilot, "earlier_ketamine_outcome", text="me ayudó")
        for item, days in zip(
            ("item1", "item2", "item3", "item4", "item5", "headache_days_3_months", "average_pain"),
            ("10", "5", "8", "3", "6", "60", "7"),
            strict=True,
        ):
            await fill(pilot, f"midas_{item}", keypad=days)
        await click(pilot, "#next")
        assert app.screen.name == "mood"

        for number in range(1, 9):
            await tap_choice(pilot, "phq9-questions", f"item{number}", "1")
        await tap_choice(pilot, "phq9-questions", "item9", "1")
        assert app.screen.query_one("#nurse-will-talk", Static).display
        await app.seals_settled()
        nurse = kiosk.unlock(NURSE, NURSE_PIN)
        assert [row.urgent for row in nurse.todays_summaries()] == [True]
        nurse.lock()
        await click(pilot, "#next")
        assert app.screen.name == "checklist"

        await fill(pilot, "last_food", keypad="5:00")
        await fill(pilot, "last_clear_liquid", keypad="3")
        await tap_choice(pilot, "driver-question", "has_driver", "yes")
        await fill(pilot, "driver_name", text="Ana Núñez")
        await fill(pilot, "driver_phone", keypad="5550104050")
        for question, answer in (
            ("took_regular_medications", "yes"),
            ("alcohol_or_drugs_24h", "no"),
            ("feeling_unwell", "no"),
        ):
            await tap_choice(pilot, "today-questions", question, answer)
        await tap_choice(pilot, "pregnancy-question", "may_be_pregnant", "no")
        await click(pilot, "#next")
        assert app.screen.name == "consent"

        app.screen.query_one("#step-body", VerticalScroll).scroll_end(animate=False, immediate=True)
        await pilot.pause()
        for acknowledgement in kiosk.config.consent.acknowledgements:
            await click(pilot, f"#ack-{acknowledgement.id}")
        await fill(pilot, "signature", text="JOSÉ ÑÚÑEZ")
        await click(pilot, "#next")
        assert app.screen.name == "review"

        await click(pilot, "#next")  # Enviar
        await app.seals_settled()
        await pilot.pause()
        assert isinstance(app.screen, DoneScreen)
        assert "Gracias" in str(app.screen.query_one("#done-title", Static).render())

    row = assert_sealed_checkin(
        kiosk,
        language="es",
        identity=Identity(
            LEGAL_NAME, "", date(1990, 3, 11), "5550102030", "Ana Núñez", "5550104050"
        ),
        medications=MedicationList(True, (), True, ()),
        history=HealthHistory(
            tuple(
                HistoryAnswer(topic, Answer.NOT_SURE if topic == "sleep_apnoea" else Answer.NO)
                for topic in SHOWN_WHEN_ALL_NO
            )
        ),
        migraine=MigraineHistory(
            20, 15, 8, Answer.YES, "", Answer.YES, "me ayudó", Midas((10, 5, 8, 3, 6), 60, 7)
        ),
        phq9=Phq9((1, 1, 1, 1, 1, 1, 1, 1, 1)),
        checklist=TodayChecklist(
            last_food_at=datetime(2025, 3, 14, 9, 0, tzinfo=UTC),
            last_clear_liquid_at=datetime(2025, 3, 14, 11, 30, tzinfo=UTC),
            has_driver=True,
            driver_name="Ana Núñez",
            driver_phone="5550104050",
            took_regular_medications=Answer.YES,
            alcohol_or_drugs_24h=Answer.NO,
            feeling_unwell=Answer.NO,
            may_be_pregnant=PregnancyAnswer.NO,
        ),
        typed_name="JOSÉ ÑÚÑEZ",
    )
    assert row.urgent
