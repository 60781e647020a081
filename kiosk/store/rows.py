"""What the store hands back: small frozen rows holding ids, states and times, never PHI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class OutboxState(StrEnum):
    """Where a record is on its way to the clinic server (DESIGN section 4)."""

    DRAFT = "draft"
    SEALED = "sealed"
    QUEUED = "queued"
    SENDING = "sending"
    ACKED = "acked"
    PURGED = "purged"
    QUARANTINED = "quarantined"


@dataclass(frozen=True)
class RecordRow:
    """A record's metadata and delivery state; the sealed bytes stay in the database."""

    record_id: str
    kind: str
    created_at: datetime
    device_id: str
    supersedes: str | None
    sha256: str
    size: int
    state: OutboxState
    attempts: int
    last_error: str | None
    has_payload: bool


@dataclass(frozen=True)
class RecordSummary:
    """The small staff-sealed summary of one record, for the nurse's table."""

    record_id: str
    kind: str
    created_at: datetime
    supersedes: str | None
    summary: bytes


@dataclass(frozen=True)
class OutboxItem:
    """One sealed record due for sending."""

    record_id: str
    envelope: bytes
    sha256: str
    attempts: int


@dataclass(frozen=True)
class StaffRow:
    """One staff member's credential row; the keyslot is sealed at rest with the device secret."""

    staff_id: str
    display_name: str
    role: str
    keyslot: bytes
    created_at: datetime
    failed_attempts: int
    locked_until: datetime | None
    lockouts: int


@dataclass(frozen=True)
class AuditCheck:
    """The outcome of walking the audit chain: ok, how many entries, and the first problem."""

    ok: bool
    entries: int
    problem: str | None
