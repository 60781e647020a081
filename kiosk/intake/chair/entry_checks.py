"""The checks a chair entry passes before it is sealed: its own content, and its place in the log.

`check_entry` returns the first problem (a `FieldProblem` whose code has its words in the locale
catalogs) or None. Content: every text safe and the required ones given, numbers in range and
at the precision the arithmetic shows, ids the clinic's configuration knows, the score the clinic
uses, times that are neither ahead of the entry nor more than `LONGEST_LOOK_BACK` behind it. Place:
the entry belongs to this chair, a correction names an entry in force of its own kind, nothing is
added after the discharge, and the log with the entry still tells a coherent infusion: an event
that would not fit where its time puts it (a resume while running, a stop before the start) is
refused rather than sealed and left out. A start waits for a clinician's override of a rate
outside the clinic's range; the discharge waits for every other criterion.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from kiosk.intake.chair.log import (
    ChairEntry,
    Direction,
    entries_in_force,
    in_time_order_with,
    in_utc,
    infusion_course,
)
from kiosk.intake.chair.rates import planned_rate
from kiosk.intake.chair.records import (
    ChairVitals,
    DischargeScore,
    DischargeSigned,
    DoseForm,
    EnteredInError,
    EscortCheck,
    ExamFinding,
    InfusionOrder,
    InfusionPause,
    InfusionStart,
    InfusionStop,
    InstructionsAcknowledged,
    OrientationCheck,
    PhysicalExam,
    RateChange,
    RateUnit,
    SideEffect,
    SideEffectAction,
    StopReason,
)
from kiosk.intake.chair.scores import score_problem
from kiosk.intake.chair.state import CHAIR_MEASURES, RATE_FLAG, chair_state
from kiosk.intake.clinic_clock import CLOCK_GRACE
from kiosk.intake.config import ClinicConfig
from kiosk.intake.measures import measure
from kiosk.intake.records import StopOverride
from kiosk.intake.validation import (
    FieldProblem,
    Invalid,
    validate_detail,
    validate_diastolic,
    validate_person_name,
)

#: The furthest back an entry's time may be put: a chair session lasts hours, so an earlier
#: time is a mistyped one (the wrong hour, or AM for PM).
LONGEST_LOOK_BACK = timedelta(hours=12)
#: The strongest concentration an order may give, in mg/mL (ketamine comes at most at 100).
STRONGEST_MG_PER_ML = 100.0
LONGEST_ORDER_MINUTES = 600
#: Decimal places the arithmetic shows: typed with more, a value would be shown rounded.
_PLACES = {RateUnit.MG_PER_KG_PER_HOUR: 3, RateUnit.MG_PER_HOUR: 2, RateUnit.ML_PER_HOUR: 2}
_DOSE_PLACES = {
    DoseForm.MG_PER_KG_PER_HOUR: 3,
    DoseForm.MG_PER_KG_OVER_MINUTES: 3,
    DoseForm.MG_OVER_MINUTES: 2,
}
_MOAA_S = range(0, 6)


def check_entry(
    entry: ChairEntry, log: Sequence[ChairEntry], config: ClinicConfig, now: datetime
) -> FieldProblem | None:
    """The first problem with adding `entry` to this chair's `log` at `now`, or None."""
    entry, now = in_utc(entry), now.astimezone(UTC)
    record = entry.record
    if isinstance(record, StopOverride):
        return _problem("record", "chair.problem.override_elsewhere")
    # Why kept: the log's entries in force are found once, for the place and the fit checks both.
    in_force = functools.cache(lambda: entries_in_force(log))
    checks: list[Callable[[], FieldProblem | None]] = [
        lambda: _times(record.happened_at, record.entered_at),
        lambda: _place(entry, log, in_force),
        lambda: _content(entry, config),
        lambda: _fit(entry, log, config, now, in_force()),
    ]
    for check in checks:
        problem = check()
        if problem is not None:
            return problem
    return None


def _problem(field: str, code: str, **params: Any) -> FieldProblem:
    return FieldProblem(field, code, params)


def _times(happened: datetime, entered: datetime) -> FieldProblem | None:
    if happened > entered + CLOCK_GRACE:
        return _problem("happened_at", "chair.problem.in_the_future")
    if happened < entered - LONGEST_LOOK_BACK:
        hours = int(LONGEST_LOOK_BACK.total_seconds() // 3600)
        return _problem("happened_at", "chair.problem.too_long_ago", hours=hours)
    return None


def _place(
    entry: ChairEntry, log: Sequence[ChairEntry], in_force: Callable[[], list[ChairEntry]]
) -> FieldProblem | None:
    """The entry belongs to this chair, corrects an entry in force of its kind, and comes
    before the discharge (a correction or a withdrawal may still follow it)."""
    checkin_id = entry.record.checkin_id
    if any(other.record.checkin_id != checkin_id for other in log):
        return _problem("checkin_id", "chair.problem.other_chair")
    if any(other.record_id == entry.record_id for other in log):
        return _problem("record_id", "chair.problem.already_in_log")
    if isinstance(entry.record, EnteredInError) and entry.supersedes is None:
        return _problem("supersedes", "chair.problem.withdraw_what")
    if entry.supersedes is None:
        if any(isinstance(other.record, DischargeSigned) for other in in_force()):
            return _problem("record", "chair.problem.discharged")
        return None
    target = {other.record_id: other for other in in_force()}.get(entry.supersedes)
    if target is None:
        return _problem("supersedes", "chair.problem.correction_target")
    if isinstance(target.record, StopOverride):
        return _problem("supersedes", "chair.problem.override_stays")
    if not isinstance(entry.record, EnteredInError) and type(entry.record) is not type(
        target.record
    ):
        return _problem("supersedes", "chair.problem.correction_kind")
    return None


def _content(entry: ChairEntry, config: ClinicConfig) -> FieldProblem | None:
    record = entry.record
    checker = _CONTENT_CHECKS.get(type(record))
    return None if checker is None else checker(record, config)


def _exam(record: PhysicalExam, config: ClinicConfig) -> FieldProblem | None:
    expected = [item.id for item in config.chair.exam_items]
    given = [item.item_id for item in record.items]
    if sorted(given) != sorted(expected):
        return _problem("items", "chair.problem.exam_items")
    for item in record.items:
        abnormal = item.finding is ExamFinding.ABNORMAL
        note = _text(item.note, f"note.{item.item_id}", required=abnormal)
        if note is not None:
            return note
    return None


def _order(record: InfusionOrder, config: ClinicConfig) -> FieldProblem | None:
    name = validate_person_name(record.clinician_name, "clinician_name")
    if isinstance(name, Invalid):
        return name.problem
    if config.chair.drug(record.drug) is None:
        drugs = ", ".join(drug.name for drug in config.chair.drugs)
        return _problem("drug", "chair.problem.unknown_drug", drugs=drugs)
    if not _number_in(record.concentration_mg_per_ml, 2, at_most=STRONGEST_MG_PER_ML):
        return _problem(
            "concentration_mg_per_ml", "chair.problem.concentration", max=f"{STRONGEST_MG_PER_ML:g}"
        )
    weight = measure("weight")
    if not (
        _number_in(record.weight_kg, 1, at_most=weight.plausible_high)
        and record.weight_kg >= weight.plausible_low
    ):
        low, high = f"{weight.plausible_low:g}", f"{weight.plausible_high:g}"
        return _problem("weight_kg", "chair.problem.weight", min=low, max=high)
    if not record.vitals_id.strip():
        return _problem("vitals_id", "chair.problem.no_weight_record")
    dose = record.dose
    if not _number_in(dose.amount, _DOSE_PLACES[dose.form]):
        return _problem("dose.amount", "chair.problem.amount", places=_DOSE_PLACES[dose.form])
    over_minutes = dose.form is not DoseForm.MG_PER_KG_PER_HOUR
    minutes_ok = (
        dose.over_minutes is not None and 1 <= dose.over_minutes <= LONGEST_ORDER_MINUTES
        if over_minutes
        else dose.over_minutes is None
    )
    if not minutes_ok:
        return _problem("dose.over_minutes", "chair.problem.minutes", max=LONGEST_ORDER_MINUTES)
    try:
        planned_rate(record)
    except ValueError:
        return _problem("dose.amount", "chair.problem.dose_too_small")
    return None


def _rate_change(record: RateChange, config: ClinicConfig) -> FieldProblem | None:
    places = _PLACES[record.rate.unit]
    if not _number_in(record.rate.value, places):
        return _problem("rate", "chair.problem.rate", places=places)
    return _text(record.reason, "reason", required=True)


def _pause(record: InfusionPause, config: ClinicConfig) -> FieldProblem | None:
    return _text(record.reason, "reason", required=True)


def _stop(record: InfusionStop, config: ClinicConfig) -> FieldProblem | None:
    return _text(record.detail, "detail", required=record.reason is not StopReason.COMPLETED)


def _vitals(record: ChairVitals, config: ClinicConfig) -> FieldProblem | None:
    for vital in CHAIR_MEASURES:
        value = getattr(record, vital.field)
        if type(value) is not int or not vital.plausible_low <= value <= vital.plausible_high:
            return _problem(
                vital.field,
                "vitals.implausible",
                min=f"{vital.plausible_low:.0f}",
                max=f"{vital.plausible_high:.0f}",
                unit=vital.shown_unit,
            )
    paired = validate_diastolic(record.diastolic_mmhg, record.systolic_mmhg)
    if isinstance(paired, Invalid):
        return paired.problem
    if type(record.moaa_s) is not int or record.moaa_s not in _MOAA_S:
        return _problem("moaa_s", "chair.problem.moaa_s")
    return None


def _side_effect(record: SideEffect, config: ClinicConfig) -> FieldProblem | None:
    if all(effect.id != record.effect_id for effect in config.chair.side_effects):
        return _problem("effect_id", "chair.problem.unknown_side_effect")
    detail = _text(record.detail, "detail", required=record.effect_id == "other")
    if detail is not None:
        return detail
    if record.action is SideEffectAction.NONE:
        if record.action_at is not None or record.action_detail.strip():
            return _problem("action", "chair.problem.action_none")
        return None
    needs_words = record.action in (SideEffectAction.DRUG_GIVEN, SideEffectAction.OTHER)
    words = _text(record.action_detail, "action_detail", required=needs_words)
    if words is not None:
        return words
    if record.action_at is None:
        return _problem("action_at", "chair.problem.action_time")
    if record.action_at < record.happened_at:
        return _problem("action_at", "chair.problem.action_before_effect")
    return _times(record.action_at, record.entered_at)


def _score(record: DischargeScore, config: ClinicConfig) -> FieldProblem | None:
    settings = config.chair
    if record.instrument is not settings.discharge_score:
        return _problem(
            "instrument", "chair.problem.score_kind", score=settings.discharge_score.value
        )
    if record.threshold != settings.discharge_score_at_least:
        return _problem(
            "threshold",
            "chair.problem.score_threshold",
            threshold=settings.discharge_score_at_least,
        )
    return score_problem(record.instrument, record.items)


def _orientation(record: OrientationCheck, config: ClinicConfig) -> FieldProblem | None:
    return _text(record.detail, "detail", required=not record.at_baseline)


def _escort(record: EscortCheck, config: ClinicConfig) -> FieldProblem | None:
    name = validate_person_name(record.escort_name, "escort_name")
    if isinstance(name, Invalid):
        return name.problem
    return _text(record.driver_named_at_checkin, "driver_named_at_checkin", required=False)


def _instructions(record: InstructionsAcknowledged, config: ClinicConfig) -> FieldProblem | None:
    texts = config.chair.discharge_instructions
    if record.language not in texts:
        return _problem("language", "chair.problem.instructions_language")
    if record.text_sha256 != config.chair.instructions_sha256(record.language):
        return _problem("text_sha256", "chair.problem.instructions_text")
    return None


def _withdrawal(record: EnteredInError, config: ClinicConfig) -> FieldProblem | None:
    return _text(record.reason, "reason", required=True)


_CONTENT_CHECKS: dict[type[Any], Callable[[Any, ClinicConfig], FieldProblem | None]] = {
    PhysicalExam: _exam,
    InfusionOrder: _order,
    RateChange: _rate_change,
    InfusionPause: _pause,
    InfusionStop: _stop,
    ChairVitals: _vitals,
    SideEffect: _side_effect,
    DischargeScore: _score,
    OrientationCheck: _orientation,
    EscortCheck: _escort,
    InstructionsAcknowledged: _instructions,
    EnteredInError: _withdrawal,
}


def _fit(
    entry: ChairEntry,
    log: Sequence[ChairEntry],
    config: ClinicConfig,
    now: datetime,
    in_force: list[ChairEntry],
) -> FieldProblem | None:
    """The log with the entry still tells a coherent infusion and discharge. The pump's course
    is walked with the entry (and without it only when the walk leaves something out); the
    whole chair is folded only for a start (its rate's STOP) and the signature (every other
    criterion of the discharge)."""
    plain = entry.supersedes is None and not isinstance(entry.record, EnteredInError)
    # Why: an entry that corrects nothing joins the entries in force as it is (no second pass).
    after_in_force = (
        in_time_order_with(in_force, entry) if plain else entries_in_force([*log, entry])
    )
    after = infusion_course(after_in_force)
    if after.left_out:
        earlier = {left.record_id for left in infusion_course(in_force).left_out}
        for left in after.left_out:
            if left.record_id not in earlier:
                return _problem("happened_at", left.code)
    record = entry.record
    if isinstance(record, RateChange) and entry.supersedes is None:
        applied = next(c for c in after.rate_changes if c.record_id == entry.record_id)
        if applied.direction is Direction.SAME:
            return _problem("rate", "chair.problem.same_rate")
    if isinstance(record, DischargeScore | OrientationCheck):
        if after.stopped_at is None or record.happened_at < after.stopped_at:
            return _problem("happened_at", "chair.problem.after_stop_only")
    if isinstance(record, InfusionStart) and entry.supersedes is None:
        before = chair_state(record.checkin_id, log, config, now)
        if any(flag.flag.code == RATE_FLAG for flag in before.open_flags):
            return _problem("record", "chair.problem.rate_needs_override")
    if isinstance(record, DischargeSigned):
        if not chair_state(record.checkin_id, log, config, now).ready_to_sign:
            return _problem("record", "chair.problem.not_ready")
    return None


def _text(raw: str, field: str, *, required: bool) -> FieldProblem | None:
    checked = validate_detail(raw, field)
    if isinstance(checked, Invalid):
        return checked.problem
    if required and not checked.value:
        return _problem(field, "text.required")
    return None


def _number_in(value: float, places: int, *, at_most: float | None = None) -> bool:
    """A finite number above 0 (and at most `at_most`), with at most `places` decimals."""
    if type(value) not in (int, float) or not math.isfinite(value):
        return False
    if value <= 0 or (at_most is not None and value > at_most):
        return False
    exponent = Decimal(repr(float(value))).as_tuple().exponent
    return isinstance(exponent, int) and -exponent <= places
