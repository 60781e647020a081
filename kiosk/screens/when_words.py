"""A time the patient reads, with its day: "today 07:30", "yesterday 15:32", "2 days ago, 09:00".

A clock time alone reads as today: a dose taken 20 hours ago shown as "15:32" looks like later
today. So every time drawn from a patient's answers names its day, counted in the clinic's zone
(the zone of `now`), in the patient's language.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime


def time_with_day(moment: datetime, now: datetime, text: Callable[..., str]) -> str:
    """`moment` as its day relative to `now` and its clock time, worded by `text`."""
    local = moment.astimezone(now.tzinfo)
    days = (now.date() - local.date()).days
    clock = local.strftime("%H:%M")
    if days <= 0:
        return text("screens.when.today", time=clock)
    if days == 1:
        return text("screens.when.yesterday", time=clock)
    return text("screens.when.days_ago", days=days, time=clock)
