"""The staff unlock's pace: wrong PINs slow down this kiosk's PIN pad; they lock no one out.

The first 3 wrong PINs in a row (any staff id, known or not) cost nothing more. After that,
each try must wait for a while after the wrong PIN before it: 5 s, then 10 s, 20 s, and 30 s
for as long as wrong PINs go on. The right PIN, once the wait is over, opens and starts the
count again. So a guesser at the kiosk gets at most 2 guesses a minute, and a nurse whose id a
patient has been guessing at waits at most 30 s (docs/threat-model.md says why).
"""

from __future__ import annotations

from datetime import datetime, timedelta

FREE_TRIES = 3
FIRST_WAIT = timedelta(seconds=5)
LONGEST_WAIT = timedelta(seconds=30)


def next_try_at(wrong_in_a_row: int, now: datetime) -> datetime | None:
    """When the next try may be made after this many wrong PINs in a row (None: at once)."""
    if wrong_in_a_row <= FREE_TRIES:
        return None
    doublings = min(wrong_in_a_row - FREE_TRIES - 1, 8)  # 8: already far past the longest
    wait: timedelta = min(FIRST_WAIT * (1 << doublings), LONGEST_WAIT)
    return now + wait
