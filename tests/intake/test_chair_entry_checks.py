"""What a chair entry must pass before it is sealed: each refusal is one clear line in the
nurse's language, and nothing is written."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from kiosk.intake.chair.entry_checks import check_entry
from kiosk.intake.chair.log import ChairEntry
from kiosk.intake.chair.records import (
    ChairLogRecord,
    ChairVitals,
    DischargeScore,
    DischargeSigned,
    DoseForm,
    EnteredInError,
    EscortCheck,
    ExamFinding,
    ExamItemResult,
    InfusionOrder,
    InfusionPause,
    InfusionResume,
    InfusionStart,
    InfusionStop,
    InstructionsAcknowledged,
    OrientationCheck,
    PhysicalExam,
    PlannedDose,
    Rate,
    RateChange,
    RateUnit,
    SideEffect,
    SideEffectAction,
    StopReason,
)
from kiosk.intake.config import ClinicConfig, ScoreKind, default_config, load_config_text
from kiosk.intake.validation import FieldProblem
from kiosk.locale import LANGUAGES, catalog, translate
from tests.chair_examples import (
    ChairLog,
    exam_items,
    example_session,
    order_fields,
    score_items,
    started_log,
    vitals_fields,
)

CONFIG = default_config()
RANGED = load_config_text(
    '[[chair.drugs]]\nname = "Ketamine"\nhighest_mg_per_kg_per_hour = 0.6\n', "clinic.toml"
)
CHAIR_SOURCES = sorted((Path(__file__).parents[2] / "kiosk" / "intake" / "chair").glob("*.py"))


def problem_of(
    log: ChairLog,
    record_type: type[ChairLogRecord],
    minutes: float,
    config: ClinicConfig = CONFIG,
    now: float | None = None,
    **fields: Any,
) -> FieldProblem | None:
    """The problem with adding this entry to the log at `now` (by default, when entered)."""
    entry = log.entry(record_type, minutes, **fields)
    moment = log.at(now if now is not None else fields.get("entered", minutes))
    return check_entry(entry, log.entries, config, moment)


def code_of(*args: Any, **fields: Any) -> str | None:
    problem = problem_of(*args, **fields)
    return None if problem is None else problem.code


def test_every_entry_of_a_whole_session_passes_in_turn() -> None:
    session = example_session()
    for index, entry in enumerate(session.entries):
        assert check_entry(entry, session.entries[:index], CONFIG, entry.record.entered_at) is None


@pytest.mark.parametrize(
    ("record_type", "fields", "code"),
    [
        (InfusionResume, {}, "chair.course.resume_not_paused"),
        (InfusionStart, {}, "chair.course.already_started"),
        (
            RateChange,
            {"rate": Rate(0.5, RateUnit.MG_PER_KG_PER_HOUR), "reason": "same"},
            "chair.problem.same_rate",
        ),
        (
            RateChange,
            {"rate": Rate(0.5555, RateUnit.MG_PER_KG_PER_HOUR), "reason": "typo"},
            "chair.problem.rate",
        ),
        (
            RateChange,
            {"rate": Rate(0, RateUnit.ML_PER_HOUR), "reason": "off"},
            "chair.problem.rate",
        ),
        (RateChange, {"rate": Rate(20, RateUnit.ML_PER_HOUR), "reason": " "}, "text.required"),
        (InfusionPause, {"reason": ""}, "text.required"),
        (InfusionStop, {"reason": StopReason.OTHER, "detail": ""}, "text.required"),
        (ChairVitals, vitals_fields(moaa_s=6), "chair.problem.moaa_s"),
        (ChairVitals, vitals_fields(systolic_mmhg=310), "vitals.implausible"),
        (ChairVitals, vitals_fields(diastolic_mmhg=130), "vitals.diastolic_not_below_systolic"),
        (
            DischargeScore,
            {
                "instrument": ScoreKind.ALDRETE,
                "items": score_items(ScoreKind.ALDRETE),
                "threshold": 9,
            },
            "chair.problem.after_stop_only",
        ),
        (DischargeSigned, {}, "chair.problem.not_ready"),
    ],
    ids=[
        "resume while running",
        "a second start",
        "the same rate",
        "a rate more precise than shown",
        "a rate of zero",
        "a rate change without a reason",
        "a pause without a reason",
        "an early stop without a word",
        "MOAA/S 6",
        "systolic 310",
        "diastolic above systolic",
        "a score before the stop",
        "a discharge while it runs",
    ],
)
def test_an_entry_that_does_not_fit_the_infusion_is_refused(
    record_type: type[ChairLogRecord], fields: dict[str, Any], code: str
) -> None:
    assert code_of(started_log(), record_type, 10, **fields) == code


def test_a_start_without_an_order_is_refused() -> None:
    assert code_of(ChairLog(), InfusionStart, 0) == "chair.course.no_order"


def test_a_stop_put_before_the_start_is_refused_even_entered_later() -> None:
    log = started_log()
    refused = code_of(log, InfusionStop, -1, entered=10, reason=StopReason.COMPLETED, detail="")
    assert refused == "chair.course.stop_not_running"


def test_a_pause_slipped_in_before_a_resume_already_in_the_log_must_fit_it() -> None:
    log = started_log()
    log.add(InfusionPause, 10, reason="Break")
    log.add(InfusionResume, 20)
    # A second pause at 15 lands while paused: refused, the log stays coherent.
    assert code_of(log, InfusionPause, 15, entered=25, reason="x") == (
        "chair.course.pause_not_running"
    )


def test_a_start_waits_for_an_override_when_the_order_is_above_the_clinics_range() -> None:
    log = ChairLog()
    log.add(
        InfusionOrder, -3, **order_fields(dose=PlannedDose(DoseForm.MG_PER_KG_PER_HOUR, 0.8, None))
    )
    assert code_of(log, InfusionStart, 0, RANGED) == "chair.problem.rate_needs_override"
    log.override(-1, "chair.rate_out_of_range", "0.8 mg/kg/h")
    assert code_of(log, InfusionStart, 0, RANGED) is None
    assert code_of(ChairLog(entries=log.entries[:1]), InfusionStart, 0, CONFIG) is None


@pytest.mark.parametrize(
    ("minutes", "entered", "code"),
    [(16, 10, "chair.problem.in_the_future"), (-740, 10, "chair.problem.too_long_ago")],
)
def test_a_time_still_to_come_or_half_a_day_back_is_refused(
    minutes: float, entered: float, code: str
) -> None:
    log = started_log()
    assert code_of(log, ChairVitals, minutes, entered=entered, **vitals_fields()) == code


def test_a_time_a_few_minutes_back_is_fine_and_kept() -> None:
    log = started_log()
    assert code_of(log, ChairVitals, 14, entered=19, **vitals_fields()) is None


def test_a_correction_must_name_an_entry_in_force_of_its_kind() -> None:
    log = started_log()
    vitals = log.entries[1].record_id
    corrected = log.add(ChairVitals, 0, entered=2, supersedes=vitals, **vitals_fields())
    assert code_of(log, ChairVitals, 0, entered=3, supersedes=vitals, **vitals_fields()) == (
        "chair.problem.correction_target"
    )
    assert code_of(log, InfusionPause, 5, supersedes=corrected, reason="x") == (
        "chair.problem.correction_kind"
    )
    assert code_of(log, EnteredInError, 6, reason="Wrong chair") == "chair.problem.withdraw_what"
    assert code_of(log, EnteredInError, 6, supersedes=corrected, reason="Wrong chair") is None


def test_a_clinicians_override_stays_on_record() -> None:
    log = started_log()
    override = log.override(5, "chair.rate_out_of_range", "0.8 mg/kg/h")
    assert code_of(log, EnteredInError, 6, supersedes=override, reason="x") == (
        "chair.problem.override_stays"
    )


def test_an_entry_of_another_chair_is_refused() -> None:
    log = started_log()
    other = ChairLog(checkin_id="r-other")
    entry = other.entry(ChairVitals, 5, **vitals_fields())
    problem = check_entry(entry, log.entries, CONFIG, log.at(5))
    assert problem is not None and problem.code == "chair.problem.other_chair"


def test_after_the_discharge_only_a_correction_may_follow() -> None:
    log = example_session()
    assert code_of(log, ChairVitals, 85, **vitals_fields()) == "chair.problem.discharged"
    signed = log.entries[-1].record_id
    assert code_of(log, EnteredInError, 85, supersedes=signed, reason="Signed too soon") is None


def test_the_discharge_is_signed_once_every_other_criterion_holds() -> None:
    log = example_session()
    signing = log.entries.pop()
    assert check_entry(signing, log.entries, CONFIG, log.at(79)) is None
    log.entries.pop()  # without the instructions acknowledged
    assert check_entry(signing, log.entries, CONFIG, log.at(79)) == FieldProblem(
        "record", "chair.problem.not_ready"
    )


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"drug": "Esketamine"}, "chair.problem.unknown_drug"),
        ({"clinician_name": "Dr. 3000"}, "name.characters"),
        ({"concentration_mg_per_ml": 0.0}, "chair.problem.concentration"),
        ({"concentration_mg_per_ml": 500.0}, "chair.problem.concentration"),
        ({"weight_kg": 20.0}, "chair.problem.weight"),
        ({"weight_kg": 72.25}, "chair.problem.weight"),
        ({"vitals_id": " "}, "chair.problem.no_weight_record"),
        ({"dose": PlannedDose(DoseForm.MG_PER_KG_PER_HOUR, 0.5, 40)}, "chair.problem.minutes"),
        ({"dose": PlannedDose(DoseForm.MG_OVER_MINUTES, 35, None)}, "chair.problem.minutes"),
        ({"dose": PlannedDose(DoseForm.MG_OVER_MINUTES, 35.001, 40)}, "chair.problem.amount"),
        (
            {"dose": PlannedDose(DoseForm.MG_OVER_MINUTES, 0.01, 600)},
            "chair.problem.dose_too_small",
        ),
    ],
    ids=[
        "a drug the clinic does not give",
        "a clinician named with digits",
        "no concentration",
        "500 mg/mL",
        "20 kg",
        "two decimals of a kilogram",
        "no weight record",
        "minutes for a rate",
        "no minutes for a dose over time",
        "a thousandth of a milligram",
        "under 0.01 mg/h",
    ],
)
def test_an_order_that_cannot_be_worked_out_as_written_is_refused(
    change: dict[str, Any], code: str
) -> None:
    assert code_of(ChairLog(), InfusionOrder, 0, **order_fields(**change)) == code


def test_the_exam_needs_every_item_and_an_abnormal_one_needs_its_note() -> None:
    log = ChairLog()
    items = exam_items(CONFIG)
    assert code_of(log, PhysicalExam, 0, items=items[1:]) == "chair.problem.exam_items"
    abnormal = (replace(items[0], finding=ExamFinding.ABNORMAL, note=""), *items[1:])
    assert code_of(log, PhysicalExam, 0, items=abnormal) == "text.required"
    noted = (
        ExamItemResult(items[0].item_id, ExamFinding.ABNORMAL, "Pale, clammy"),
        *items[1:],
    )
    assert code_of(log, PhysicalExam, 0, items=noted) is None


def side_effect(**change: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "effect_id": "nausea",
        "detail": "",
        "action": SideEffectAction.DRUG_GIVEN,
        "action_detail": "ondansetron 4 mg IV",
        "action_at": ChairLog().at(12),
    }
    return fields | change


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({}, None),
        ({"effect_id": "itching"}, "chair.problem.unknown_side_effect"),
        ({"effect_id": "other"}, "text.required"),
        ({"action_detail": ""}, "text.required"),
        ({"action_at": None}, "chair.problem.action_time"),
        ({"action_at": ChairLog().at(5)}, "chair.problem.action_before_effect"),
        ({"action_at": ChairLog().at(30)}, "chair.problem.in_the_future"),
        ({"action": SideEffectAction.NONE}, "chair.problem.action_none"),
        ({"action": SideEffectAction.NONE, "action_detail": "", "action_at": None}, None),
        ({"action": SideEffectAction.RATE_LOWERED, "action_detail": ""}, None),
        ({"detail": "\x1b[2J"}, "text.escape_sequence"),
    ],
    ids=[
        "nausea treated",
        "not on the clinic's list",
        "other without saying what",
        "a drug given without its name",
        "an action without its time",
        "an action before the effect",
        "an action still to come",
        "nothing done but an action described",
        "watched, nothing done",
        "rate lowered",
        "a terminal escape",
    ],
)
def test_a_side_effect_names_its_action_and_when(change: dict[str, Any], code: str | None) -> None:
    assert code_of(started_log(), SideEffect, 10, **side_effect(**change)) == code


def test_the_score_is_the_clinics_with_its_threshold_and_every_item() -> None:
    log = started_log()
    log.add(InfusionStop, 40, reason=StopReason.COMPLETED, detail="")
    aldrete = score_items(ScoreKind.ALDRETE)

    def score(**fields: Any) -> str | None:
        base: dict[str, Any] = {"instrument": ScoreKind.ALDRETE, "items": aldrete, "threshold": 9}
        return code_of(log, DischargeScore, 70, **(base | fields))

    assert score() is None
    assert score(instrument=ScoreKind.PADSS, items=score_items(ScoreKind.PADSS)) == (
        "chair.problem.score_kind"
    )
    assert score(threshold=8) == "chair.problem.score_threshold"
    assert score(items=aldrete[1:]) == "chair.score.not_scored"
    assert score(items=(*aldrete, aldrete[0])) == "chair.score.scored_twice"
    padss = load_config_text('[chair]\ndischarge_score = "padss"\n', "clinic.toml")
    pain_zero = score_items(ScoreKind.PADSS, pain=0)
    refused = code_of(
        log, DischargeScore, 70, padss, instrument=ScoreKind.PADSS, items=pain_zero, threshold=9
    )
    assert refused == "chair.score.points"


def test_the_instructions_acknowledged_are_the_clinics_own_text_in_that_language() -> None:
    log = started_log()
    spanish = CONFIG.chair.instructions_sha256("es")
    ok = code_of(log, InstructionsAcknowledged, 10, language="es", text_sha256=spanish)
    assert ok is None
    assert code_of(log, InstructionsAcknowledged, 10, language="en", text_sha256=spanish) == (
        "chair.problem.instructions_text"
    )
    assert code_of(log, InstructionsAcknowledged, 10, language="fr", text_sha256=spanish) == (
        "chair.problem.instructions_language"
    )


def test_orientation_not_at_baseline_says_how_and_the_escort_is_named() -> None:
    log = started_log()
    log.add(InfusionStop, 40, reason=StopReason.COMPLETED, detail="")
    assert code_of(log, OrientationCheck, 60, at_baseline=False, detail="") == "text.required"
    escort: dict[str, Any] = {
        "escort_name": "",
        "present": True,
        "driver_named_at_checkin": "Sam Example",
        "mismatch_confirmed": False,
    }
    assert code_of(log, EscortCheck, 60, **escort) == "text.required"


def test_a_refusal_reads_as_one_line_in_english_and_spanish() -> None:
    problem = problem_of(started_log(), InfusionResume, 10)
    assert problem is not None
    assert translate(problem.code, "en", **problem.params) == (
        "The infusion is not paused at that time."
    )
    assert translate(problem.code, "es", **problem.params) == (
        "La infusión no está en pausa a esa hora."
    )


def test_every_code_the_chair_uses_has_its_words_in_every_language() -> None:
    codes: set[str] = set()
    for source in CHAIR_SOURCES:
        codes |= set(
            re.findall(
                r'"(chair\.(?:problem|course|score|discharge)\.[a-z_]+)"', source.read_text()
            )
        )
    assert len(codes) > 45
    for language in LANGUAGES:
        words = catalog(language)
        missing = {code for code in codes if code not in words and f"{code}_other" not in words}
        assert missing == set(), language


def test_a_log_entry_holds_no_staff_override() -> None:
    log = started_log()
    log.override(5, "chair.rate_out_of_range", "0.8 mg/kg/h")
    entry: ChairEntry = log.entries.pop()
    problem = check_entry(entry, log.entries, CONFIG, log.at(6))
    assert problem is not None and problem.code == "chair.problem.override_elsewhere"
