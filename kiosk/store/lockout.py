"""The staff unlock lockout rule: 5 wrong PINs lock for 30 s, each further lockout twice as long."""

from __future__ import annotations

from datetime import datetime, timedelta

ATTEMPTS_BEFORE_LOCKOUT = 5
FIRST_LOCKOUT = timedelta(seconds=30)
# Capped so the doubling never overflows a datetime nor locks a nurse out for days.
LONGEST_LOCKOUT = timedelta(hours=1)


def lockout_length(lockouts_so_far: int) -> timedelta:
    """How long the next lockout lasts, given how many came before it since the last success."""
    doubling: int = min(lockouts_so_far, 16)
    longer: timedelta = FIRST_LOCKOUT * (1 << doubling)
    return min(longer, LONGEST_LOCKOUT)


def next_lock(failed_attempts: int, lockouts: int, now: datetime) -> datetime | None:
    """The locked-until time if this many consecutive failures trigger a lockout, else None."""
    if failed_attempts < ATTEMPTS_BEFORE_LOCKOUT:
        return None
    return now + lockout_length(lockouts)
