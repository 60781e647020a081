"""How the store writes times: fixed-width UTC text, so SQL comparisons sort by time."""

from __future__ import annotations

from datetime import UTC, datetime

from kiosk.store.errors import StoreError

_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def utc_text(moment: datetime) -> str:
    """Render an aware datetime as 'YYYY-MM-DDTHH:MM:SS.ffffffZ' in UTC."""
    if moment.tzinfo is None:
        # A naive time is ambiguous across the clinic's zone and DST: refuse rather than guess.
        raise StoreError("the store only accepts timezone-aware times (got a naive datetime)")
    return moment.astimezone(UTC).strftime(_FORMAT)


def parse_utc_text(text: str) -> datetime:
    """Read back a time written by utc_text."""
    return datetime.strptime(text, _FORMAT).replace(tzinfo=UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)
