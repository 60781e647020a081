"""The chair's log: which entries are in force, and the infusion's course read from them.

The log is append-only. An entry is in force unless a later one supersedes it (a correction)
or withdraws it (`EnteredInError`, which supersedes it too). Entries count in the order they
happened, not the order they were entered, so an entry given a past time takes its place in
time. The infusion's course is a small state machine over start, rate changes, pauses, resumes
and the stop; an event that does not fit where it stands in time (a resume while running, a
second start) is left out and named, so the fold never fails and `entry_checks` can refuse such
an entry before it is sealed.
"""

from __future__ import annotations

import bisect
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from kiosk.intake.chair.rates import RateArithmetic, planned_rate, rate_arithmetic
from kiosk.intake.chair.records import (
    CHAIR_RECORD_KINDS,
    ChairRecord,
    EnteredInError,
    InfusionOrder,
    InfusionPause,
    InfusionResume,
    InfusionStart,
    InfusionStop,
    RateChange,
)
from kiosk.intake.records import StopOverride


@dataclass(frozen=True)
class ChairEntry:
    """One sealed record of a chair, as the log holds it: its id, the entry it supersedes (from
    its envelope), and the record."""

    record_id: str
    supersedes: str | None
    record: ChairRecord


def happened_at(record: ChairRecord) -> datetime:
    """When the entry's event happened (an override: when it was recorded)."""
    if isinstance(record, StopOverride):
        return record.recorded_at
    return record.happened_at


def in_time_order(entries: Iterable[ChairEntry]) -> list[ChairEntry]:
    """Entries by when they happened; ties by when they were entered, then by id."""
    return sorted(entries, key=_time_key)


def in_time_order_with(in_order: Sequence[ChairEntry], entry: ChairEntry) -> list[ChairEntry]:
    """`in_order` (as `in_time_order` gives it) with `entry` put in its place."""
    listed = list(in_order)
    bisect.insort(listed, entry, key=_time_key)
    return listed


def _time_key(entry: ChairEntry) -> tuple[datetime, datetime, str]:
    record = entry.record
    if isinstance(record, StopOverride):
        return (record.recorded_at, record.recorded_at, entry.record_id)
    return (record.happened_at, record.entered_at, entry.record_id)


def entries_in_force(entries: Iterable[ChairEntry]) -> list[ChairEntry]:
    """The entries that count, in time order: none superseded, none a withdrawal; every time in
    them in UTC (see kiosk/intake/clinic_clock.py for why)."""
    listed = [in_utc(entry) for entry in entries]
    superseded = {entry.supersedes for entry in listed if entry.supersedes is not None}
    return in_time_order(
        entry
        for entry in listed
        if entry.record_id not in superseded and not isinstance(entry.record, EnteredInError)
    )


def in_utc(entry: ChairEntry) -> ChairEntry:
    """The entry with every time of its record in UTC (the same entry when they already are, as
    every record read back from its payload is)."""
    record = entry.record
    names = _TIME_FIELDS[type(record)]
    for name in names:
        moment = getattr(record, name)
        if moment is not None and moment.tzinfo is not UTC:
            break
    else:
        return entry
    changed = {
        name: moment.astimezone(UTC)
        for name in names
        if (moment := getattr(record, name)) is not None
    }
    return ChairEntry(entry.record_id, entry.supersedes, replace(record, **changed))


def _time_fields(record_type: type[Any]) -> tuple[str, ...]:
    hints = typing.get_type_hints(record_type)
    return tuple(
        field.name
        for field in fields(record_type)
        if hints[field.name] in (datetime, datetime | None)
    )


#: The fields holding a time, per record type of the chair.
_TIME_FIELDS = {
    record_type: _time_fields(record_type) for record_type in (*CHAIR_RECORD_KINDS, StopOverride)
}


class InfusionStatus(StrEnum):
    NOT_STARTED = "not_started"
    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"


class Direction(StrEnum):
    UP = "up"
    DOWN = "down"
    SAME = "same"


@dataclass(frozen=True)
class RateSegment:
    """A stretch of the infusion at one rate (none while paused): what each MedicationAdministration
    of the export stands for. `ended_at` is None while it runs."""

    started_at: datetime
    ended_at: datetime | None
    rate: RateArithmetic
    #: The entry that set the pump running at this rate (start, rate change or resume).
    set_by: str


@dataclass(frozen=True)
class AppliedRateChange:
    """A rate change as it applied: up or down from the rate before it."""

    record_id: str
    change: RateChange
    rate: RateArithmetic
    before: RateArithmetic
    direction: Direction


@dataclass(frozen=True)
class LeftOut:
    """An entry the infusion's course could not apply, and why (a locale key)."""

    record_id: str
    code: str


@dataclass(frozen=True)
class InfusionCourse:
    """The infusion as the log tells it."""

    order: InfusionOrder | None
    order_id: str | None
    #: The order's planned rate (None without an order, or with one that cannot be worked out).
    planned: RateArithmetic | None
    status: InfusionStatus
    started_at: datetime | None
    stopped_at: datetime | None
    #: The pump's rate: running, the rate it runs at; paused, the rate it resumes at.
    rate: RateArithmetic | None
    #: The entry that set `rate` (the start, a rate change), for its overrides and flags.
    rate_set_by: str | None
    segments: tuple[RateSegment, ...]
    rate_changes: tuple[AppliedRateChange, ...]
    left_out: tuple[LeftOut, ...]

    def total_mg(self, now: datetime) -> Decimal:
        """The drug given so far, from the segments' rates and lengths (a running one up to
        `now`), to 0.01 mg."""
        total = Decimal(0)
        for segment in self.segments:
            end = segment.ended_at or now
            seconds = Decimal(max(0.0, (end - segment.started_at).total_seconds()))
            total += segment.rate.mg_per_hour * seconds / Decimal(3600)
        return total.quantize(Decimal("0.01"))


def infusion_course(in_force: Sequence[ChairEntry]) -> InfusionCourse:
    """Walk the pump's events in time order (`in_force` as `entries_in_force` gives it)."""
    order_entry = _latest_order(in_force)
    order = None if order_entry is None else order_entry.record
    assert order is None or isinstance(order, InfusionOrder)
    planned = _worked_out(order)
    walk = _Walk(order, planned)
    for entry in in_force:
        if type(entry.record) in _PUMP_EVENTS:
            walk.step(entry)
    return InfusionCourse(
        order=order,
        order_id=None if order_entry is None else order_entry.record_id,
        planned=planned,
        status=walk.status,
        started_at=walk.started_at,
        stopped_at=walk.stopped_at,
        rate=walk.rate,
        rate_set_by=walk.rate_set_by,
        segments=(*walk.segments, *walk.running_segment()),
        rate_changes=tuple(walk.changes),
        left_out=tuple(walk.left_out),
    )


def _latest_order(in_force: Sequence[ChairEntry]) -> ChairEntry | None:
    orders = [entry for entry in in_force if isinstance(entry.record, InfusionOrder)]
    return orders[-1] if orders else None


def _worked_out(order: InfusionOrder | None) -> RateArithmetic | None:
    if order is None:
        return None
    try:
        return planned_rate(order)
    except ValueError:
        return None  # an order no check let through (a zero weight): nothing to run at


_PUMP_EVENTS = frozenset({InfusionStart, RateChange, InfusionPause, InfusionResume, InfusionStop})


class _Walk:
    """The state machine over the pump's events."""

    def __init__(self, order: InfusionOrder | None, planned: RateArithmetic | None) -> None:
        self.order = order
        self.planned = planned
        self.status = InfusionStatus.NOT_STARTED
        self.started_at: datetime | None = None
        self.stopped_at: datetime | None = None
        self.rate: RateArithmetic | None = None
        self.rate_set_by: str | None = None
        self.segments: list[RateSegment] = []
        self.changes: list[AppliedRateChange] = []
        self.left_out: list[LeftOut] = []
        self._running_since: tuple[datetime, str] | None = None

    def step(self, entry: ChairEntry) -> None:
        record = entry.record
        if isinstance(record, InfusionStart):
            self._start(entry, record)
        elif isinstance(record, RateChange):
            self._change(entry, record)
        elif isinstance(record, InfusionPause):
            if self.status is InfusionStatus.RUNNING:
                self._close(record.happened_at)
                self.status = InfusionStatus.PAUSED
            else:
                self._leave_out(entry, "chair.course.pause_not_running")
        elif isinstance(record, InfusionResume):
            if self.status is InfusionStatus.PAUSED:
                self.status = InfusionStatus.RUNNING
                self._running_since = (record.happened_at, entry.record_id)
            else:
                self._leave_out(entry, "chair.course.resume_not_paused")
        elif isinstance(record, InfusionStop):
            if self.status in (InfusionStatus.RUNNING, InfusionStatus.PAUSED):
                self._close(record.happened_at)
                self.status = InfusionStatus.STOPPED
                self.stopped_at = record.happened_at
            else:
                self._leave_out(entry, "chair.course.stop_not_running")

    def _start(self, entry: ChairEntry, record: InfusionStart) -> None:
        if self.status is not InfusionStatus.NOT_STARTED:
            self._leave_out(entry, "chair.course.already_started")
        elif self.planned is None:
            self._leave_out(entry, "chair.course.no_order")
        else:
            self.status = InfusionStatus.RUNNING
            self.started_at = record.happened_at
            self.rate, self.rate_set_by = self.planned, entry.record_id
            self._running_since = (record.happened_at, entry.record_id)

    def _change(self, entry: ChairEntry, record: RateChange) -> None:
        if self.status not in (InfusionStatus.RUNNING, InfusionStatus.PAUSED):
            self._leave_out(entry, "chair.course.change_not_running")
            return
        assert self.order is not None and self.rate is not None
        try:
            rate = rate_arithmetic(
                record.rate, self.order.weight_kg, self.order.concentration_mg_per_ml
            )
        except ValueError:
            self._leave_out(entry, "chair.course.rate_not_a_rate")
            return
        before = self.rate
        direction = (
            Direction.UP
            if rate.mg_per_hour > before.mg_per_hour
            else Direction.DOWN
            if rate.mg_per_hour < before.mg_per_hour
            else Direction.SAME
        )
        self.changes.append(AppliedRateChange(entry.record_id, record, rate, before, direction))
        if self.status is InfusionStatus.RUNNING:
            self._close(record.happened_at)
            self._running_since = (record.happened_at, entry.record_id)
        self.rate, self.rate_set_by = rate, entry.record_id

    def _close(self, at: datetime) -> None:
        if self._running_since is not None and self.rate is not None:
            since, set_by = self._running_since
            self.segments.append(RateSegment(since, at, self.rate, set_by))
        self._running_since = None

    def _leave_out(self, entry: ChairEntry, code: str) -> None:
        self.left_out.append(LeftOut(entry.record_id, code))

    def running_segment(self) -> list[RateSegment]:
        """The segment still running, open-ended (none unless the pump runs)."""
        if self._running_since is None or self.rate is None:
            return []
        since, set_by = self._running_since
        return [RateSegment(since, None, self.rate, set_by)]
