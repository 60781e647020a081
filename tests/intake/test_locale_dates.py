"""Dates and times a patient reads, written their language's way (Babel): a month by its name, a
time always with its day, counted from now in the clinic's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kiosk.locale.dates import format_when

NEW_YORK = ZoneInfo("America/New_York")
#: 10:30 on Friday 14 March 2025 in the clinic (daylight time began on 9 March).
NOW = datetime(2025, 3, 14, 10, 30, tzinfo=NEW_YORK)


def test_a_date_of_birth_names_its_month() -> None:
    born = date(1985, 7, 22)
    assert format_when(born, "es") == "22 jul 1985"
    assert format_when(born, "en") == "Jul 22, 1985"
    assert format_when(born, "fr") == "Jul 22, 1985"  # a language the kiosk lacks: English


@pytest.mark.parametrize(
    ("hours_ago", "spanish", "english"),
    [
        (2, "hoy, 8:30\u202fa.m.", "today 8:30\u202fAM"),
        (20, "ayer, 2:30\u202fp.m.", "yesterday 2:30\u202fPM"),
        (70, "hace 3 días, 12:30\u202fp.m.", "3 days ago, 12:30\u202fPM"),
        (8 * 24, "jue, 6 de mar, 10:30\u202fa.m.", "Thu, Mar 6, 10:30\u202fAM"),
    ],
    ids=["this morning", "yesterday", "three days", "over a week"],
)
def test_a_time_names_its_day_counted_from_now(hours_ago: int, spanish: str, english: str) -> None:
    # Given in UTC, as a record stores it: shown in the clinic's zone, the zone of `now`.
    moment = (NOW - timedelta(hours=hours_ago)).astimezone(UTC)
    assert format_when(moment, "es", NOW) == spanish
    assert format_when(moment, "en", NOW) == english


def test_a_time_with_no_now_shows_its_weekday_and_date_in_its_own_zone() -> None:
    moment = datetime(2025, 3, 13, 18, 32, tzinfo=UTC).astimezone(NEW_YORK)
    assert format_when(moment, "es") == "jue, 13 de mar, 2:32\u202fp.m."
    assert format_when(moment, "en") == "Thu, Mar 13, 2:32\u202fPM"


def test_a_time_without_its_zone_is_a_bug_not_a_guess() -> None:
    with pytest.raises(ValueError, match="time zone"):
        format_when(datetime(2025, 3, 13, 14, 32), "es")
    with pytest.raises(ValueError, match="time zone"):
        format_when(NOW, "es", datetime(2025, 3, 14, 10, 30))
