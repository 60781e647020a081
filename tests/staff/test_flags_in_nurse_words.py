"""Flags read in the nurse's words on every staff screen, never by their internal codes, as the
walk met them: each flag line ended in "[vitals.systolic]", and "Cleared" with a STOP waiting was
refused naming "history.heart_disease". Two flags with the same reason (pregnancy, asked in the
health history of older check-ins and again in today's checklist) still read apart: by where the
patient answered. The codes stay in the sealed decision."""

from __future__ import annotations

from textual.widgets import OptionList, Select, Static

from kiosk.desk.facade import Kiosk
from kiosk.intake.records import (
    Answer,
    HealthHistory,
    HistoryAnswer,
    NurseDecision,
    PregnancyAnswer,
)
from kiosk.screens.nurse_queue import NurseQueueScreen
from tests.examples import example_checklist, example_history
from tests.staff.conftest import NURSE, NURSE_PIN, StaffHostApp, checkin_for, tap
from tests.staff.journeys import nurse_at_sign_off, open_only_checkin
from tests.waiting import wait_until

PREGNANT = "Pregnant, may be pregnant, or breastfeeding."
CODES = ("history.pregnancy", "checklist.may_be_pregnant", "vitals.systolic")


def submit_older_checkin(kiosk: Kiosk) -> None:
    """A check-in from before pregnancy moved to today's checklist: asked in both, yes to both."""
    history = example_history()
    kiosk.patient_desk().submit_checkin(
        checkin_for(
            "Olga Older",
            "p-older",
            history=HealthHistory((*history.answers, HistoryAnswer("pregnancy", Answer.YES))),
            checklist=example_checklist(may_be_pregnant=PregnancyAnswer.YES),
        )
    )


def shown(app: StaffHostApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def without_codes(text: str) -> bool:
    return not any(code in text for code in CODES) and "[" not in text


async def test_flags_read_in_words_alike_ones_apart_and_the_sealed_decision_keeps_codes(
    kiosk: Kiosk,
) -> None:
    async with nurse_at_sign_off(kiosk, submit_older_checkin) as (app, pilot):
        signoff = shown(app, "#signoff-flags")
        await tap(pilot, "#override-flag")
        select = app.screen.query_one("#override-flag", Select)
        await wait_until(pilot, lambda: select.expanded, "the STOP flags to choose from")
        overlay = select.query_one("SelectOverlay", OptionList)
        offered = [str(option.prompt) for option in overlay.options][1:]  # past the prompt
        await pilot.press("escape")
        await tap(pilot, "#decision-cleared")
        await tap(pilot, "#signoff-pin")
        await pilot.press(*NURSE_PIN, "enter")
        await wait_until(pilot, lambda: bool(shown(app, "#signoff-problem")), "the refusal")
        refusal = shown(app, "#signoff-problem")
        await tap(pilot, "#decision-hold")
        await tap(pilot, "#signoff-hold-reason")
        await pilot.press(*"Ask about pregnancy")
        await tap(pilot, "#signoff-pin")
        await pilot.press(*NURSE_PIN, "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, NurseQueueScreen), "the list")
        await open_only_checkin(app, pilot)  # her page again, now with the vitals' flag
        page = shown(app, "#nurse-checkin-flags")

    for text in (page, signoff):
        assert without_codes(text), text
        assert f"{PREGNANT}\n    Health history: yes" in text
        assert f"{PREGNANT}\n    Today's checklist: yes" in text
        assert "Systolic BP 165 mmHg" in text and "Pre-infusion vitals: 165 mmHg" in text
    assert offered == [f"{PREGNANT} (Today's checklist: yes)", f"{PREGNANT} (Health history: yes)"]
    assert refusal == (
        f"A STOP is cleared only by a clinician's override: {PREGNANT} (Today's checklist: yes);"
        f" {PREGNANT} (Health history: yes)."
    )
    [row] = kiosk.store.records("nurse_decision")  # the codes stay in the sealed record
    decision = kiosk.unlock(NURSE, NURSE_PIN).open_record(row.record_id)
    assert isinstance(decision, NurseDecision)
    assert sorted(flag.code for flag in decision.flags) == sorted(CODES)
