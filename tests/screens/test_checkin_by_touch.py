"""A patient checks in by touch: every choice, button and number is a tap. In Spanish, and in
Korean at a clinic that turns draft languages on (names in Hangul, the medication a tapped
suggestion of its Korean name).

Names are typed on the tablet's own keyboard (the kiosk has no letter keyboard of its own);
dates, times, phone numbers and counts are tapped on the kiosk's keypad. The patient answers
PHQ-9 item 9 above 0: the calm message shows, and the urgent flag is on the nurse's list before
the check-in is even submitted. The sealed check-in holds exactly the answers given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from textual.containers import VerticalScroll
from textual.widgets import Button, Static

from kiosk.app import KioskApp
from kiosk.desk.facade import Kiosk
from kiosk.intake.records import (
    Answer,
    HealthHistory,
    HistoryAnswer,
    Identity,
    Medication,
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
    fill,
    ready,
    tap_choice,
)


@dataclass(frozen=True)
class Medicine:
    """A medication added by tapping a suggestion: what is typed, what is offered and taken."""

    typed: str
    offered: str
    read_as: str
    dose: str
    how_often: str


@dataclass(frozen=True)
class Patient:
    """What one patient taps and types, in their language, and words they read on the way."""

    language: str
    legal_name: str
    contact: str
    ketamine_outcome: str
    signature: str
    #: None: the patient ticks "I take no medications".
    medicine: Medicine | None
    #: Words on screen: About you's title, the PHQ-9 item 9 message's first words, Done's title.
    about_you: str
    nurse_will_talk: str
    thanks: str


SPANISH = Patient(
    language="es",
    legal_name="José Ñúñez",
    contact="Ana Núñez",
    ketamine_outcome="me ayudó",
    signature="JOSÉ ÑÚÑEZ",
    medicine=None,
    about_you="Sus datos",
    nurse_will_talk="Gracias por decírnoslo.",
    thanks="¡Gracias!",
)
KOREAN = Patient(
    language="ko",
    legal_name="김민준",
    contact="이서연",
    ketamine_outcome="도움이 됐어요",
    signature="김민준",
    medicine=Medicine("라모", "라모트리진", "라모트리진 (lamotrigine)", "100 mg", "하루 두 번"),
    about_you="본인 정보",
    nurse_will_talk="말씀해 주셔서 감사합니다.",
    thanks="감사합니다!",
)


def shown(app: KioskApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


@pytest.mark.parametrize("patient", [SPANISH, KOREAN], ids=["es", "ko"])
async def test_a_patient_checks_in_by_touch_alone(
    drafts_app: KioskApp, drafts_kiosk: Kiosk, patient: Patient
) -> None:
    app, kiosk, medicine = drafts_app, drafts_kiosk, patient.medicine
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await click(pilot, f"#language-{patient.language}")
        await click(pilot, "#check-in")
        assert app.screen.name == "identity"
        assert shown(app, "#step-title") == patient.about_you

        await fill(pilot, "legal_name", text=patient.legal_name)
        await fill(pilot, "date_of_birth", keypad="03/11/1990")
        await fill(pilot, "phone", keypad="5550102030")
        await fill(pilot, "emergency_contact_name", text=patient.contact)
        await fill(pilot, "emergency_contact_phone", keypad="5550104050")
        await click(pilot, "#next")
        assert app.screen.name == "medications"

        if medicine is None:
            await click(pilot, "#no-medications")
        else:
            # The first letters offer the name in the patient's language; a tap takes it whole.
            await fill(pilot, "med_name", text=medicine.typed)
            assert str(app.screen.query_one("#suggestion-0", Button).label) == medicine.offered
            await click(pilot, "#suggestion-0")
            await fill(pilot, "med_dose", text=medicine.dose)
            await fill(pilot, "med_frequency", text=medicine.how_often)
            await click(pilot, "#add-medication")
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
        await fill(pilot, "earlier_ketamine_outcome", text=patient.ketamine_outcome)
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
        assert shown(app, "#nurse-will-talk").startswith(patient.nurse_will_talk)
        await app.seals_settled()
        nurse = kiosk.unlock(NURSE, NURSE_PIN)
        assert [row.urgent for row in nurse.todays_summaries()] == [True]
        nurse.lock()
        await click(pilot, "#next")
        assert app.screen.name == "checklist"

        await fill(pilot, "last_food", keypad="5:00")
        await fill(pilot, "last_clear_liquid", keypad="3")
        await tap_choice(pilot, "driver-question", "has_driver", "yes")
        await fill(pilot, "driver_name", text=patient.contact)
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
        await fill(pilot, "signature", text=patient.signature)
        await click(pilot, "#next")
        assert app.screen.name == "review"

        await click(pilot, "#next")  # Submit, in the patient's language
        await app.seals_settled()
        await pilot.pause()
        assert isinstance(app.screen, DoneScreen)
        assert shown(app, "#done-title") == patient.thanks

    medications = ()
    if medicine is not None:
        taken = Medication(
            medicine.offered, medicine.dose, medicine.how_often, read_as=(medicine.read_as,)
        )
        medications = (taken,)
    row = assert_sealed_checkin(
        kiosk,
        language=patient.language,
        identity=Identity(
            patient.legal_name, "", date(1990, 3, 11), "5550102030", patient.contact, "5550104050"
        ),
        medications=MedicationList(not medications, medications, True, ()),
        history=HealthHistory(
            tuple(
                HistoryAnswer(topic, Answer.NOT_SURE if topic == "sleep_apnoea" else Answer.NO)
                for topic in SHOWN_WHEN_ALL_NO
            )
        ),
        migraine=MigraineHistory(
            20,
            15,
            8,
            Answer.YES,
            "",
            Answer.YES,
            patient.ketamine_outcome,
            Midas((10, 5, 8, 3, 6), 60, 7),
        ),
        phq9=Phq9((1, 1, 1, 1, 1, 1, 1, 1, 1)),
        checklist=TodayChecklist(
            last_food_at=datetime(2025, 3, 14, 9, 0, tzinfo=UTC),
            last_clear_liquid_at=datetime(2025, 3, 14, 11, 30, tzinfo=UTC),
            has_driver=True,
            driver_name=patient.contact,
            driver_phone="5550104050",
            took_regular_medications=Answer.YES,
            alcohol_or_drugs_24h=Answer.NO,
            feeling_unwell=Answer.NO,
            may_be_pregnant=PregnancyAnswer.NO,
        ),
        typed_name=patient.signature,
    )
    assert row.urgent
    if medicine is not None:
        assert "med.lamotrigine" in row.flag_codes
