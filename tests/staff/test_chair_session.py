"""A whole infusion at the chair, driven by a nurse's keys at the terminal: from the cleared
check-in to the signed discharge, each entry given the time it happened, and what the chair,
the board and another nurse's shift read back afterwards."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from textual.pilot import Pilot

from kiosk.desk.chair_desk import ChairDesk
from kiosk.desk.facade import Kiosk
from kiosk.intake.chair.log import InfusionStatus
from kiosk.intake.chair.records import (
    CHAIR_RECORD_KINDS,
    DischargeScore,
    EscortCheck,
    OrientationCheck,
    SideEffectAction,
)
from kiosk.screens.chair import ChairScreen
from kiosk.screens.chair_board import ChairBoardScreen
from kiosk.screens.chair_discharge import ChairDischargeScreen
from kiosk.screens.discharge_instructions import DischargeInstructionsScreen
from kiosk.widgets.staff_queue_table import StaffQueueTable
from tests.chair_seating import NURSE, NURSE_PIN, cleared_patient
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
)
from tests.staff.conftest import StaffHostApp


async def change_rate(pilot: Pilot[None], kiosk: Kiosk, rate: str, reason: str, ago: int) -> None:
    await pilot.press("r")
    await pilot.pause()
    await pilot.press(*rate)
    await type_into(pilot, "#chair-pump-reason", reason)
    await save_at(pilot, clock_ago(kiosk, ago))


async def test_a_whole_infusion_by_keys_from_the_cleared_check_in_to_the_signed_discharge(
    kiosk: Kiosk,
) -> None:
    seated = cleared_patient(kiosk, "Pat Chair")
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        await to_the_chair(pilot)  # from the cleared check-in at the top of today's list
        await on_screen(pilot, ChairScreen)

        await pilot.press("e")  # the exam: every item normal as it opens
        await pilot.pause()
        await save_at(pilot, clock_ago(kiosk, 92))
        await pilot.press("o")
        await pilot.pause()
        await pilot.press(*"Dr Ana Rivera")
        await type_into(pilot, "#chair-order-concentration", "1")
        await type_into(pilot, "#chair-order-amount", "0.5")
        await pilot.pause()
        working = shown(pilot, "#chair-order-working")
        assert "0.5 mg/kg/h × 72 kg = 36 mg/h" in working
        assert "36 mg/h ÷ 1 mg/mL = 36 mL/h" in working
        await save_at(pilot, clock_ago(kiosk, 91))
        await record_vitals(pilot, clock_ago(kiosk, 90))
        await pilot.press("s")
        await pilot.pause()
        await save_at(pilot, clock_ago(kiosk, 90))
        await record_vitals(pilot, clock_ago(kiosk, 75), systolic="138", moaa_s=4)
        await change_rate(pilot, kiosk, "0.6", "Tolerating well", 70)
        await pilot.press("f")  # nausea, treated with a drug, 1 minute after it began
        await pilot.pause()
        await choose(pilot, "#chair-effect", 2)
        await choose(pilot, "#chair-effect-action", 3)
        await type_into(pilot, "#chair-effect-action-detail", "ondansetron 4 mg IV")
        await type_into(pilot, "#chair-effect-action-time", clock_ago(kiosk, 64))
        await save_at(pilot, clock_ago(kiosk, 65))
        await change_rate(pilot, kiosk, "0.5", "Nausea", 64)
        await record_vitals(pilot, clock_ago(kiosk, 60))
        await record_vitals(pilot, clock_ago(kiosk, 46))
        await pilot.press("x")  # completed as ordered (the choice it opens on)
        await pilot.pause()
        await save_at(pilot, clock_ago(kiosk, 45))
        await record_vitals(pilot, clock_ago(kiosk, 30))
        await record_vitals(pilot, clock_ago(kiosk, 10))
        await on_screen(pilot, ChairScreen)
        log = shown(pilot, "#chair-log")
        assert "Rate change: 0.6 mg/kg/h, Tolerating well" in log
        assert "ondansetron 4 mg IV at" in log
        assert "(entered " in log  # every entry was given a past time: both are shown
        # Stopped at the clock 45 minutes ago (a slow run may have moved on a minute or two).
        assert re.search(r"In recovery for 4[5-9] min", shown(pilot, "#chair-status"))

        await pilot.press("d")
        await on_screen(pilot, ChairDischargeScreen)
        for item in ("activity", "respiration", "circulation", "consciousness"):
            await choose(pilot, f"#discharge-score-{item}", 1)
        await choose(pilot, "#discharge-score-oxygen_saturation", 1)
        # Each part taken at the bedside and entered a few minutes later, with its own time.
        await type_into(pilot, "#discharge-score-time", clock_ago(kiosk, 8))
        await press_button(pilot, "#discharge-score")
        await choose(pilot, "#discharge-oriented", 1)
        await type_into(pilot, "#discharge-orientation-time", clock_ago(kiosk, 7))
        await press_button(pilot, "#discharge-orientation")
        await type_into(pilot, "#discharge-escort-name", "Sam Example")
        await type_into(pilot, "#discharge-escort-time", clock_ago(kiosk, 6))
        await press_button(pilot, "#discharge-escort")
        await press_button(pilot, "#discharge-instructions")
        await on_screen(pilot, DischargeInstructionsScreen)
        assert "do not drive" in shown(pilot, "#instructions-text")
        await pilot.press("enter")  # the patient's acknowledgement, on the kiosk's screen
        await on_screen(pilot, ChairDischargeScreen)
        assert shown(pilot, "#discharge-missing").splitlines()[1:] == [
            "- The nurse's signature with the PIN."
        ]
        await type_into(pilot, "#discharge-pin", NURSE_PIN)
        await pilot.press("enter")
        await on_screen(pilot, ChairScreen)
        assert "Discharged at" in shown(pilot, "#chair-missing")

        await pilot.press("escape", "escape", "escape")
        await pilot.pause()
        await pilot.press("f2")
        await on_screen(pilot, ChairBoardScreen)
        assert app.screen.query_one(StaffQueueTable).row_count == 0  # discharged: off the board

    other_shift = ChairDesk(kiosk.unlock(NURSE, NURSE_PIN))
    state = other_shift.chair(seated.checkin_id, datetime.now(UTC))
    assert state.discharged_at is not None and state.missing == ()
    assert state.course.status is InfusionStatus.STOPPED
    assert [str(s.rate.mg_per_kg_per_hour) for s in state.course.segments] == [
        "0.500",
        "0.600",
        "0.500",
    ]
    ((_, effect),) = state.side_effects
    assert effect.effect_id == "nausea" and effect.action is SideEffectAction.DRUG_GIVEN
    kinds = [row.kind for row in kiosk.store.records() if row.kind in CHAIR_RECORD_KINDS.values()]
    assert len(kinds) == 18 and kinds.count("chair_vitals") == 6
    parts = {
        type(entry.record).__name__: entry.record
        for entry in other_shift.log(seated.checkin_id)
        if isinstance(entry.record, DischargeScore | OrientationCheck | EscortCheck)
    }
    for name, minutes in (("DischargeScore", 8), ("OrientationCheck", 7), ("EscortCheck", 6)):
        record = parts[name]
        late = (record.entered_at - record.happened_at).total_seconds() / 60
        assert minutes - 1 < late < minutes + 2, f"{name}: entered {late:.1f} minutes after"
