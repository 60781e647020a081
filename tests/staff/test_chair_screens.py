"""The chair's screens as a nurse meets them, by keys: two chairs at once, a hold, a rate above
the clinic's limit and the clinician's override it needs, a missed vitals time, a discharge
refused until the escort and the score are in, and the Spanish instructions acknowledged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Button

from kiosk.desk.chair_desk import ChairDesk
from kiosk.desk.data_folder import CONFIG_NAME
from kiosk.desk.facade import Kiosk
from kiosk.intake.chair.log import InfusionStatus
from kiosk.intake.chair.records import (
    ChairVitals,
    InfusionStop,
    InstructionsAcknowledged,
    StopReason,
)
from kiosk.intake.records import DecisionOutcome, NurseDecision, StopOverride
from kiosk.screens.chair import ChairScreen
from kiosk.screens.chair_board import ChairBoardScreen
from kiosk.screens.chair_discharge import ChairDischargeScreen
from kiosk.screens.discharge_instructions import DischargeInstructionsScreen
from kiosk.screens.nurse_checkin import NurseCheckInScreen
from kiosk.widgets.chair_display import OVERDUE_MARK
from kiosk.widgets.staff_queue_table import StaffQueueTable
from tests.chair_examples import vitals_fields
from tests.chair_seating import NURSE, NURSE_PIN, SeatedPatient, cleared_patient
from tests.examples import example_checkin, example_vitals
from tests.screens.conftest import screen_lines
from tests.staff.chair_keys import (
    choose,
    clock_ago,
    on_screen,
    press_button,
    record_vitals,
    save_at,
    shown,
    to_the_chair,
    type_into,
    unlock,
)
from tests.staff.conftest import CHEAP_SLOTS, StaffHostApp
from tests.staff.test_chair_desk import entry, started
from tests.waiting import wait_until


def board_rows(pilot: Pilot[None]) -> list[list[str]]:
    table = pilot.app.screen.query_one(StaffQueueTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def open_chair(pilot: Pilot[None], name: str) -> None:
    """From the board (F2 on today's list), the row of the patient named, opened with Enter."""
    if not isinstance(pilot.app.screen, ChairBoardScreen):
        await pilot.press("f2")
        await pilot.pause()
    names = [row[1] for row in board_rows(pilot)]
    await pilot.press("home", *(["down"] * names.index(name)), "enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ChairScreen)


async def test_two_chairs_at_once_each_entry_lands_in_its_own_chair(kiosk: Kiosk) -> None:
    ann, bo = cleared_patient(kiosk, "Ann Chair"), cleared_patient(kiosk, "Bo Chair")
    now = datetime.now(UTC)
    desk = ChairDesk(kiosk.unlock(NURSE, NURSE_PIN))
    started(kiosk, desk, ann, now - timedelta(minutes=14))
    started(kiosk, desk, bo, now - timedelta(minutes=12))
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        await open_chair(pilot, "Ann")
        await record_vitals(pilot, clock_ago(kiosk, 1), "131")
        await pilot.press("escape")
        await open_chair(pilot, "Bo")
        await record_vitals(pilot, clock_ago(kiosk, 1), "142")
        await pilot.press("escape")
        await open_chair(pilot, "Ann")
        await record_vitals(pilot, clock_ago(kiosk, 0), "133")
        ann_log = shown(pilot, "#chair-log")
        await pilot.press("escape")
        await open_chair(pilot, "Bo")
        bo_log = shown(pilot, "#chair-log")

    assert "131/80" in ann_log and "133/80" in ann_log and "142/80" not in ann_log
    assert "142/80" in bo_log and "131/80" not in bo_log
    reader = ChairDesk(kiosk.unlock(NURSE, NURSE_PIN))
    systolics = {
        seated.checkin_id: [v.systolic_mmhg for _, v in reader.chair(seated.checkin_id, now).vitals]
        for seated in (ann, bo)
    }
    assert systolics == {ann.checkin_id: [128, 131, 133], bo.checkin_id: [128, 142]}


async def test_a_patient_on_hold_cannot_be_taken_to_a_chair(kiosk: Kiosk) -> None:
    checkin_id = kiosk.patient_desk().submit_checkin(example_checkin()).record_id
    session = kiosk.unlock(NURSE, NURSE_PIN)
    vitals_id, _ = session.record_vitals(example_vitals(checkin_id=checkin_id, nurse_id=NURSE))
    session.record_decision(
        NurseDecision(
            checkin_id=checkin_id,
            vitals_id=vitals_id,
            nurse_id=NURSE,
            decided_at=datetime.now(UTC),
            outcome=DecisionOutcome.HOLD,
            reason="Waiting for the clinician",
            flags=(),
            overrides=(),
        )
    )
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        await pilot.press("enter")
        await on_screen(pilot, NurseCheckInScreen)
        assert not app.screen.query("#nurse-checkin-chair")
        await pilot.press("escape", "f2")
        await pilot.pause()
        assert "No patient is in a chair." in shown(pilot, "#chair-board-title")


def kiosk_with_a_limit(tmp_path: Path) -> Kiosk:
    """A clinic that allows ketamine up to 0.6 mg/kg/h (a demo range, not a recommendation)."""
    data = tmp_path / "limited"
    Kiosk.init(data, demo=True, keyslot_cost=CHEAP_SLOTS).close()
    config = data / CONFIG_NAME
    text = config.read_text(encoding="utf-8")
    limited = '[[chair.drugs]]\nname = "Ketamine"\nhighest_mg_per_kg_per_hour = 0.6\n'
    config.write_text(text.replace('[[chair.drugs]]\nname = "Ketamine"\n', limited))
    return Kiosk.open(data)


async def test_a_rate_above_the_clinics_limit_is_a_stop_the_start_waits_for_an_override(
    tmp_path: Path,
) -> None:
    kiosk = kiosk_with_a_limit(tmp_path)
    seated = cleared_patient(kiosk)
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        await to_the_chair(pilot)
        await pilot.press("o")
        await pilot.pause()
        await pilot.press(*"Dr Ana Rivera")
        await type_into(pilot, "#chair-order-concentration", "1")
        await type_into(pilot, "#chair-order-amount", "0.8")
        await pilot.pause()
        working = shown(pilot, "#chair-order-working")
        assert "STOP" in working and "0.8 mg/kg/h is above at most 0.6 mg/kg/h" in working
        await save_at(pilot, "")
        assert "STOP" in shown(pilot, "#chair-flags")

        await pilot.press("s")  # the start is refused, in words, until the override
        await pilot.pause()
        await save_at(pilot, "")
        assert "override is needed before the start" in shown(pilot, "#chair-entry-problem")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        await type_into(pilot, "#chair-override-clinician", "Dr Ana Rivera")
        await type_into(pilot, "#chair-override-reason", "Refractory; tolerated 0.8 before")
        await pilot.press("enter")
        await on_screen(pilot, ChairScreen)
        assert shown(pilot, "#chair-flags") == "No open flag."
        await pilot.press("s")
        await pilot.pause()
        await save_at(pilot, "")
        assert "Pump: running" in shown(pilot, "#chair-status")
        assert "Clinician's override by Dr Ana Rivera" in shown(pilot, "#chair-log")

    state = ChairDesk(kiosk.unlock(NURSE, NURSE_PIN)).chair(seated.checkin_id, datetime.now(UTC))
    assert state.course.status is InfusionStatus.RUNNING
    (override,) = [
        e.record for e in state_entries(kiosk, seated) if isinstance(e.record, StopOverride)
    ]
    assert override.flag.answer == "0.8 mg/kg/h" and override.clinician_name == "Dr Ana Rivera"
    kiosk.close()


def state_entries(kiosk: Kiosk, seated: SeatedPatient) -> list[object]:
    desk = ChairDesk(kiosk.unlock(NURSE, NURSE_PIN))
    desk.chair(seated.checkin_id, datetime.now(UTC))
    return list(desk.log(seated.checkin_id))


async def test_a_missed_vitals_time_reads_overdue_on_the_board_and_the_chair(kiosk: Kiosk) -> None:
    late, fine = cleared_patient(kiosk, "Lee Late"), cleared_patient(kiosk, "Fay Fine")
    now = datetime.now(UTC)
    desk = ChairDesk(kiosk.unlock(NURSE, NURSE_PIN))
    started(kiosk, desk, late, now - timedelta(minutes=22))  # vitals were due 7 minutes ago
    started(kiosk, desk, fine, now - timedelta(minutes=3))
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        await pilot.press("f2")
        await pilot.pause()
        rows = board_rows(pilot)
        assert [row[1] for row in rows] == ["Lee", "Fay"]  # the overdue chair on top
        assert rows[0][0].startswith(f"{OVERDUE_MARK} OVERDUE 7:")
        assert rows[1][0].startswith("due in 11:")
        await open_chair(pilot, "Lee")
        assert f"{OVERDUE_MARK} OVERDUE 7:" in shown(pilot, "#chair-status")


async def test_the_discharge_is_refused_until_the_escort_and_the_score_are_in(
    kiosk: Kiosk,
) -> None:
    seated = cleared_patient(kiosk, "Dee Chair")
    now = datetime.now(UTC)
    desk = ChairDesk(kiosk.unlock(NURSE, NURSE_PIN))
    started(kiosk, desk, seated, now - timedelta(minutes=90))
    stop = now - timedelta(minutes=40)
    desk.write(entry(seated, ChairVitals, stop, **vitals_fields()), now)
    desk.write(entry(seated, InfusionStop, stop, reason=StopReason.COMPLETED, detail=""), now)
    desk.write(entry(seated, ChairVitals, now - timedelta(minutes=5), **vitals_fields()), now)
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        await open_chair(pilot, "Dee")
        await pilot.press("d")
        await on_screen(pilot, ChairDischargeScreen)
        await choose(pilot, "#discharge-oriented", 1)
        await press_button(pilot, "#discharge-orientation")
        await press_button(pilot, "#discharge-instructions")
        await pilot.press("enter")
        await on_screen(pilot, ChairDischargeScreen)
        await type_into(pilot, "#discharge-pin", NURSE_PIN)
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: "cannot be signed yet" in shown(pilot, "#discharge-problem"),
            "the refusal to sign",
        )
        assert isinstance(app.screen, ChairDischargeScreen)  # not signed
        missing = shown(pilot, "#discharge-missing")
        assert "No discharge score since the stop." in missing
        assert "No escort recorded." in missing

        await type_into(pilot, "#discharge-escort-name", "Jo Stranger")
        await press_button(pilot, "#discharge-escort")
        assert "is not the driver named at check-in (Sam Example)" in shown(
            pilot, "#discharge-problem"
        )
        await press_button(pilot, "#discharge-escort")  # the second press confirms
        for item in ("activity", "respiration", "circulation", "consciousness"):
            await choose(pilot, f"#discharge-score-{item}", 1)
        await choose(pilot, "#discharge-score-oxygen_saturation", 2)  # 1 point: 9 in all
        await press_button(pilot, "#discharge-score")
        await type_into(pilot, "#discharge-pin", NURSE_PIN)
        await pilot.press("enter")
        await on_screen(pilot, ChairScreen)
        assert "Discharged at" in shown(pilot, "#chair-missing")
        assert shown(pilot, "#chair-discharge") == "Discharge"  # not "still needs" any more


async def test_spanish_discharge_instructions_shown_and_acknowledged_in_spanish(
    kiosk: Kiosk,
) -> None:
    seated = cleared_patient(kiosk, "Lucía Chair", language="es")
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        await to_the_chair(pilot)
        await pilot.press("d")
        await pilot.pause()
        await press_button(pilot, "#discharge-instructions")
        await on_screen(pilot, DischargeInstructionsScreen)
        assert "no conduzca" in shown(pilot, "#instructions-text")
        assert shown(pilot, "#instructions-title") == "Antes de irse a casa"
        button = app.screen.query_one("#instructions-acknowledge")
        assert "He leído y entendido" in str(button.render())
        await pilot.click("#instructions-acknowledge")  # the patient taps it on the tablet
        await on_screen(pilot, ChairDischargeScreen)
        assert "acknowledged the discharge instructions" not in shown(pilot, "#discharge-missing")

    acknowledged = [
        e.record
        for e in state_entries(kiosk, seated)
        if isinstance(e.record, InstructionsAcknowledged)
    ]
    assert [a.language for a in acknowledged] == ["es"]
    assert acknowledged[0].text_sha256 == kiosk.config.chair.instructions_sha256("es")


async def test_a_reading_entered_in_error_is_withdrawn_and_its_stop_goes(kiosk: Kiosk) -> None:
    seated = cleared_patient(kiosk, "Wes Chair")
    now = datetime.now(UTC)
    desk = ChairDesk(kiosk.unlock(NURSE, NURSE_PIN))
    started(kiosk, desk, seated, now - timedelta(minutes=10))
    wrong = desk.write(entry(seated, ChairVitals, now, **vitals_fields(systolic_mmhg=210)), now)
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        await open_chair(pilot, "Wes")
        assert "STOP" in shown(pilot, "#chair-flags")
        await pilot.press("w")
        await pilot.pause()
        await choose(pilot, "#chair-withdraw-entry", 1)  # the latest entry is listed first
        await type_into(pilot, "#chair-withdraw-reason", "Another patient's reading")
        await pilot.press("enter")
        await on_screen(pilot, ChairScreen)
        assert shown(pilot, "#chair-flags") == "No open flag."
        assert "210/80 mmHg" in shown(pilot, "#chair-log")  # still in the log, struck through
        assert "corrected or withdrawn" in shown(pilot, "#chair-log")

    (withdrawal,) = [row for row in kiosk.store.records() if row.kind == "entered_in_error"]
    assert withdrawal.supersedes == wrong


@pytest.mark.parametrize("size", [(100, 30), (120, 40), (160, 50)])
async def test_every_action_on_the_chair_reads_whole(kiosk: Kiosk, size: tuple[int, int]) -> None:
    """At 120 columns the buttons read "Side effect" and "Discharge", their keys cut off."""
    seated = cleared_patient(kiosk, "Ann Chair")
    started(kiosk, ChairDesk(kiosk.unlock(NURSE, NURSE_PIN)), seated, datetime.now(UTC))
    app = StaffHostApp(kiosk)
    async with app.run_test(size=size) as pilot:
        await unlock(pilot)
        await open_chair(pilot, "Ann")
        drawn = "\n".join(screen_lines(app))
        for button in app.screen.query("#chair-actions Button").results(Button):
            assert str(button.label) in drawn, f"{button.label!r} is cut at {size}"
