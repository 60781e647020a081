"""How the store writes times: fixed-width UTC text, so SQL comparisons sort by time."""

from __future__ import annotations

from datetime import UTC, datetime

from kiosk.store.errors import StoreError

_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
_TEXT_LENGTH = len("2025-01-31T09:30:00.000000Z")


def utc_text(moment: datetime) -> str:
    """Render an aware datetime as 'YYYY-MM-DDTHH:MM:SS.ffffffZ' in UTC."""
    if moment.tzinfo is None:
        # A naive time is ambiguous across the clinic's zone and DST: refuse rather than guess.
        raise StoreError("the store only accepts timezone-aware times (got a naive datetime)")
    return moment.astimezone(UTC).strftime(_FORMAT)


def parse_utc_text(text: str) -> datetime:
    """Read back a time written by utc_text; ValueError for any other shape."""
    # Why: fromisoformat is several times faster than strptime; the shape check keeps it strict.
    if len(text) != _TEXT_LENGTH or text[-1] != "Z" or text[10] != "T" or text[19] != ".":
        raise ValueError(f"time {text[:40]!r} is not in the store's format")
    return datetime.fromisoformat(text)


def utc_now() -> datetime:
    return datetime.now(UTC)
