"""The devices and enrolment_tokens tables: enrolling a kiosk with a one-time code, revoking it,
and the list IT reads (`clinic-server devices`). Functions run inside the caller's transaction.

A code is kept only as its SHA-256 and spent with a conditional UPDATE, so two server processes
cannot both spend it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select, update

from sync.server.refusal_log import UNKNOWN_SENDER, RefusalTally
from sync.server.refusals import refusal_tallies
from sync.server.schema import audit_links, devices, enrolment_tokens, envelopes
from sync.wire import RefusalCode


@dataclass(frozen=True)
class Device:
    """An enrolled kiosk as the server knows it."""

    device_id: str
    verify_key: bytes
    name: str
    enrolled_at: float
    revoked_at: float | None
    last_seen: float | None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


@dataclass(frozen=True)
class DeviceSummary:
    """A line of `clinic-server devices`."""

    device: Device
    records: int
    audit_through: int | None
    refused: RefusalTally | None


class EnrolmentRefused(Exception):
    """An enrolment the server will not make, with the wire's code for it."""

    def __init__(self, code: RefusalCode, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def add_enrolment_token(conn: Connection, code: str, now: float, expires_at: float) -> None:
    conn.execute(
        enrolment_tokens.insert().values(
            token_hash=_token_hash(code), created_at=now, expires_at=expires_at
        )
    )


def enrol(
    conn: Connection, code: str, device_id: str, verify_key: bytes, name: str, now: float
) -> Device:
    """Spend a one-time code on this device; refuses used/expired codes and taken ids."""
    token = conn.execute(
        select(enrolment_tokens).where(enrolment_tokens.c.token_hash == _token_hash(code))
    ).first()
    if token is None:
        raise EnrolmentRefused(RefusalCode.ENROLMENT_CODE_INVALID, "this enrolment code is unknown")
    if token.used_at is not None:
        raise EnrolmentRefused(
            RefusalCode.ENROLMENT_CODE_INVALID, "this enrolment code was already used"
        )
    if token.expires_at < now:
        raise EnrolmentRefused(
            RefusalCode.ENROLMENT_CODE_INVALID, "this enrolment code has expired"
        )
    # Why: in `clinic-server refusals --device unknown` the name means unproven senders.
    if device_id == UNKNOWN_SENDER:
        raise EnrolmentRefused(RefusalCode.DEVICE_ID_TAKEN, "the device id 'unknown' is reserved")
    existing = device(conn, device_id)
    if existing is not None and existing.revoked:
        raise EnrolmentRefused(RefusalCode.REVOKED_DEVICE, "this device id was revoked")
    if existing is not None and existing.verify_key != verify_key:
        raise EnrolmentRefused(
            RefusalCode.DEVICE_ID_TAKEN, "this device id is enrolled with another key"
        )
    spent = conn.execute(
        update(enrolment_tokens)
        .where(enrolment_tokens.c.token_hash == token.token_hash)
        .where(enrolment_tokens.c.used_at.is_(None))
        .values(used_at=now, used_by=device_id)
        .returning(enrolment_tokens.c.token_hash)
    ).first()
    if spent is None:  # another process spent it between our read and write
        raise EnrolmentRefused(
            RefusalCode.ENROLMENT_CODE_INVALID, "this enrolment code was already used"
        )
    if existing is None:
        conn.execute(
            devices.insert().values(
                device_id=device_id,
                verify_key=verify_key,
                name=name,
                enrolled_at=now,
                last_seen=now,
            )
        )
    enrolled = device(conn, device_id)
    assert enrolled is not None
    return enrolled


def device(conn: Connection, device_id: str) -> Device | None:
    row = conn.execute(select(devices).where(devices.c.device_id == device_id)).first()
    return _row_device(row) if row is not None else None


def revoke(conn: Connection, device_id: str, now: float) -> bool:
    """Stop a kiosk at once; False when no such device."""
    done = conn.execute(
        update(devices)
        .where(devices.c.device_id == device_id)
        .where(devices.c.revoked_at.is_(None))
        .values(revoked_at=now)
        .returning(devices.c.device_id)
    ).first()
    if done is None:
        return device(conn, device_id) is not None
    return True


def device_summaries(conn: Connection) -> list[DeviceSummary]:
    counts: dict[str, int] = dict(
        conn.execute(
            select(envelopes.c.device_id, func.count()).group_by(envelopes.c.device_id)
        ).all()
    )
    heads = dict(
        conn.execute(
            select(audit_links.c.device_id, func.max(audit_links.c.seq)).group_by(
                audit_links.c.device_id
            )
        ).all()
    )
    rows = conn.execute(select(devices).order_by(devices.c.device_id)).all()
    tallies = refusal_tallies(conn)
    return [
        DeviceSummary(
            _row_device(r),
            int(counts.get(r.device_id, 0)),
            heads.get(r.device_id),
            tallies.get(r.device_id),
        )
        for r in rows
    ]


def normalize_enrolment_code(code: str) -> str:
    """The code as compared: upper case, without the spaces and dashes people type."""
    return "".join(ch for ch in code.upper() if ch not in " -\t")


def _token_hash(code: str) -> str:
    return hashlib.sha256(normalize_enrolment_code(code).encode("utf-8", "replace")).hexdigest()


def _row_device(row: Any) -> Device:
    return Device(
        row.device_id, row.verify_key, row.name, row.enrolled_at, row.revoked_at, row.last_seen
    )
