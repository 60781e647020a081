"""Every validation rule, typed where the patient types it, says what is wrong in their language.

Each case types (or pastes) a bad value into the box and reads the line under it; "Next" stays
disabled and says why. Nothing is stored while a box is wrong.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Button, Input, Static

from kiosk.app import KioskApp
from kiosk.desk.facade import Kiosk
from kiosk.intake.checkin_session import CheckInSession
from kiosk.intake.records import RecordKind
from kiosk.locale import translate
from tests.examples import example_identity
from tests.screens.conftest import ready, sealed, type_text

# (field, what is typed or pasted, problem code, its parameters)
IDENTITY_CASES = [
    ("legal_name", "", "text.required", {}),
    ("legal_name", "x" * 101, "text.too_long", {"max": 100}),
    ("legal_name", "Dana \x1b[31mRed", "text.escape_sequence", {}),
    ("legal_name", "Dana \u202eevil", "text.bidi_control", {}),
    ("legal_name", "Dana\x07Bell", "text.control_character", {}),
    ("legal_name", "1234", "name.no_letters", {}),
    ("legal_name", "Dana <script>", "name.characters", {}),
    ("date_of_birth", "1984", "dob.format", {"example": "MM/DD/YYYY"}),
    ("date_of_birth", "02/30/1984", "dob.not_a_date", {"example": "MM/DD/YYYY"}),
    ("date_of_birth", "01/01/2030", "dob.future", {}),
    ("date_of_birth", "01/01/1890", "dob.too_old", {"max": 120}),
    ("phone", "555-CALL-NOW", "phone.characters", {}),
    ("phone", "555 01", "phone.too_few_digits", {"min": 7}),
    ("phone", "1234567890123456", "phone.too_many_digits", {"max": 15}),
]
MIGRAINE_CASES = [
    ("headache_days_per_month", "many", "number.format", {"min": 0, "max": 31}),
    ("headache_days_per_month", "2.5", "number.not_whole", {"min": 0, "max": 31}),
    ("headache_days_per_month", "40", "number.range", {"min": 0, "max": 31}),
    ("midas_item1", "91", "number.range", {"min": 0, "max": 90}),
    ("typical_pain", "11", "number.range", {"min": 0, "max": 10}),
]
CHECKLIST_CASES = [
    ("last_food", "25:00", "time.not_a_time", {}),
    ("last_food", "7:3", "time.format", {}),
    ("last_food", "yesterday", "hours_ago.format", {}),
    ("last_clear_liquid", "100", "hours_ago.range", {"max": 72}),
]
MEDICATION_CASES = [
    ("med_name", "aspirin; DROP TABLE", "medication.characters", {}),
    ("med_dose", "d" * 41, "text.too_long", {"max": 40}),
]


async def enter(pilot: Pilot[None], box: Input, text: str) -> None:
    """Clear the box, then type (short plain text) or paste (long or special text) into it."""
    box.focus()
    box.value = ""
    await pilot.pause()
    if text and len(text) <= 20 and text.isprintable():
        await type_text(pilot, text)
    elif text:
        box.post_message(events.Paste(text))
    else:
        await pilot.press("a", "backspace")
    await pilot.pause()


async def check_cases(
    app: KioskApp, pilot: Pilot[None], step: str, cases: list[tuple[str, str, str, dict[str, int]]]
) -> None:
    await app.show_step(step)
    await pilot.pause()
    screen = app.screen
    for field_id, typed, code, params in cases:
        box = screen.query_one(f"#{field_id}", Input)
        await enter(pilot, box, typed)
        shown = str(screen.query_one(f"#{field_id}-problem", Static).render())
        assert shown == translate(code, app.language, **params), (field_id, typed)
        assert screen.query_one("#next", Button).disabled
        assert str(screen.query_one("#why-not", Static).render())


@pytest.mark.parametrize(
    "step, cases",
    [
        ("identity", IDENTITY_CASES),
        ("migraine", MIGRAINE_CASES),
        ("checklist", CHECKLIST_CASES),
        ("medications", MEDICATION_CASES),
    ],
)
async def test_each_rule_typed_shows_its_message_under_the_box(
    app: KioskApp, kiosk: Kiosk, step: str, cases: list[tuple[str, str, str, dict[str, int]]]
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        app.session = CheckInSession("en", datetime.now(UTC))
        await check_cases(app, pilot, step, cases)
    assert sealed(kiosk, RecordKind.DRAFT) == []


async def test_a_signature_that_is_not_the_legal_name_is_refused_in_spanish(
    app: KioskApp,
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        app.language = "es"
        app.prepare_steps("es")
        await app.steps_built()
        app.session = CheckInSession("es", datetime.now(UTC))
        await app.show_step("identity")
        await pilot.pause()
        app.screen.query_one("#legal_name", Input).value = "José Núñez"
        app.session.keep("identity", example_identity(legal_name="José Núñez"))
        await check_cases(
            app, pilot, "consent", [("signature", "José Núño", "signature.mismatch", {})]
        )
        message = str(app.screen.query_one("#signature-problem", Static).render())
        assert message.startswith("El nombre")


async def test_a_drug_name_can_be_completed_by_tapping_a_suggestion(app: KioskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        app.session = CheckInSession("en", datetime.now(UTC))
        await app.show_step("medications")
        await pilot.pause()
        box = app.screen.query_one("#med_name", Input)
        box.focus()
        await type_text(pilot, "lamo")
        first = app.screen.query_one("#suggestion-0", Button)
        assert first.has_class("-shown")
        assert str(first.label) == "lamotrigine"
        await pilot.click(first)
        await pilot.pause()
        assert box.value == "lamotrigine"
