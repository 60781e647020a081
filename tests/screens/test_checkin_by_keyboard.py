"""A patient checks in with the keyboard alone, from welcome to "please have a seat": in English,
and in Vietnamese at a clinic that turns draft languages on (Tiếng Việt chosen with Tab and
Enter, diacritics in the names, the medication in its Vietnamese spelling, hours ago with the
Vietnamese decimal comma).

The one sealed check-in, opened with the nurse's key, holds exactly the answers typed, in the
patient's language, and the nurse's list shows the flags the rules compute for them
(lamotrigine, seizures, a late meal).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from textual.widgets import Static

from kiosk.app import KioskApp
from kiosk.desk.facade import Kiosk
from kiosk.intake.records import (
    Allergy,
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
    RecordKind,
    TodayChecklist,
)
from kiosk.screens.done import DoneScreen
from kiosk.screens.review import ReviewScreen
from tests.screens.conftest import (
    SHOWN_WHEN_ALL_NO,
    assert_sealed_checkin,
    ready,
    tab_to,
    type_text,
)


@dataclass(frozen=True)
class Patient:
    """What one patient types, in their language, and words they read on the way."""

    language: str
    legal_name: str
    preferred_name: str
    contact: str
    medication: str
    medication_read_as: str
    how_often: str
    reaction: str
    seizures_detail: str
    preventives: str
    hours_ago: str
    signature: str
    signed_as: str
    #: Words on screen: About you's title, the consent's first words, review's date of birth,
    #: Done's title.
    about_you: str
    consent_begins: str
    born: str
    thanks: str


ENGLISH = Patient(
    language="en",
    legal_name="Dana María Example-Patient",
    preferred_name="Dana",
    contact="Sam Example",
    medication="lamotrigine",
    medication_read_as="lamotrigine",
    how_often="twice a day",
    reaction="rash",
    seizures_detail="as a child",
    preventives="topiramate",
    hours_ago="2.5",
    signature="dana maría  example-patient",
    signed_as="dana maría example-patient",
    about_you="About you",
    consent_begins="Consent to low-dose intravenous (IV) ketamine",
    born="Date of birth: Jul 2, 1984",
    thanks="Thank you!",
)
VIETNAMESE = Patient(
    language="vi",
    legal_name="Nguyễn Thị Minh Khai",
    preferred_name="Khai",
    contact="Trần Văn Nam",
    medication="lamotrigin",
    medication_read_as="lamotrigin (lamotrigine)",
    how_often="ngày hai lần",
    reaction="nổi mẩn đỏ",
    seizures_detail="hồi còn nhỏ",
    preventives="topiramat",
    hours_ago="2,5",
    signature="nguyễn thị minh khai",
    signed_as="nguyễn thị minh khai",
    about_you="Thông tin của quý vị",
    consent_begins="Giấy đồng ý dùng ketamine liều thấp",
    born="Ngày sinh: 2 thg 7, 1984",
    thanks="Cảm ơn quý vị!",
)


def shown(app: KioskApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


@pytest.mark.parametrize("patient", [ENGLISH, VIETNAMESE], ids=["en", "vi"])
async def test_a_patient_checks_in_by_keyboard_alone(
    drafts_app: KioskApp, drafts_kiosk: Kiosk, patient: Patient
) -> None:
    app, kiosk = drafts_app, drafts_kiosk
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        if patient.language != "en":
            await tab_to(pilot, f"language-{patient.language}")
            await pilot.press("enter")
            await pilot.pause()
            await app.steps_built()
        await tab_to(pilot, "check-in")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.name == "identity"
        assert shown(app, "#step-title") == patient.about_you

        # Who you are: Enter moves to the next box, and from the last one to Next.
        for answer in (
            patient.legal_name,
            patient.preferred_name,
            "07/02/1984",
            "+1 (555) 010-2030",
            patient.contact,
            "555-010-4050",
        ):
            await type_text(pilot, answer)
            await pilot.press("enter")
        assert app.focused is not None and app.focused.id == "next"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.name == "medications"

        # Medications: one as a row, then allergies: one.
        await type_text(pilot, patient.medication)
        await pilot.press("enter")
        await type_text(pilot, "100 mg")
        await pilot.press("enter")
        await type_text(pilot, patient.how_often)
        await tab_to(pilot, "add-medication")
        await pilot.press("enter")
        await tab_to(pilot, "allergy_substance")
        await type_text(pilot, "penicillin")
        await pilot.press("enter")
        await type_text(pilot, patient.reaction)
        await tab_to(pilot, "add-allergy")
        await pilot.press("enter")
        await tab_to(pilot, "next")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.name == "history"

        # Health history: "2" answers No and moves on; seizures gets Yes and a detail.
        seizures = SHOWN_WHEN_ALL_NO.index("seizures")  # the follow-ups stay hidden
        await pilot.press(*["2"] * seizures, "1", "up", "tab")
        await type_text(pilot, patient.seizures_detail)
        await pilot.press("shift+tab", "down", "2", "2")
        await tab_to(pilot, "next")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.name == "migraine"

        for answer in ("12", "6", "7", patient.preventives):
            await type_text(pilot, answer)
            await pilot.press("enter")
        await pilot.press("2", "2")  # aura: no; earlier ketamine: no
        await tab_to(pilot, "midas_item1")
        for answer in ("3", "4", "5", "2", "1", "30", "6"):
            await type_text(pilot, answer)
            await pilot.press("enter")
        await tab_to(pilot, "next")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.name == "mood"

        await pilot.press(*["1"] * 9)  # the first option, "not at all", to every item
        await tab_to(pilot, "next")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.name == "checklist"

        await type_text(pilot, "7:30")  # three hours ago: under the clinic's 4 h
        await pilot.press("enter")
        await type_text(pilot, patient.hours_ago)
        await pilot.press("enter")
        await pilot.press("1")  # a driver: yes
        await tab_to(pilot, "driver_name")
        await type_text(pilot, patient.contact)
        await pilot.press("enter")
        await type_text(pilot, "555-010-4050")
        await pilot.press("enter")
        await pilot.press("1", "2", "2")
        await tab_to(pilot, "pregnancy-question")
        await pilot.press("4")  # does not apply to me
        await tab_to(pilot, "next")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.name == "consent"
        assert shown(app, "#consent-text").startswith(patient.consent_begins)

        # Consent: the text is read (it fits), each box ticked with Space, the name signed.
        for acknowledgement in kiosk.config.consent.acknowledgements:
            await tab_to(pilot, f"ack-{acknowledgement.id}")
            await pilot.press("space")
        await tab_to(pilot, "signature")
        await type_text(pilot, patient.signature)
        await pilot.press("enter")
        assert app.focused is not None and app.focused.id == "next"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        # The date of birth read back the patient's way, its month named.
        assert patient.born in shown(app, "#answers-identity").splitlines()

        await pilot.press("enter")  # Submit has the focus
        await app.seals_settled()
        await pilot.pause()
        assert isinstance(app.screen, DoneScreen)
        assert app.session is None
        assert shown(app, "#done-title") == patient.thanks

    row = assert_sealed_checkin(
        kiosk,
        language=patient.language,
        identity=Identity(
            patient.legal_name,
            patient.preferred_name,
            date(1984, 7, 2),
            "+1 (555) 010-2030",
            patient.contact,
            "555-010-4050",
        ),
        medications=MedicationList(
            no_medications=False,
            medications=(
                Medication(
                    patient.medication,
                    "100 mg",
                    patient.how_often,
                    read_as=(patient.medication_read_as,),
                ),
            ),
            no_allergies=False,
            allergies=(Allergy("penicillin", patient.reaction),),
        ),
        history=HealthHistory(
            tuple(
                HistoryAnswer(topic, Answer.YES, patient.seizures_detail)
                if topic == "seizures"
                else HistoryAnswer(topic, Answer.NO)
                for topic in SHOWN_WHEN_ALL_NO
            )
        ),
        migraine=MigraineHistory(
            12, 6, 7, Answer.NO, patient.preventives, Answer.NO, "", Midas((3, 4, 5, 2, 1), 30, 6)
        ),
        phq9=Phq9((0, 0, 0, 0, 0, 0, 0, 0, 0)),
        checklist=TodayChecklist(
            last_food_at=datetime(2025, 3, 14, 11, 30, tzinfo=UTC),
            last_clear_liquid_at=datetime(2025, 3, 14, 12, 0, tzinfo=UTC),
            has_driver=True,
            driver_name=patient.contact,
            driver_phone="555-010-4050",
            took_regular_medications=Answer.YES,
            alcohol_or_drugs_24h=Answer.NO,
            feeling_unwell=Answer.NO,
            may_be_pregnant=PregnancyAnswer.NOT_APPLICABLE,
        ),
        typed_name=patient.signed_as,
    )
    assert {"med.lamotrigine", "history.seizures"} <= set(row.flag_codes)

    # A draft was sealed at every step, each superseding the one before; once the check-in is
    # stored, no draft keeps its payload (only ids and hashes stay, as proof).
    rows = {row.record_id: row for row in kiosk.store.records(RecordKind.DRAFT.value)}
    superseded_by = {row.supersedes: row for row in rows.values()}
    chain, current = [], superseded_by.get(None)
    while current is not None:
        chain.append(current)
        current = superseded_by.get(current.record_id)
    assert len(chain) == len(rows) == 7
    assert not any(row.has_payload for row in rows.values())
