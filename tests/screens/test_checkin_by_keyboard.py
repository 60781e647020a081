"""A patient checks in, in English, with the keyboard alone, from welcome to "please have a seat".

The one sealed check-in, opened with the nurse's key, holds exactly the answers typed, and the
nurse's list shows the flags the rules compute for them (lamotrigine, seizures, a late meal).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

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

LEGAL_NAME = "Dana María Example-Patient"


async def test_a_patient_checks_in_in_english_by_keyboard_alone(
    app: KioskApp, kiosk: Kiosk
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await tab_to(pilot, "check-in")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.name == "identity"

        # Who you are: Enter moves to the next box, and from the last one to Next.
        for answer in (
            LEGAL_NAME,
            "Dana",
            "07/02/1984",
            "+1 (555) 010-2030",
            "Sam Example",
            "555-010-4050",
        ):
            await type_text(pilot, answer)
            await pilot.press("enter")
        assert app.focused is not None and app.focused.id == "next"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.name == "medications"

        # Medications: one as a row, then allergies: none.
        await type_text(pilot, "lamotrigine")
        await pilot.press("enter")
        await type_text(pilot, "100 mg")
        await pilot.press("enter")
        await type_text(pilot, "twice a day")
        await tab_to(pilot, "add-medication")
        await pilot.press("enter")
        await tab_to(pilot, "allergy_substance")
        await type_text(pilot, "penicillin")
        await pilot.press("enter")
        await type_text(pilot, "rash")
        await tab_to(pilot, "add-allergy")
        await pilot.press("enter")
        await tab_to(pilot, "next")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.name == "history"

        # Health history: "2" answers No and moves on; seizures gets Yes and a detail.
        seizures = SHOWN_WHEN_ALL_NO.index("seizures")  # the follow-ups stay hidden
        await pilot.press(*["2"] * seizures, "1", "up", "tab")
        await type_text(pilot, "as a child")
        await pilot.press("shift+tab", "down", "2", "2")
        await tab_to(pilot, "next")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.name == "migraine"

        for answer in ("12", "6", "7", "topiramate"):
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

        await pilot.press(*["1"] * 9)  # "Not at all" to every item
        await tab_to(pilot, "next")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.name == "checklist"

        await type_text(pilot, "7:30")  # three hours ago: under the clinic's 4 h
        await pilot.press("enter")
        await type_text(pilot, "2.5")  # hours ago
        await pilot.press("enter")
        await pilot.press("1")  # a driver: yes
        await tab_to(pilot, "driver_name")
        await type_text(pilot, "Sam Example")
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

        # Consent: the text is read (it fits), each box ticked with Space, the name signed.
        for acknowledgement in kiosk.config.consent.acknowledgements:
            await tab_to(pilot, f"ack-{acknowledgement.id}")
            await pilot.press("space")
        await tab_to(pilot, "signature")
        await type_text(pilot, "dana maría  example-patient")
        await pilot.press("enter")
        assert app.focused is not None and app.focused.id == "next"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)

        await pilot.press("enter")  # Submit has the focus
        await app.seals_settled()
        await pilot.pause()
        assert isinstance(app.screen, DoneScreen)
        assert app.session is None

    local = UTC
    row = assert_sealed_checkin(
        kiosk,
        language="en",
        identity=Identity(
            LEGAL_NAME, "Dana", date(1984, 7, 2), "+1 (555) 010-2030", "Sam Example", "555-010-4050"
        ),
        medications=MedicationList(
            no_medications=False,
            medications=(
                Medication("lamotrigine", "100 mg", "twice a day", read_as=("lamotrigine",)),
            ),
            no_allergies=False,
            allergies=(Allergy("penicillin", "rash"),),
        ),
        history=HealthHistory(
            tuple(
                HistoryAnswer(topic, Answer.YES, "as a child")
                if topic == "seizures"
                else HistoryAnswer(topic, Answer.NO)
                for topic in SHOWN_WHEN_ALL_NO
            )
        ),
        migraine=MigraineHistory(
            12, 6, 7, Answer.NO, "topiramate", Answer.NO, "", Midas((3, 4, 5, 2, 1), 30, 6)
        ),
        phq9=Phq9((0, 0, 0, 0, 0, 0, 0, 0, 0)),
        checklist=TodayChecklist(
            last_food_at=datetime(2025, 3, 14, 11, 30, tzinfo=local),
            last_clear_liquid_at=datetime(2025, 3, 14, 12, 0, tzinfo=local),
            has_driver=True,
            driver_name="Sam Example",
            driver_phone="555-010-4050",
            took_regular_medications=Answer.YES,
            alcohol_or_drugs_24h=Answer.NO,
            feeling_unwell=Answer.NO,
            may_be_pregnant=PregnancyAnswer.NOT_APPLICABLE,
        ),
        typed_name="dana maría example-patient",
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
