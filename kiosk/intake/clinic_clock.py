"""Clock times in the clinic's zone, right across daylight-saving changes.

Every sum and comparison of times is made in UTC: Python adds a timedelta to, subtracts and
compares two times of one ZoneInfo zone by their wall clocks (1:50 AM EDT + 15 minutes gives
2:05 AM EST, an hour late), so times in the clinic's zone are for showing only. Only a time a
nurse types ("14:35") is a wall-clock reading: `moment_at_clock` turns it into the instant it
names. In the hour a fall-back repeats, a clock time names two instants; `is_repeated_hour`
tells a screen to show the zone's abbreviation (1:30 AM EDT, 1:30 AM EST) so the two never read
alike.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

#: A time typed up to this far ahead of the kiosk's clock is taken as typed: a nurse's watch and
#: the kiosk's clock may differ by a minute or two, and "14:35" typed at 14:34 means today.
CLOCK_GRACE = timedelta(minutes=5)


def moment_at_clock(
    hour: int, minute: int, now: datetime, zone: ZoneInfo, *, within: timedelta
) -> datetime | None:
    """The latest instant, no later than `now` plus `CLOCK_GRACE` and no earlier than `within`
    before `now`, at which the clock in `zone` read hour:minute, in UTC; None when there is none
    (a clock time that a spring-forward skipped, or one too long ago).

    In a repeated hour the later of the two instants that fit is taken: what a nurse typing
    "1:20" at 1:50 (the second time round) means is the 1:20 of half an hour ago.
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware time")
    now = now.astimezone(UTC)
    latest = now + CLOCK_GRACE
    earliest = now - within
    local_today = latest.astimezone(zone).date()
    candidates = []
    for days_back in range(within.days + 2):
        day = local_today - timedelta(days=days_back)
        for fold in (0, 1):
            wall = datetime.combine(day, time(hour, minute, fold=fold), tzinfo=zone)
            instant = wall.astimezone(UTC)
            if instant.astimezone(zone).replace(tzinfo=None) != wall.replace(tzinfo=None):
                continue  # a skipped wall time maps to another reading: it never happened
            if earliest <= instant <= latest:
                candidates.append(instant)
    return max(candidates, default=None)


def is_repeated_hour(moment: datetime, zone: ZoneInfo) -> bool:
    """Whether the wall-clock time of `moment` in `zone` happened twice that night."""
    local = moment.astimezone(zone)
    other = local.replace(fold=1 - local.fold)
    return other.utcoffset() != local.utcoffset()
