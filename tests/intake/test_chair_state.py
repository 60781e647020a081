"""A chair's state folded from its log, as the nurse at the chair board would read it."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from intake_hypothesis import ci_examples

from kiosk.intake.chair.board import board_order, chair_board, due_at
from kiosk.intake.chair.discharge import Criterion, escort_matches_driver
from kiosk.intake.chair.log import ChairEntry, Direction, InfusionStatus
from kiosk.intake.chair.records import (
    ChairVitals,
    DischargeScore,
    DoseForm,
    EnteredInError,
    EscortCheck,
    InfusionOrder,
    InfusionPause,
    InfusionResume,
    InfusionStart,
    InfusionStop,
    OrientationCheck,
    PlannedDose,
    Rate,
    RateChange,
    RateUnit,
    ScoreItem,
    StopReason,
)
from kiosk.intake.chair.state import ChairState, chair_state
from kiosk.intake.config import ClinicConfig, ScoreKind, default_config, load_config_text
from kiosk.intake.records import Severity, StopOverride
from tests.chair_examples import (
    ChairLog,
    example_session,
    order_fields,
    score_items,
    started_log,
    vitals_fields,
)

CONFIG = default_config()
#: A clinic that has set its own range for ketamine (none ships).
RANGED = load_config_text(
    '[[chair.drugs]]\nname = "Ketamine"\nlowest_mg_per_kg_per_hour = 0.1\n'
    "highest_mg_per_kg_per_hour = 0.6\n",
    "clinic.toml",
)


def state_at(log: ChairLog, minutes: float, config: ClinicConfig = CONFIG) -> ChairState:
    """The chair at `minutes` after the log's start, from the entries entered by then."""
    now = log.at(minutes)
    entered = [entry for entry in log.entries if _entered_at(entry) <= now]
    return chair_state(log.checkin_id, entered, config, now)


def _entered_at(entry: ChairEntry) -> datetime:
    record = entry.record
    return record.recorded_at if isinstance(record, StopOverride) else record.entered_at


def test_a_whole_session_reads_on_the_board_as_it_goes() -> None:
    log = example_session()
    running = state_at(log, 22)
    assert running.course.status is InfusionStatus.RUNNING
    assert running.time_in == log.at(-5)
    assert running.rate is not None
    assert running.rate.line == "0.6 mg/kg/h × 68.5 kg = 41.1 mg/h; 41.1 mg/h ÷ 1 mg/mL = 41.1 mL/h"
    assert running.next_vitals_due == log.at(30)
    assert running.minutes_in_recovery is None
    recovering = state_at(log, 62)
    assert recovering.course.status is InfusionStatus.STOPPED
    assert recovering.rate is None
    assert recovering.minutes_in_recovery == 17
    assert recovering.next_vitals_due == log.at(75)
    assert [m.criterion for m in recovering.missing] == [
        Criterion.MINIMUM_OBSERVATION,
        Criterion.SCORE,
        Criterion.ORIENTATION,
        Criterion.ESCORT,
        Criterion.INSTRUCTIONS,
        Criterion.SIGNATURE,
    ]
    assert recovering.missing[0].describe("en") == (
        "13 more minutes of observation after the stop."
    )
    assert recovering.missing[0].describe("es") == (
        "Faltan 13 minutos de observación después de la detención."
    )
    ready = state_at(log, 78)
    assert ready.ready_to_sign
    done = state_at(log, 90)
    assert done.discharged_at == log.at(79)
    assert (done.missing, done.next_vitals_due, done.minutes_in_recovery) == ((), None, 34)


def test_every_rate_change_says_up_or_down_and_the_segments_add_up_to_the_dose() -> None:
    state = state_at(example_session(), 90)
    assert [change.direction for change in state.course.rate_changes] == [
        Direction.UP,
        Direction.DOWN,
    ]
    assert [(s.started_at, s.ended_at) for s in state.course.segments] == [
        (example_session().at(0), example_session().at(20)),
        (example_session().at(20), example_session().at(27)),
        (example_session().at(27), example_session().at(45)),
    ]
    # 34.25 mg/h for 20 min + 41.1 mg/h for 7 min + 34.25 mg/h for 18 min
    assert str(state.course.total_mg(example_session().at(90))) == "26.49"


def test_a_pause_entered_late_with_its_real_time_takes_its_place_in_time() -> None:
    log = started_log()
    log.add(InfusionPause, 10, entered=18, reason="Patient asked for a break")
    log.add(InfusionResume, 16, entered=18)
    state = state_at(log, 20)
    assert state.course.status is InfusionStatus.RUNNING
    assert [(s.started_at, s.ended_at) for s in state.course.segments] == [
        (log.at(0), log.at(10)),
        (log.at(16), None),
    ]
    paused = state_at(log, 17)
    assert paused.course.status is InfusionStatus.RUNNING  # the pause was not entered yet


def test_a_rate_changed_while_paused_is_the_rate_the_pump_resumes_at() -> None:
    log = started_log()
    log.add(InfusionPause, 10, reason="Nausea")
    log.add(RateChange, 12, rate=Rate(20, RateUnit.ML_PER_HOUR), reason="Restart lower")
    paused = state_at(log, 13)
    assert paused.course.status is InfusionStatus.PAUSED
    assert paused.rate is not None and str(paused.rate.ml_per_hour) == "20.00"
    log.add(InfusionResume, 14)
    resumed = state_at(log, 15)
    assert resumed.course.segments[-1].started_at == log.at(14)
    assert str(resumed.course.segments[-1].rate.mg_per_hour) == "20.00"


def test_a_correction_supersedes_the_entry_and_the_old_one_counts_for_nothing() -> None:
    log = started_log()
    wrong = log.add(RateChange, 10, rate=Rate(0.9, RateUnit.MG_PER_KG_PER_HOUR), reason="Typo")
    log.add(
        RateChange,
        10,
        entered=12,
        supersedes=wrong,
        rate=Rate(0.4, RateUnit.MG_PER_KG_PER_HOUR),
        reason="Lowered for dizziness",
    )
    state = state_at(log, 13)
    assert [c.change.rate.value for c in state.course.rate_changes] == [0.4]
    assert state.course.rate_changes[0].direction is Direction.DOWN
    assert len(log.entries) == 5  # nothing was overwritten: both stay in the log


def test_an_entry_entered_in_error_is_withdrawn_and_its_flags_with_it() -> None:
    log = started_log()
    log.add(ChairVitals, 14, **vitals_fields())
    wrong_chair = log.add(ChairVitals, 16, **vitals_fields(systolic_mmhg=186))
    assert state_at(log, 17).open_flags[0].flag.severity is Severity.STOP
    log.add(EnteredInError, 18, supersedes=wrong_chair, reason="Another patient's reading")
    state = state_at(log, 19)
    assert state.open_flags == ()
    assert [record_id for record_id, _ in state.vitals][-1] != wrong_chair
    assert state.next_vitals_due == log.at(29)


def test_vitals_are_due_at_the_start_every_15_minutes_and_at_the_stop() -> None:
    log = ChairLog()
    log.add(InfusionOrder, -3, **order_fields())
    assert state_at(log, -2).next_vitals_due is None  # not started: nothing due yet
    log.add(InfusionStart, 0)
    assert state_at(log, 1).next_vitals_due == log.at(0)
    log.add(ChairVitals, 2, **vitals_fields())
    assert state_at(log, 3).next_vitals_due == log.at(17)
    log.add(ChairVitals, 17, **vitals_fields())
    log.add(InfusionStop, 25, reason=StopReason.PATIENT_ASKED, detail="Wanted to stop")
    assert state_at(log, 26).next_vitals_due == log.at(25)
    log.add(ChairVitals, 26, **vitals_fields())
    assert state_at(log, 27).next_vitals_due == log.at(41)


def test_a_missed_vitals_time_shows_how_long_they_are_overdue() -> None:
    log = started_log()
    on_time = state_at(log, 15)
    assert on_time.vitals_overdue_by is None
    late = state_at(log, 22)
    assert late.vitals_overdue_by == timedelta(minutes=7)


def test_the_clinics_hold_thresholds_apply_to_the_vitals_in_the_chair() -> None:
    log = started_log()
    high = log.add(ChairVitals, 15, **vitals_fields(systolic_mmhg=184, spo2_percent=92))
    state = state_at(log, 16)
    assert [(f.flag.code, f.flag.severity, f.raised_by) for f in state.open_flags] == [
        ("vitals.systolic", Severity.STOP, high),
        ("vitals.spo2", Severity.CAUTION, high),
    ]
    assert state.open_flags[0].flag.reason == (
        "Systolic BP 184 mmHg is >= 180 (clinic hold threshold)."
    )
    log.add(ChairVitals, 20, **vitals_fields(systolic_mmhg=150))
    assert state_at(log, 21).open_flags == ()


def test_a_rate_above_the_clinics_range_is_a_stop_until_a_clinician_overrides_it() -> None:
    log = started_log()
    raised = log.add(RateChange, 20, rate=Rate(0.8, RateUnit.MG_PER_KG_PER_HOUR), reason="Pain")
    (open_flag,) = state_at(log, 21, RANGED).open_flags
    assert (open_flag.flag.code, open_flag.flag.severity) == (
        "chair.rate_out_of_range",
        Severity.STOP,
    )
    assert (open_flag.raised_at, open_flag.raised_by) == (log.at(20), raised)
    assert open_flag.flag.reason == (
        "Infusion rate outside the clinic's range for this drug. 0.8 mg/kg/h is above"
        " 0.1-0.6 mg/kg/h (Ketamine)."
    )
    log.override(22, "chair.rate_out_of_range", "0.7 mg/kg/h")
    assert state_at(log, 23, RANGED).open_flags != ()  # an override of another rate
    log.override(24, "chair.rate_out_of_range", "0.8 mg/kg/h")
    assert state_at(log, 25, RANGED).open_flags == ()
    assert state_at(log, 25, CONFIG).open_flags == ()  # no range set: nothing to flag


def test_an_order_outside_the_range_is_flagged_before_the_start() -> None:
    log = ChairLog()
    order = log.add(
        InfusionOrder,
        -3,
        **order_fields(dose=PlannedDose(DoseForm.MG_PER_KG_OVER_MINUTES, 0.5, 40)),
    )
    (flag,) = state_at(log, -2, RANGED).open_flags
    assert (flag.raised_by, flag.flag.answer) == (order, "0.75 mg/kg/h")


def test_discharge_waits_for_the_escort_and_the_score() -> None:
    log = started_log()
    log.add(InfusionStop, 40, reason=StopReason.COMPLETED, detail="")
    log.add(ChairVitals, 41, **vitals_fields())
    log.add(ChairVitals, 56, **vitals_fields())
    log.add(OrientationCheck, 70, at_baseline=True, detail="")
    log.add(
        DischargeScore,
        70,
        instrument=ScoreKind.ALDRETE,
        items=_aldrete(consciousness=1, activity=1),
        threshold=9,
    )
    log.add(
        EscortCheck,
        70,
        escort_name="Jordan Lee",
        present=True,
        driver_named_at_checkin="Sam Example",
        mismatch_confirmed=False,
    )
    missing = {m.criterion: m for m in state_at(log, 71).missing}
    assert missing[Criterion.SCORE].describe("en") == (
        "The discharge score 8 is below the clinic's 9 (aldrete)."
    )
    assert missing[Criterion.ESCORT].describe("en") == (
        "Jordan Lee is not the driver named at check-in (Sam Example): confirm the escort."
    )
    log.add(
        EscortCheck,
        72,
        escort_name="Jordan Lee",
        present=True,
        driver_named_at_checkin="Sam Example",
        mismatch_confirmed=True,
    )
    log.add(DischargeScore, 72, instrument=ScoreKind.ALDRETE, items=_aldrete(), threshold=9)
    missing_now = [m.criterion for m in state_at(log, 73).missing]
    assert Criterion.ESCORT not in missing_now and Criterion.SCORE not in missing_now


def test_a_score_or_orientation_from_before_the_stop_does_not_count() -> None:
    log = started_log()
    log.add(DischargeScore, 30, instrument=ScoreKind.ALDRETE, items=_aldrete(), threshold=9)
    log.add(OrientationCheck, 30, at_baseline=True, detail="")
    log.add(InfusionStop, 40, reason=StopReason.COMPLETED, detail="")
    missing = [m.criterion for m in state_at(log, 80).missing]
    assert Criterion.SCORE in missing and Criterion.ORIENTATION in missing


def test_an_escort_named_in_part_or_with_other_accents_is_the_driver() -> None:
    assert escort_matches_driver("sam", "Sam Example")
    assert escort_matches_driver("José Núñez", "jose nunez")
    assert not escort_matches_driver("Samuel Example", "Sam Example")
    assert not escort_matches_driver("Sam Example", "")


def test_two_chairs_at_once_each_fold_their_own_entries() -> None:
    first = started_log()
    second = ChairLog(checkin_id="r-second-chair", start=first.at(5))
    second.add(InfusionOrder, -2, **order_fields(weight_kg=90.0))
    second.add(InfusionStart, 0)
    mixed = [*first.entries, *second.entries]
    random.Random(4).shuffle(mixed)
    a = chair_state(first.checkin_id, mixed, CONFIG, first.at(10))
    b = chair_state(second.checkin_id, mixed, CONFIG, first.at(10))
    assert a.course.planned is not None and b.course.planned is not None
    assert (str(a.course.planned.mg_per_hour), str(b.course.planned.mg_per_hour)) == (
        "34.25",
        "45.00",
    )
    assert (a.time_in, b.time_in) == (first.at(-3), second.at(-2))


def test_the_board_puts_what_is_due_first_on_top_and_drops_the_discharged() -> None:
    overdue = started_log()  # vitals at 0, due at 15
    soon = ChairLog(checkin_id="r-soon", start=overdue.at(10))
    soon.add(InfusionOrder, -1, **order_fields())
    soon.add(ChairVitals, 0, **vitals_fields())
    soon.add(InfusionStart, 0)  # due at 25 on the first log's clock
    waiting = ChairLog(checkin_id="r-waiting", start=overdue.at(-30))
    waiting.add(InfusionOrder, 0, **order_fields())  # not started: nothing due
    done = example_session(ChairLog(checkin_id="r-done", start=overdue.at(-100)))
    stop = ChairLog(checkin_id="r-stop", start=overdue.at(5))
    stop.add(InfusionOrder, 0, **order_fields())
    stop.add(InfusionStart, 0)
    stop.add(ChairVitals, 1, **vitals_fields())
    stop.add(ChairVitals, 3, **vitals_fields(spo2_percent=88))  # a STOP since 8
    logs = {log.checkin_id: log.entries for log in (waiting, done, soon, overdue, stop)}
    board = chair_board(logs, CONFIG, overdue.at(20))
    assert [s.checkin_id for s in board] == [
        stop.checkin_id,
        overdue.checkin_id,
        soon.checkin_id,
        waiting.checkin_id,
    ]
    assert [due_at(s) for s in board[:3]] == [overdue.at(8), overdue.at(15), overdue.at(25)]
    assert board_order(board) == board


def test_an_empty_log_is_an_empty_chair() -> None:
    state = chair_state("r-nobody", [], CONFIG, ChairLog().at(0))
    assert (state.time_in, state.course.status, state.open_flags) == (
        None,
        InfusionStatus.NOT_STARTED,
        (),
    )


@ci_examples(60)
@given(seed=st.integers(0, 2**32), minutes=st.integers(-10, 100))
def test_the_order_entries_arrive_in_changes_nothing(seed: int, minutes: int) -> None:
    log = example_session()
    shuffled = list(log.entries)
    random.Random(seed).shuffle(shuffled)
    now = log.at(minutes)
    assert chair_state(log.checkin_id, shuffled, CONFIG, now) == chair_state(
        log.checkin_id, log.entries, CONFIG, now
    )


@ci_examples(150)
@given(data=st.data())
def test_any_log_folds_into_a_state_never_an_error(data: st.DataObject) -> None:
    """Entries dropped, repeated, superseding anything, at any time: the fold still answers."""
    entries = example_session().entries
    picked = data.draw(st.lists(st.sampled_from(entries), max_size=30))
    ids = [entry.record_id for entry in entries] + [None]
    jumbled = [
        ChairEntry(
            f"{entry.record_id}-{index}",
            data.draw(st.sampled_from(ids)),
            entry.record,
        )
        for index, entry in enumerate(picked)
    ]
    state = chair_state(entries[0].record.checkin_id, jumbled, RANGED, ChairLog().at(60))
    assert state.course.status in InfusionStatus


def _aldrete(**points: int) -> tuple[ScoreItem, ...]:
    return score_items(ScoreKind.ALDRETE, **points)


def test_the_minimum_observation_holds_at_30_minutes_after_the_stop_not_a_minute_before() -> None:
    log = started_log()
    log.add(InfusionStop, 40, reason=StopReason.COMPLETED, detail="")

    def observation(minutes: float) -> list[str]:
        state = state_at(log, minutes)
        return [
            m.describe("en") for m in state.missing if m.criterion is Criterion.MINIMUM_OBSERVATION
        ]

    assert observation(69) == ["1 more minute of observation after the stop."]
    assert observation(69.5) == ["1 more minute of observation after the stop."]
    assert observation(70) == []
