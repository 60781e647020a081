"""Times in the clinic's zone (America/New_York) stay right across the 2026 daylight-saving
changes: fall-back on 1 November (1:00-2:00 AM happens twice) and spring-forward on 8 March
(2:00-3:00 AM never happens)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kiosk.intake.chair.records import (
    ChairVitals,
    InfusionOrder,
    InfusionStart,
    InfusionStop,
    StopReason,
)
from kiosk.intake.chair.state import chair_state
from kiosk.intake.clinic_clock import is_repeated_hour, moment_at_clock
from kiosk.intake.config import default_config
from tests.chair_examples import ChairLog, order_fields, vitals_fields

ZONE = ZoneInfo("America/New_York")
HALF_DAY = timedelta(hours=12)
CONFIG = default_config()


def utc(hour: int, minute: int, day: str = "2026-11-01") -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:{minute:02d}:00+00:00")


def test_the_clinics_zone_is_new_york_by_default() -> None:
    assert CONFIG.time_zone == "America/New_York"


@pytest.mark.parametrize(
    ("now", "typed", "meant"),
    [
        # 1:50 AM EST, the second time round: 1:40 is ten minutes ago, in EST.
        (utc(6, 50), (1, 40), utc(6, 40)),
        (utc(6, 50), (1, 10), utc(6, 10)),
        # 1:50 AM EDT, the first time round: the EST 1:40 is still to come.
        (utc(5, 50), (1, 40), utc(5, 40)),
        (utc(6, 50), (0, 55), utc(4, 55)),
        # 2:30 AM EST comes after the repeated hour.
        (utc(7, 35), (2, 30), utc(7, 30)),
    ],
    ids=["EST 1:40", "EST 1:10", "EDT 1:40", "before the change", "after the change"],
)
def test_a_clock_time_typed_at_the_fall_back_names_the_instant_a_nurse_means(
    now: datetime, typed: tuple[int, int], meant: datetime
) -> None:
    found = moment_at_clock(*typed, now, ZONE, within=HALF_DAY)
    assert found == meant
    assert found is not None and found.tzinfo is UTC


def test_a_clock_time_the_spring_forward_skipped_is_refused_and_its_neighbours_are_right() -> None:
    now = utc(7, 10, "2026-03-08")  # 3:10 AM EDT
    assert moment_at_clock(2, 30, now, ZONE, within=HALF_DAY) is None
    assert moment_at_clock(1, 55, now, ZONE, within=HALF_DAY) == utc(6, 55, "2026-03-08")
    assert moment_at_clock(3, 5, now, ZONE, within=HALF_DAY) == utc(7, 5, "2026-03-08")


def test_a_time_a_minute_ahead_of_the_kiosk_is_today_and_one_far_ahead_is_refused() -> None:
    now = datetime(2026, 12, 3, 14, 33, tzinfo=ZONE)
    assert moment_at_clock(14, 35, now, ZONE, within=HALF_DAY) == now + timedelta(minutes=2)
    assert moment_at_clock(14, 40, now, ZONE, within=HALF_DAY) is None
    yesterday = moment_at_clock(14, 40, now, ZONE, within=timedelta(days=1))
    assert yesterday == now - timedelta(hours=23, minutes=53)


def test_only_the_repeated_hour_needs_its_zone_named() -> None:
    assert is_repeated_hour(utc(5, 30), ZONE)  # 1:30 AM EDT
    assert is_repeated_hour(utc(6, 30), ZONE)  # 1:30 AM EST
    assert not is_repeated_hour(utc(7, 30), ZONE)  # 2:30 AM EST
    assert not is_repeated_hour(utc(5, 30, "2026-11-02"), ZONE)
    assert not is_repeated_hour(utc(6, 55, "2026-03-08"), ZONE)


def test_a_chair_through_the_fall_back_keeps_real_minutes() -> None:
    log = ChairLog(start=utc(5, 20).astimezone(ZONE))  # 1:20 AM EDT
    log.add(InfusionOrder, -2, **order_fields())
    log.add(ChairVitals, 0, **vitals_fields())
    log.add(InfusionStart, 0)
    log.add(ChairVitals, 30, **vitals_fields())  # 1:50 AM EDT
    now = utc(6, 0)  # 1:00 AM EST, which reads earlier than the vitals on the wall
    state = chair_state(log.checkin_id, log.entries, CONFIG, now)
    assert state.next_vitals_due == utc(6, 5)  # 15 minutes after 1:50 EDT: 1:05 AM EST
    due = state.next_vitals_due.astimezone(ZONE)
    assert (due.hour, due.minute, due.tzname()) == (1, 5, "EST")
    assert state.vitals_overdue_by is None
    log.add(InfusionStop, 35, reason=StopReason.COMPLETED, detail="")  # 1:55 AM EDT
    later = chair_state(log.checkin_id, log.entries, CONFIG, utc(6, 10))  # 1:10 AM EST
    assert later.minutes_in_recovery == 15
    assert later.missing[0].describe("en") == "15 more minutes of observation after the stop."
    # The vitals at 1:50 EDT count for the stop at 1:55 EDT; the next were due at 1:05 AM EST.
    assert later.vitals_overdue_by == timedelta(minutes=5)


def test_a_chair_through_the_spring_forward_keeps_real_minutes() -> None:
    log = ChairLog(start=utc(6, 0, "2026-03-08").astimezone(ZONE))  # 1:00 AM EST
    log.add(InfusionOrder, -2, **order_fields())
    log.add(InfusionStart, 0)
    log.add(ChairVitals, 1, **vitals_fields())
    log.add(InfusionStop, 50, reason=StopReason.COMPLETED, detail="")  # 1:50 AM EST
    log.add(ChairVitals, 50, **vitals_fields())
    now = utc(7, 5, "2026-03-08")  # 3:05 AM EDT: 15 minutes later, 75 on the wall
    state = chair_state(log.checkin_id, log.entries, CONFIG, now)
    assert state.minutes_in_recovery == 15
    assert state.next_vitals_due == utc(7, 5, "2026-03-08")
    assert state.vitals_overdue_by is None
    assert [m.criterion.value for m in state.missing][0] == "minimum_observation"
    assert state.course.stopped_at == utc(6, 50, "2026-03-08")
    assert state.course.stopped_at.astimezone(UTC) == utc(6, 50, "2026-03-08")
