"""What the staff screens say: their labels from staff.toml in the nurses' language, counted
words, and one way to write a time (the clinic's zone, named)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from kiosk.locale import translate, translate_count

#: Staff screens are in the nurses' language; their labels still live in the locale files.
STAFF_LANGUAGE = "en"


def staff_text(key: str, **params: object) -> str:
    """A staff screen label from kiosk/locale/<language>/staff.toml (`staff.<key>`)."""
    return translate(f"staff.{key}", STAFF_LANGUAGE, **params)


def staff_time(moment: datetime, zone: ZoneInfo, seconds: bool = False) -> str:
    """Every time on a staff screen, one way: the clinic's zone, named ("2026-11-21 21:15 EST";
    with `seconds`, "21:15:07", where times a few seconds apart must read apart)."""
    return moment.astimezone(zone).strftime(f"%Y-%m-%d %H:%M{':%S' if seconds else ''} %Z")


def counted(count: int, noun: str) -> str:
    """`1 flag`, `2 flags`: the count with the singular or plural word from staff.toml."""
    return translate_count(f"staff.count.{noun}", STAFF_LANGUAGE, count)


def chair_text(key: str, **params: object) -> str:
    """A chair screen's label for the nurse, from chair.toml (`chair.screen.<key>`)."""
    return translate(f"chair.screen.{key}", STAFF_LANGUAGE, **params)
