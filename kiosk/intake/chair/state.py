"""A chair's state, folded from its log at a moment: what the board and the chair screen show.

`chair_state(entries, config, now)` reads the entries in force (log.py) in the order they
happened and gives: the time in, the order and its arithmetic, the pump's status and rate, the
rate segments, the vitals taken and the next ones due (at the start, every N minutes, at the
stop and in recovery; overdue once past), the open flags (the clinic's hold thresholds on the
latest vitals; a rate outside the clinic's range until a clinician's override clears it), the
minutes in recovery and the discharge criteria still missing. Every duration is measured
between instants, so daylight-saving changes move nothing. The fold is total: any log, even one
no check would have let through, gives a state.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from kiosk.intake.chair.discharge import Missing, Recovery, missing_for_discharge, ready_to_sign
from kiosk.intake.chair.log import (
    ChairEntry,
    InfusionCourse,
    InfusionStatus,
    entries_in_force,
    happened_at,
    infusion_course,
)
from kiosk.intake.chair.rates import RateArithmetic, check_range, shown
from kiosk.intake.chair.records import (
    ChairVitals,
    DischargeScore,
    DischargeSigned,
    EscortCheck,
    InstructionsAcknowledged,
    OrientationCheck,
    PhysicalExam,
    SideEffect,
)
from kiosk.intake.config import ClinicConfig
from kiosk.intake.measures import MEASURES
from kiosk.intake.records import Flag, StopOverride
from kiosk.intake.rules import screen_readings

T = TypeVar("T")

#: Vitals taken up to this long before the start or the stop count as the vitals "at" it: the
#: nurse takes them, then presses the pump's button.
CHECKPOINT_LEEWAY = timedelta(minutes=5)
#: The vitals measures taken in the chair (the pre-infusion ones but temperature, weight, pain).
CHAIR_MEASURES = tuple(
    measure for measure in MEASURES if measure.field in {f.name for f in fields(ChairVitals)}
)
RATE_FLAG = "chair.rate_out_of_range"


@dataclass(frozen=True)
class OpenFlag:
    """A flag open on the chair: what, since when, and the entry that raised it."""

    flag: Flag
    raised_at: datetime
    raised_by: str


@dataclass(frozen=True)
class ChairState:
    """One chair at `now`."""

    checkin_id: str
    now: datetime
    #: When the first entry of the chair happened (None for an empty log).
    time_in: datetime | None
    course: InfusionCourse
    exam: PhysicalExam | None
    #: The vitals in force, oldest first, with their record ids.
    vitals: tuple[tuple[str, ChairVitals], ...]
    side_effects: tuple[tuple[str, SideEffect], ...]
    next_vitals_due: datetime | None
    open_flags: tuple[OpenFlag, ...]
    #: Whole minutes since the stop (up to the discharge once signed); None before the stop.
    minutes_in_recovery: int | None
    #: The discharge criteria that do not hold yet (none once the discharge is signed).
    missing: tuple[Missing, ...]
    discharged_at: datetime | None

    @property
    def vitals_overdue_by(self) -> timedelta | None:
        """How long the next vitals are overdue (None when they are not, or none are due)."""
        if self.next_vitals_due is None or self.now <= self.next_vitals_due:
            return None
        return self.now - self.next_vitals_due

    @property
    def ready_to_sign(self) -> bool:
        """Every discharge criterion holds but the nurse's signature."""
        return ready_to_sign(self.missing)

    @property
    def rate(self) -> RateArithmetic | None:
        """The pump's rate (running, or to resume at); None before the start and after the stop."""
        if self.course.status in (InfusionStatus.RUNNING, InfusionStatus.PAUSED):
            return self.course.rate
        return None


def chair_state(
    checkin_id: str, entries: Iterable[ChairEntry], config: ClinicConfig, now: datetime
) -> ChairState:
    """Fold one chair's log (its entries of `checkin_id`; others are left aside) at `now`."""
    now = now.astimezone(UTC)
    in_force = [e for e in entries_in_force(entries) if e.record.checkin_id == checkin_id]
    course = infusion_course(in_force)
    settings = config.chair
    kinds = _ByKind(in_force)
    vitals = kinds.of(ChairVitals)
    signed = kinds.of(DischargeSigned)
    discharged_at = signed[-1][1].happened_at if signed else None
    own = [entry for entry in in_force if not isinstance(entry.record, StopOverride)]
    due = _next_vitals_due(
        course, [v.happened_at for _, v in vitals], settings.vitals_every_minutes, discharged_at
    )
    latest_flags = screen_readings(vitals[-1][1], CHAIR_MEASURES, config) if vitals else ()
    vitals_flags = [OpenFlag(f, vitals[-1][1].happened_at, vitals[-1][0]) for f in latest_flags]
    flags = [*_rate_flags(course, in_force, config), *vitals_flags]
    stopped_at = course.stopped_at
    until = discharged_at or now
    recovery = Recovery(
        now=until,
        stopped_at=stopped_at,
        minimum=timedelta(minutes=settings.minimum_recovery_minutes),
        recovery_vitals_at=[
            v.happened_at
            for _, v in vitals
            if stopped_at is not None and v.happened_at >= stopped_at - CHECKPOINT_LEEWAY
        ],
        vitals_overdue=due is not None and now > due,
        latest_vitals_flags=latest_flags,
        scores=kinds.records(DischargeScore),
        orientations=kinds.records(OrientationCheck),
        escorts=kinds.records(EscortCheck),
        instructions=kinds.records(InstructionsAcknowledged),
        signed_at=discharged_at,
    )
    exams = kinds.records(PhysicalExam)
    return ChairState(
        checkin_id=checkin_id,
        now=now,
        time_in=happened_at(own[0].record) if own else None,
        course=course,
        exam=exams[-1] if exams else None,
        vitals=tuple(vitals),
        side_effects=tuple(kinds.of(SideEffect)),
        next_vitals_due=due,
        open_flags=tuple(sorted(flags, key=_rank)),
        minutes_in_recovery=(
            None if stopped_at is None else max(0, int((until - stopped_at).total_seconds() // 60))
        ),
        missing=() if discharged_at is not None else missing_for_discharge(recovery),
        discharged_at=discharged_at,
    )


def _rank(open_flag: OpenFlag) -> tuple[int, datetime]:
    return (open_flag.flag.severity.rank, open_flag.raised_at)


class _ByKind:
    """The entries in force sorted by record type in one pass, each kind in time order."""

    def __init__(self, in_force: list[ChairEntry]) -> None:
        self._kinds: dict[type[Any], list[tuple[str, Any]]] = {}
        for entry in in_force:
            self._kinds.setdefault(type(entry.record), []).append((entry.record_id, entry.record))

    def of(self, kind: type[T]) -> list[tuple[str, T]]:
        """The entries of one record type, with their record ids."""
        return self._kinds.get(kind, [])

    def records(self, kind: type[T]) -> list[T]:
        return [record for _, record in self.of(kind)]


def _next_vitals_due(
    course: InfusionCourse,
    taken: list[datetime],
    every_minutes: int,
    discharged_at: datetime | None,
) -> datetime | None:
    """Vitals are due at the start, then every N minutes after the last, again at the stop,
    then every N minutes in recovery; none before the start or after the discharge."""
    if discharged_at is not None or course.started_at is None:
        return None
    checkpoint = course.stopped_at or course.started_at
    since = [moment for moment in taken if moment >= checkpoint - CHECKPOINT_LEEWAY]
    if not since:
        return checkpoint
    return max(since) + timedelta(minutes=every_minutes)


def _rate_flags(
    course: InfusionCourse, in_force: list[ChairEntry], config: ClinicConfig
) -> list[OpenFlag]:
    """A STOP for the pump's rate (or, before the start, the order's) outside the clinic's range
    for the drug, unless a clinician's override names that flag for this chair."""
    if course.order is None:
        return []
    if course.status in (InfusionStatus.RUNNING, InfusionStatus.PAUSED):
        rate, raised_by = course.rate, course.rate_set_by
    elif course.status is InfusionStatus.NOT_STARTED:
        rate, raised_by = course.planned, course.order_id
    else:
        return []
    if rate is None or raised_by is None:
        return []
    flag = rate_flag(rate, course.order.drug, config)
    if flag is None or _overridden(flag, in_force):
        return []
    raised = next(e for e in in_force if e.record_id == raised_by)
    return [OpenFlag(flag, happened_at(raised.record), raised_by)]


def rate_flag(rate: RateArithmetic, drug_name: str, config: ClinicConfig) -> Flag | None:
    """The flag a rate outside the clinic's range for the drug raises, or None. Its answer is
    the rate per kilogram, which is what a clinician's override names."""
    drug = config.chair.drug(drug_name)
    checked = check_range(rate, drug)
    if checked.outside is None or drug is None:
        return None
    rule = config.rule(RATE_FLAG)
    answer = f"{shown(rate.mg_per_kg_per_hour)} mg/kg/h"
    reason = f"{rule.reason} {answer} is {checked.outside} {checked.shown_range} ({drug.name})."
    return Flag(RATE_FLAG, rule.severity, reason, answer)


def _overridden(flag: Flag, in_force: list[ChairEntry]) -> bool:
    return any(
        isinstance(e.record, StopOverride)
        and e.record.flag.code == flag.code
        and e.record.flag.answer == flag.answer
        for e in in_force
    )
