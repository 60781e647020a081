"""The refusals table: writing what one request had refused, keeping each sender's latest
`KEEP_PER_SENDER` rows, and reading them back for IT. How much is kept and how often a sender
may write is refusal_log.py's; these functions run inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, delete, func, select

from sync.server.refusal_log import (
    KEEP_PER_SENDER,
    MAX_ROWS_PER_REQUEST,
    NOT_LISTED,
    UNKNOWN_SENDER,
    RefusalNote,
    RefusalTally,
    RefusedAttempt,
    inert_text,
)
from sync.server.schema import refusals


def refusal_rows(
    sender: str | None, at: float, notes: Sequence[RefusalNote], held_back: int
) -> list[dict[str, Any]]:
    """The rows one request leaves: its first refusals one by one, inert and capped, and a row
    counting those not listed (the rest of this request, and `held_back` earlier ones)."""
    rows = [
        {
            "device_id": sender,
            "at": at,
            "code": inert_text(note.code, 40),
            "record_id": None if note.record_id is None else inert_text(note.record_id, 64),
            "reason": inert_text(note.reason),
        }
        for note in notes[:MAX_ROWS_PER_REQUEST]
    ]
    unlisted = len(notes) - len(rows)
    for count, why in (
        (unlisted, "more refusals of this request"),
        (held_back, "refusals before this one (too many at once from this sender)"),
    ):
        if count:
            rows.append(
                {"device_id": sender, "at": at, "code": NOT_LISTED, "record_id": None,
                 "reason": f"{count} {why} were not listed one by one"}
            )  # fmt: skip
    return rows


def add_refusals(conn: Connection, sender: str | None, rows: list[dict[str, Any]]) -> None:
    """Write the rows and drop the sender's rows older than its latest KEEP_PER_SENDER."""
    same_sender = _is_sender(sender)
    conn.execute(refusals.insert(), rows)
    oldest_kept = (
        select(refusals.c.id)
        .where(same_sender)
        .order_by(refusals.c.id.desc())
        .offset(KEEP_PER_SENDER - 1)
        .limit(1)
        .scalar_subquery()
    )
    conn.execute(delete(refusals).where(same_sender).where(refusals.c.id < oldest_kept))


def latest_refusals(conn: Connection, limit: int, device: str | None) -> list[RefusedAttempt]:
    """The latest refusals, newest first; of one device, or "unknown" for unproven senders."""
    query = select(refusals).order_by(refusals.c.id.desc()).limit(limit)
    if device is not None:
        query = query.where(_is_sender(None if device == UNKNOWN_SENDER else device))
    return [_row_refusal(r) for r in conn.execute(query)]


def refusal_tallies(conn: Connection) -> dict[str | None, RefusalTally]:
    """Per sender: how many refusals are kept and the latest one."""
    counted = conn.execute(
        select(refusals.c.device_id, func.count(), func.max(refusals.c.id)).group_by(
            refusals.c.device_id
        )
    ).all()
    if not counted:
        return {}
    latest = {
        r.id: _row_refusal(r)
        for r in conn.execute(select(refusals).where(refusals.c.id.in_([c[2] for c in counted])))
    }
    return {device_id: RefusalTally(int(n), latest[last]) for device_id, n, last in counted}


def _is_sender(device_id: str | None) -> Any:
    """The WHERE clause for one sender's refusals (NULL: senders that proved no identity)."""
    if device_id is None:
        return refusals.c.device_id.is_(None)
    return refusals.c.device_id == device_id


def _row_refusal(row: Any) -> RefusedAttempt:
    return RefusedAttempt(row.device_id, row.at, row.code, row.reason, row.record_id)
