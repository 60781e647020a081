"""Dates and times as a patient reads them, in their language: one function, `format_when`.

Babel draws them from CLDR data. A date is the language's medium form, with the month named
("Jul 22, 1985", "22 jul 1985"), so nobody reads the day as the month whatever order the clinic
types dates in. A moment always names its day, so a dose taken yesterday never reads as later
today: counted from now in the clinic's zone ("yesterday 2:30 PM", "ayer, 2:30 p.m.", "3 days
ago, ..."), or, a week or more away, as its weekday and date ("Mon, Nov 30, 3:32 PM"). The kiosk
serves clinics in the United States, so each language is written the US way where CLDR has a US
form (`REGIONAL_LOCALES`); Chinese, Vietnamese, Korean and Tagalog have none, and are written as
their own language writes dates ("1985年7月22日", "22 thg 7, 1985", "1985. 7. 22.", "Hul 22, 1985").
"""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_skeleton, format_time, get_datetime_format

from kiosk.locale import FALLBACK_LANGUAGE, translate

#: The CLDR locale each kiosk language is written in: the language as spoken in the US where CLDR
#: has that (English, Spanish), else the language's own default (Tagalog is CLDR's Filipino).
REGIONAL_LOCALES = {
    "en": "en_US",
    "es": "es_US",
    "zh-Hans": "zh_Hans",
    "vi": "vi",
    "ko": "ko",
    "tl": "fil",
}
#: Up to this many days back a moment's day is named from today ("3 days ago"); further, by date.
_DAYS_NAMED_FROM_TODAY = 6


def format_when(value: date | datetime, language: str, now: datetime | None = None) -> str:
    """A date; or a moment with its day, counted from `now` (in `now`'s zone, the clinic's) when
    given, else as its weekday and date in the moment's own zone."""
    locale = REGIONAL_LOCALES.get(language, REGIONAL_LOCALES[FALLBACK_LANGUAGE])
    if not isinstance(value, datetime):
        return format_date(value, "medium", locale=locale)
    if value.tzinfo is None or (now is not None and now.tzinfo is None):
        raise ValueError("a moment shown to a patient needs its time zone (the clinic's)")
    moment = value if now is None else value.astimezone(now.tzinfo)
    clock = format_time(moment, "short", locale=locale)
    days = None if now is None else (now.date() - moment.date()).days
    if days is not None and 0 <= days <= _DAYS_NAMED_FROM_TODAY:
        if days < 2:
            return translate(f"screens.when.{('today', 'yesterday')[days]}", language, time=clock)
        return translate("screens.when.days_ago", language, days=days, time=clock)
    day = format_skeleton("MMMEd", moment, locale=locale)
    # Why str(): Babel 2.19 annotates this CLDR joining pattern ("{1}, {0}") as a DateTimePattern.
    joined = str(get_datetime_format("short", locale=locale))
    # Why replace, as Babel's own format_datetime does: the pattern may quote literal words.
    return joined.replace("'", "").replace("{0}", clock).replace("{1}", day)
