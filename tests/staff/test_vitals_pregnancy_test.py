"""The pregnancy test follows the patient's answer and the clinic's rule: a patient who answered
"does not apply to me" is not asked for one; the others are, unless the clinic says otherwise."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from kiosk.desk.facade import Kiosk
from kiosk.intake.config import PREGNANCY_TEST_POLICIES, ConfigError, load_config_text
from kiosk.intake.records import PregnancyAnswer, PregnancyTest, Vitals
from kiosk.intake.rules import pregnancy_test_needed
from kiosk.screens.nurse_checkin import NurseCheckInScreen
from kiosk.screens.nurse_signoff import NurseSignOffScreen
from kiosk.screens.nurse_vitals import NurseVitalsScreen
from tests.examples import example_checklist
from tests.staff.conftest import NURSE, NURSE_PIN, StaffHostApp, checkin_for
from tests.staff.journeys import unlock
from tests.waiting import wait_until


def submit(kiosk: Kiosk, answer: PregnancyAnswer) -> None:
    checkin = checkin_for("Noa Test", "p-noa", checklist=example_checklist(may_be_pregnant=answer))
    kiosk.patient_desk().submit_checkin(checkin)


async def vitals_typed(app: StaffHostApp, pilot: Pilot[None]) -> NurseVitalsScreen:
    """Unlock, open the one check-in, type every reading and press Sign off."""
    await unlock(pilot, NURSE, NURSE_PIN)
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, NurseCheckInScreen), "the check-in")
    await pilot.click("#nurse-checkin-vitals")
    await wait_until(pilot, lambda: isinstance(app.screen, NurseVitalsScreen), "vitals")
    screen = app.screen
    assert isinstance(screen, NurseVitalsScreen)
    await pilot.press(*"128", "enter", *"80", "enter", *"70", "enter", *"98", "enter")
    await pilot.press(*"36.8", "enter", *"14", "enter", *"70", "enter", "2", "enter")
    await pilot.click("#vitals-sign")
    await pilot.pause()
    return screen


async def test_a_patient_who_answered_does_not_apply_is_not_asked_for_a_pregnancy_test(
    kiosk: Kiosk,
) -> None:
    submit(kiosk, PregnancyAnswer.NOT_APPLICABLE)
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        vitals = await vitals_typed(app, pilot)
        note = str(vitals.query_one("#note-pregnancy_test", Static).render())
        assert note == 'Not needed: the patient answered "Does not apply to me" (clinic rule).'
        await wait_until(pilot, lambda: isinstance(app.screen, NurseSignOffScreen), "sign-off")
        signoff = app.screen
        assert isinstance(signoff, NurseSignOffScreen) and isinstance(signoff.vitals, Vitals)
        assert signoff.vitals.pregnancy_test is PregnancyTest.NOT_APPLICABLE


@pytest.mark.parametrize(
    ("policy", "needed_for"),
    [
        ("everyone", set(PregnancyAnswer)),
        ("unless_not_applicable", set(PregnancyAnswer) - {PregnancyAnswer.NOT_APPLICABLE}),
        ("if_may_be_pregnant", {PregnancyAnswer.YES, PregnancyAnswer.NOT_SURE}),
    ],
)
def test_the_clinic_rule_says_which_answers_need_a_test(
    policy: str, needed_for: set[PregnancyAnswer]
) -> None:
    config = load_config_text(f'[nurse]\npregnancy_test = "{policy}"\n', "clinic.toml")
    assert {a for a in PregnancyAnswer if pregnancy_test_needed(a, config)} == needed_for
    assert pregnancy_test_needed(None, config)  # an answer not known: the test is needed


def test_an_unknown_pregnancy_test_rule_is_refused_naming_the_choices() -> None:
    with pytest.raises(ConfigError, match="nurse.pregnancy_test .*line 2") as refused:
        load_config_text('[nurse]\npregnancy_test = "nobody"\n', "clinic.toml")
    assert all(policy in str(refused.value) for policy in PREGNANCY_TEST_POLICIES)
