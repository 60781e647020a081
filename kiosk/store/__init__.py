"""The kiosk's local SQLite store: sealed records, outbox states, audit chain, staff, settings."""

from kiosk.store.errors import StoreError
from kiosk.store.kiosk_store import KioskStore
from kiosk.store.records import SealedRecordLike
from kiosk.store.rows import (
    AuditCheck,
    OutboxItem,
    OutboxState,
    RecordRow,
    RecordSummary,
    StaffRow,
)
from kiosk.store.schema import SCHEMA_VERSION

__all__ = [
    "SCHEMA_VERSION",
    "AuditCheck",
    "KioskStore",
    "OutboxItem",
    "OutboxState",
    "RecordRow",
    "RecordSummary",
    "SealedRecordLike",
    "StaffRow",
    "StoreError",
]
