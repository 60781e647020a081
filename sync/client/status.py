"""The sync state IT sees on the console: last attempt, last success, the last error with the
server's own reason, the next retry, the measured clock offset. Persisted in the kiosk settings
so it survives restarts and is readable by another process (the `kiosk sync status` command)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from datetime import datetime

from kiosk.store.timestamps import parse_utc_text, utc_text
from sync.client.pins import SettingsStore

STATUS_SETTING = "sync.status"

_TIMES = ("last_attempt_at", "last_success_at", "last_error_at", "next_attempt_at")


@dataclass(frozen=True)
class SyncStatus:
    """Where sync stands. `last_error` keeps the full reason until a run succeeds."""

    last_attempt_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    next_attempt_at: datetime | None = None
    consecutive_failures: int = 0
    clock_offset_s: float = 0.0  # server clock minus kiosk clock, measured on a stale refusal
    audit_through_seq: int = 0  # the server holds the audit chain up to this link
    config_version: int | None = None

    def with_changes(self, **changes: object) -> SyncStatus:
        return replace(self, **changes)  # type: ignore[arg-type]

    def save(self, store: SettingsStore) -> None:
        fields = asdict(self)
        for name in _TIMES:
            value = fields[name]
            fields[name] = None if value is None else utc_text(value)
        store.set_setting(STATUS_SETTING, json.dumps(fields, sort_keys=True))

    @classmethod
    def load(cls, store: SettingsStore) -> SyncStatus:
        text = store.get_setting(STATUS_SETTING)
        if text is None:
            return cls()
        try:
            fields = json.loads(text)
            for name in _TIMES:
                value = fields[name]
                fields[name] = None if value is None else parse_utc_text(value)
            return cls(**fields)
        except (ValueError, TypeError, KeyError):
            # A damaged status only loses history: start fresh and let the next run rewrite it.
            return cls(last_error=f"the sync status setting ({STATUS_SETTING}) was unreadable")
