"""Sign-off as a nurse meets it: every open flag of the check-in and the vitals, a hold with its
reason, later a named clinician's override of the STOP (its own sealed record), then cleared.
And the consent section reads as the patient ticked it, in words."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import OptionList, Select, Static

from kiosk.desk.facade import Kiosk
from kiosk.intake.records import (
    DecisionOutcome,
    NurseDecision,
    RecordKind,
    Severity,
    StopOverride,
    Vitals,
)
from kiosk.screens.nurse_queue import NurseQueueScreen
from kiosk.screens.nurse_signoff import NurseSignOffScreen
from kiosk.widgets.staff_queue_table import StaffQueueTable
from tests.staff.conftest import NURSE, NURSE_PIN, StaffHostApp, tap
from tests.staff.journeys import nurse_at_sign_off, open_only_checkin, submit_hana, unlock
from tests.waiting import wait_until

HOLD_REASON = "Waiting for Dr. Rivera to review the heart history"
CLINICIAN = "Dr. Ana Rivera"
OVERRIDE_REASON = "Stable angina, reviewed with cardiology last week"


def text_of(app: StaffHostApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def vitals_column(app: StaffHostApp) -> str:
    """What today's list says in the vitals column of its one row."""
    return str(app.screen.query_one(StaffQueueTable).get_row_at(0)[4])


async def sign(app: StaffHostApp, pilot: Pilot[None]) -> None:
    await tap(pilot, "#signoff-pin")
    await pilot.press(*NURSE_PIN, "enter")
    await pilot.pause()


async def test_a_stop_is_held_with_a_reason_then_cleared_by_a_named_clinicians_override(
    kiosk: Kiosk,
) -> None:
    async with nurse_at_sign_off(kiosk, notifications=True) as (app, pilot):
        flags = text_of(app, "#signoff-flags")
        assert "heart disease" in flags and "STOP" in flags  # from her history
        assert "Alcohol" in flags and "CAUTION" in flags  # from today's checklist
        assert "Systolic BP 165 mmHg" in flags  # from the vitals
        assert "Needs a clinician's override" in flags

        await tap(pilot, "#decision-cleared")
        await sign(app, pilot)
        assert isinstance(app.screen, NurseSignOffScreen)
        assert text_of(app, "#signoff-problem") == (  # the STOP as the flag list names it
            "A STOP is cleared only by a clinician's override: Reports heart disease (coronary,"
            " heart failure, arrhythmia) or a prior heart attack. (Health history: yes)."
        )

        await tap(pilot, "#decision-hold")
        await sign(app, pilot)
        assert text_of(app, "#signoff-problem") == "Give the reason for the hold."
        await tap(pilot, "#signoff-hold-reason")
        await pilot.press(*HOLD_REASON)
        await sign(app, pilot)
        await wait_until(pilot, lambda: isinstance(app.screen, NurseQueueScreen), "the queue")
        await wait_until(pilot, lambda: bool(app.screen.query("Toast")), "the signed toast")
        assert "Signed: on hold" in str(app.screen.query_one("Toast").render())
        assert vitals_column(app) == "on hold"

        await open_only_checkin(app, pilot)  # Dr. Rivera comes by later
        heading = str(app.screen.query(".nurse-section-title").first(Static).render())
        assert heading == f"Check-in · vitals signed · on hold: {HOLD_REASON}"
        await pilot.click("#nurse-checkin-decide")
        await wait_until(pilot, lambda: isinstance(app.screen, NurseSignOffScreen), "sign-off")
        await tap(pilot, "#override-flag")
        select = app.screen.query_one("#override-flag", Select)
        await wait_until(pilot, lambda: select.expanded, "the STOP flags to choose from")
        await pilot.press("down", "down", "enter")  # past the prompt to the one STOP waiting
        assert app.screen.query_one("#override-flag", Select).value == "history.heart_disease"
        await tap(pilot, "#override-clinician")
        await pilot.press(*CLINICIAN)
        await tap(pilot, "#override-reason")
        await pilot.press(*OVERRIDE_REASON)
        await tap(pilot, "#override-add")
        flags = text_of(app, "#signoff-flags")
        assert f"Cleared (sealed when you sign) by {CLINICIAN}: {OVERRIDE_REASON}" in flags
        assert "Needs a clinician's override" not in flags
        await tap(pilot, "#decision-cleared")
        await sign(app, pilot)
        await wait_until(pilot, lambda: isinstance(app.screen, NurseQueueScreen), "the queue")
        assert vitals_column(app) == "cleared"

    [checkin_id] = [row.record_id for row in kiosk.store.records(RecordKind.CHECKIN.value)]
    session = kiosk.unlock(NURSE, NURSE_PIN)
    [row] = session.todays_summaries()
    [override_id] = row.override_record_ids
    override = session.open_record(override_id)  # its own record, sealed to the staff key
    assert isinstance(override, StopOverride)
    assert (override.clinician_name, override.reason) == (CLINICIAN, OVERRIDE_REASON)
    assert (override.flag.code, override.flag.severity) == ("history.heart_disease", Severity.STOP)
    assert (override.checkin_id, override.nurse_id) == (checkin_id, NURSE)
    assert row.decision_record_id is not None
    decision = session.open_record(row.decision_record_id)
    assert isinstance(decision, NurseDecision)
    assert decision.outcome is DecisionOutcome.CLEARED and decision.overrides == (override_id,)
    assert {flag.code for flag in decision.flags} == {
        "history.heart_disease",
        "checklist.alcohol_or_drugs",
        "vitals.systolic",
    }
    held, cleared = kiosk.store.records("nurse_decision")
    assert cleared.supersedes == held.record_id
    first = session.open_record(held.record_id)
    assert isinstance(first, NurseDecision) and first.reason == HOLD_REASON
    [vitals_row] = kiosk.store.records("vitals")  # deciding again did not sign the vitals again
    vitals = session.open_record(vitals_row.record_id)
    assert isinstance(vitals, Vitals) and decision.vitals_id == vitals_row.record_id


async def test_a_wrong_pin_at_sign_off_that_slows_the_pad_says_it_was_wrong_and_the_wait(
    kiosk: Kiosk,
) -> None:
    said: list[str] = []
    async with nurse_at_sign_off(kiosk) as (app, pilot):
        await tap(pilot, "#decision-hold")
        await tap(pilot, "#signoff-hold-reason")
        await pilot.press(*HOLD_REASON)
        for _ in range(4):  # three free wrong PINs, then one after which the pad waits
            await tap(pilot, "#signoff-pin")
            await pilot.press(*"999999", "enter")
            await pilot.pause()
            said.append(text_of(app, "#signoff-problem"))
    assert said[:3] == ["Wrong PIN: nothing is signed yet."] * 3
    assert said[3] == (
        "Wrong PIN: nothing is signed yet. After wrong PINs in a row, the next try is possible"
        " in 5 s."
    )
    assert kiosk.store.records("vitals") == [] and kiosk.store.records("nurse_decision") == []


async def test_the_consent_section_shows_each_acknowledgement_in_words(kiosk: Kiosk) -> None:
    submit_hana(kiosk)
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot, NURSE, NURSE_PIN)
        await open_only_checkin(app, pilot)
        consent = str(app.screen.query(".nurse-section").last(Static).render())
    assert "I have read what the infusion involves and its possible side effects." in consent
    assert "I know I may ask to stop the infusion at any time." in consent
    assert "treatment_and_side_effects" not in consent and "may_stop" not in consent


async def test_the_override_picker_names_each_stop_in_the_nurses_words(kiosk: Kiosk) -> None:
    async with nurse_at_sign_off(kiosk) as (app, pilot):
        await tap(pilot, "#override-flag")
        select = app.screen.query_one("#override-flag", Select)
        await wait_until(pilot, lambda: select.expanded, "the STOP flags to choose from")
        overlay = select.query_one("SelectOverlay", OptionList)  # the list it drops down
        offered = [str(option.prompt) for option in overlay.options][1:]  # past the prompt
    assert offered == [
        "Reports heart disease (coronary, heart failure, arrhythmia) or a prior heart attack."
        " (Health history: yes)"
    ]
