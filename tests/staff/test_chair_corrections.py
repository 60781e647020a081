"""A chair entry corrected in place, as a nurse does it at the chair: `t` (or a tap on Correct),
the entry chosen from the log, its own form filled with what it held and its time, the value
fixed, Save. The log shows the corrected value and says so, the old one stays struck through
and sealed, the flag that came from the wrong value goes, and the sealed correction names the
entry it corrects. A withdrawn entry is not corrected; a corrected one is corrected again from
its latest version."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from textual.pilot import Pilot
from textual.widgets import Input, Select

from kiosk.desk.chair_desk import ChairDesk
from kiosk.desk.facade import Kiosk
from kiosk.intake.chair.records import (
    ChairVitals,
    DischargeScore,
    EnteredInError,
    InfusionStop,
    Rate,
    RateChange,
    RateUnit,
    SideEffect,
    SideEffectAction,
    StopReason,
)
from kiosk.intake.config import ScoreKind
from kiosk.screens.chair import ChairScreen
from kiosk.screens.chair_board import ChairBoardScreen
from kiosk.screens.chair_correct import ChairCorrectScreen
from kiosk.screens.chair_discharge import ChairDischargeScreen
from kiosk.screens.chair_exam import ChairExamScreen
from kiosk.screens.chair_order import ChairOrderScreen
from kiosk.screens.chair_pump import ChairPumpScreen
from kiosk.screens.chair_side_effect import ChairSideEffectScreen
from kiosk.screens.chair_vitals import ChairVitalsScreen
from tests.chair_examples import score_items, vitals_fields
from tests.chair_seating import NURSE, NURSE_PIN, SeatedPatient, cleared_patient
from tests.staff.chair_keys import (
    choose,
    clock_ago,
    on_screen,
    press_button,
    record_vitals,
    shown,
    tab_to,
    unlock,
)
from tests.staff.conftest import StaffHostApp
from tests.staff.test_chair_desk import entry, started
from tests.staff.test_chair_screens import board_rows, open_chair
from tests.waiting import wait_until


def typed(pilot: Pilot[None], selector: str) -> str:
    """What a box of the screen holds now."""
    return pilot.app.screen.query_one(selector, Input).value


async def correct_entry(pilot: Pilot[None], downs: int) -> None:
    """`t`, then the entry `downs` down the list (the latest entry first)."""
    await pilot.press("t")
    await on_screen(pilot, ChairCorrectScreen)
    await choose(pilot, "#chair-correct-entry", downs)


async def save_keeping_the_time(pilot: Pilot[None]) -> None:
    """Enter in the time box, left as it was filled: the entry's own time is kept."""
    await tab_to(pilot, "#chair-entry-time")
    await pilot.press("enter")
    await pilot.pause()


def opened_log(kiosk: Kiosk, seated: SeatedPatient) -> dict[str, object]:
    """Every sealed entry of the chair, opened by another nurse's shift, by record id."""
    desk = ChairDesk(kiosk.unlock(NURSE, NURSE_PIN))
    desk.chair(seated.checkin_id, datetime.now(UTC))
    return {e.record_id: e.record for e in desk.log(seated.checkin_id)}


async def test_a_mistyped_systolic_is_corrected_by_keys_and_the_stop_it_raised_goes(
    kiosk: Kiosk,
) -> None:
    seated = cleared_patient(kiosk, "Cory Chair")
    start = datetime.now(UTC) - timedelta(minutes=10)
    started(kiosk, ChairDesk(kiosk.unlock(NURSE, NURSE_PIN)), seated, start)
    taken_at = clock_ago(kiosk, 2)
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        await open_chair(pilot, "Cory")
        await record_vitals(pilot, taken_at, systolic="190")  # 130 was read, 190 typed
        await on_screen(pilot, ChairScreen)
        assert "STOP" in shown(pilot, "#chair-flags")

        await correct_entry(pilot, 1)
        await on_screen(pilot, ChairVitalsScreen)
        assert "Correcting: " in shown(pilot, "#chair-correcting")
        assert "190/80 mmHg" in shown(pilot, "#chair-correcting")
        assert typed(pilot, "#chair-vitals-systolic") == "190"  # the form as the entry held it
        assert typed(pilot, "#chair-vitals-heart_rate") == "76"
        assert typed(pilot, "#chair-entry-time") == taken_at
        assert app.screen.query_one("#chair-vitals-moaa-s", Select).value == 5

        await tab_to(pilot, "#chair-vitals-systolic")
        await pilot.press(*"13o")  # a slip in the correction is refused as in the first entry
        await save_keeping_the_time(pilot)
        assert shown(pilot, "#chair-entry-problem") == "Systolic BP: type a whole number."
        assert isinstance(app.screen, ChairVitalsScreen)
        assert len([r for r in kiosk.store.records() if r.kind == "chair_vitals"]) == 2

        await tab_to(pilot, "#chair-vitals-systolic")  # the box's text selected as it is reached
        await pilot.press(*"130")
        await save_keeping_the_time(pilot)
        await on_screen(pilot, ChairScreen)
        assert shown(pilot, "#chair-flags") == "No open flag."
        log = shown(pilot, "#chair-log")
        assert "130/80 mmHg" in log and "(corrected)" in log
        assert "190/80 mmHg" in log and "(corrected or withdrawn)" in log  # struck, kept
        await pilot.press("escape")
        await on_screen(pilot, ChairBoardScreen)
        (row,) = board_rows(pilot)
        assert row[1] == "Cory" and row[-1] == "-"  # no open flag on the board either

    vitals = [r for r in kiosk.store.records() if r.kind == "chair_vitals"]
    first, wrong, corrected = vitals
    assert (wrong.supersedes, corrected.supersedes) == (None, wrong.record_id)
    opened = opened_log(kiosk, seated)
    old, new = opened[wrong.record_id], opened[corrected.record_id]
    assert isinstance(old, ChairVitals) and isinstance(new, ChairVitals)
    assert (old.systolic_mmhg, new.systolic_mmhg) == (190, 130)
    assert new.happened_at == old.happened_at < new.entered_at  # the clinical time, kept
    audited = [(e.action, e.record_id) for e in kiosk.store.audit_entries()]
    assert ("chair.chair_vitals.corrected", corrected.record_id) in audited
    assert ("chair.chair_vitals", wrong.record_id) in audited


async def test_a_rate_change_is_corrected_by_taps(kiosk: Kiosk) -> None:
    seated = cleared_patient(kiosk, "Tad Chair")
    now = datetime.now(UTC)
    desk = ChairDesk(kiosk.unlock(NURSE, NURSE_PIN))
    started(kiosk, desk, seated, now - timedelta(minutes=20))
    rate = Rate(0.8, RateUnit.MG_PER_KG_PER_HOUR)  # 0.6 was set on the pump
    at = now - timedelta(minutes=10)
    wrong = desk.write(entry(seated, RateChange, at, rate=rate, reason="Tolerating well"), now)
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        await open_chair(pilot, "Tad")
        await pilot.click("#chair-correct")
        await on_screen(pilot, ChairCorrectScreen)
        await pilot.click("#chair-correct-entry")
        await pilot.pause()
        # Below the list's top edge and its "Choose": the latest entry, listed first.
        await pilot.click("SelectOverlay", offset=(4, 2))
        await on_screen(pilot, ChairPumpScreen)
        assert typed(pilot, "#chair-pump-rate") == "0.8"
        assert typed(pilot, "#chair-pump-reason") == "Tolerating well"
        await pilot.click("#chair-pump-rate")
        await pilot.press("end", "backspace", "6")
        await pilot.pause()
        assert "= 0.6 mg/kg/h" in shown(pilot, "#chair-pump-working")
        await pilot.click("#chair-entry-save")
        await on_screen(pilot, ChairScreen)
        assert "Rate now: 0.6 mg/kg/h" in shown(pilot, "#chair-status")
        log = shown(pilot, "#chair-log")
        assert "Rate change: 0.6 mg/kg/h, Tolerating well  (corrected)" in log
        assert "Rate change: 0.8 mg/kg/h" in log

    (correction,) = [r for r in kiosk.store.records() if r.supersedes == wrong]
    change = opened_log(kiosk, seated)[correction.record_id]
    assert isinstance(change, RateChange) and change.rate.value == 0.6
    assert change.happened_at == at


async def test_an_entry_withdrawn_as_entered_in_error_cannot_be_corrected(kiosk: Kiosk) -> None:
    seated = cleared_patient(kiosk, "Wyn Chair")
    now = datetime.now(UTC)
    desk = ChairDesk(kiosk.unlock(NURSE, NURSE_PIN))
    started(kiosk, desk, seated, now - timedelta(minutes=10))
    wrong = desk.write(entry(seated, ChairVitals, now, **vitals_fields(systolic_mmhg=210)), now)
    withdrawal = entry(seated, EnteredInError, now, reason="Another patient's reading")
    desk.write(withdrawal, now, supersedes=wrong)
    sealed = len(kiosk.store.records())
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        await open_chair(pilot, "Wyn")
        await correct_entry(pilot, 1)  # the withdrawn reading, struck through, listed first
        await wait_until(
            pilot,
            lambda: "cannot be corrected" in shown(pilot, "#chair-correct-problem"),
            "the refusal",
        )
        assert shown(pilot, "#chair-correct-problem") == (
            "That entry was withdrawn as entered in error: it cannot be corrected."
        )
        assert isinstance(app.screen, ChairCorrectScreen)
    assert len(kiosk.store.records()) == sealed


async def test_a_corrected_entry_chosen_again_is_corrected_from_its_latest_version(
    kiosk: Kiosk,
) -> None:
    seated = cleared_patient(kiosk, "Ida Chair")
    now = datetime.now(UTC)
    desk = ChairDesk(kiosk.unlock(NURSE, NURSE_PIN))
    started(kiosk, desk, seated, now - timedelta(minutes=10))
    at = now - timedelta(minutes=2)
    first = desk.write(entry(seated, ChairVitals, at, **vitals_fields(systolic_mmhg=190)), now)
    fixed = entry(seated, ChairVitals, at, **vitals_fields(systolic_mmhg=139))
    second = desk.write(fixed, now, supersedes=first)
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        await open_chair(pilot, "Ida")
        await correct_entry(pilot, 2)  # the first, struck through, below its correction
        await on_screen(pilot, ChairVitalsScreen)
        assert typed(pilot, "#chair-vitals-systolic") == "139"  # the latest version
        await tab_to(pilot, "#chair-vitals-systolic")
        await pilot.press(*"132")
        await save_keeping_the_time(pilot)
        await on_screen(pilot, ChairScreen)
        assert "132/80 mmHg" in shown(pilot, "#chair-log")

    (third,) = [r for r in kiosk.store.records() if r.supersedes == second]
    record = opened_log(kiosk, seated)[third.record_id]
    assert isinstance(record, ChairVitals) and record.systolic_mmhg == 132


async def test_a_discharge_score_is_corrected_on_the_discharge_screen(kiosk: Kiosk) -> None:
    seated = cleared_patient(kiosk, "Sal Chair")
    now = datetime.now(UTC)
    desk = ChairDesk(kiosk.unlock(NURSE, NURSE_PIN))
    started(kiosk, desk, seated, now - timedelta(minutes=90))
    stop = now - timedelta(minutes=40)
    desk.write(entry(seated, ChairVitals, stop, **vitals_fields()), now)
    desk.write(entry(seated, InfusionStop, stop, reason=StopReason.COMPLETED, detail=""), now)
    desk.write(entry(seated, ChairVitals, now - timedelta(minutes=5), **vitals_fields()), now)
    items = score_items(ScoreKind.ALDRETE, oxygen_saturation=0)  # 2 was seen, 0 chosen
    score = entry(
        seated, DischargeScore, now, instrument=ScoreKind.ALDRETE, items=items, threshold=9
    )
    wrong = desk.write(score, now)
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        await open_chair(pilot, "Sal")
        assert "The discharge score 8 is below" in shown(pilot, "#chair-missing")
        await correct_entry(pilot, 1)
        await on_screen(pilot, ChairDischargeScreen)
        saturation = app.screen.query_one("#discharge-score-oxygen_saturation", Select)
        assert saturation.value == 0
        await tab_to(pilot, "#discharge-score-oxygen_saturation")
        await pilot.press("enter", "home", "down", "enter")  # 2 points, the first choice
        await pilot.pause()
        await press_button(pilot, "#discharge-score")
        await on_screen(pilot, ChairScreen)
        assert "score" not in shown(pilot, "#chair-missing")
        assert "Discharge score: 10/9+ (aldrete)  (corrected)" in shown(pilot, "#chair-log")

    (correction,) = [r for r in kiosk.store.records() if r.supersedes == wrong]
    corrected = opened_log(kiosk, seated)[correction.record_id]
    assert isinstance(corrected, DischargeScore) and corrected.happened_at == now


async def test_each_form_opens_filled_with_its_entry_and_a_side_effect_keeps_both_times(
    kiosk: Kiosk,
) -> None:
    seated = cleared_patient(kiosk, "Flo Chair")
    now = datetime.now(UTC)
    desk = ChairDesk(kiosk.unlock(NURSE, NURSE_PIN))
    started(kiosk, desk, seated, now - timedelta(minutes=20))
    effect = entry(
        seated,
        SideEffect,
        now - timedelta(minutes=9, seconds=30),
        effect_id="nausea",
        detail="mild",
        action=SideEffectAction.DRUG_GIVEN,
        action_detail="ondansetron 4 mg IV",
        action_at=now - timedelta(minutes=9, seconds=10),  # seconds apart, one clock minute
    )
    wrong = desk.write(effect, now)
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        await open_chair(pilot, "Flo")
        await correct_entry(pilot, 5)  # below the side effect, the start, the vitals, the order
        await on_screen(pilot, ChairExamScreen)
        assert app.screen.query_one("#chair-exam-airway", Select).value == "normal"
        await pilot.press("escape")
        await on_screen(pilot, ChairScreen)
        await correct_entry(pilot, 4)
        await on_screen(pilot, ChairOrderScreen)
        assert typed(pilot, "#chair-order-clinician") == "Dr. Rosa Álvarez"
        assert (
            typed(pilot, "#chair-order-concentration"),
            typed(pilot, "#chair-order-amount"),
        ) == (
            "1",
            "0.5",
        )
        assert "= 0.5 mg/kg/h" in shown(pilot, "#chair-order-working")
        await pilot.press("escape")
        await on_screen(pilot, ChairScreen)
        await correct_entry(pilot, 1)
        await on_screen(pilot, ChairSideEffectScreen)
        assert typed(pilot, "#chair-effect-action-detail") == "ondansetron 4 mg IV"
        await tab_to(pilot, "#chair-effect-detail")
        await pilot.press(*"moderate")
        await save_keeping_the_time(pilot)
        await on_screen(pilot, ChairScreen)
        assert "nausea (moderate)" in shown(pilot, "#chair-log")

    (correction,) = [r for r in kiosk.store.records() if r.supersedes == wrong]
    corrected = opened_log(kiosk, seated)[correction.record_id]
    assert isinstance(corrected, SideEffect) and corrected.detail == "moderate"
    assert (corrected.happened_at, corrected.action_at) == (effect.happened_at, effect.action_at)
