"""The settings table: the kiosk's named values (its id and keys, the sync client's pins and
status, the PIN pad's pace), each a key and a text value, through sqlite-utils."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import sqlite_utils
from sqlite_utils.db import NotFoundError

from kiosk.store.audit_log import AuditLog
from kiosk.store.connection import StoreConnection


def read_setting(db: sqlite_utils.Database, key: str) -> str | None:
    """A setting's value, or None; inside the caller's transaction or lock."""
    try:
        return str(db.table("settings").get(key)["value"])
    except NotFoundError:
        return None


def put_settings(db: sqlite_utils.Database, values: Mapping[str, str]) -> None:
    """Add or replace settings inside the caller's write transaction."""
    rows = [{"key": key, "value": value} for key, value in values.items()]
    db.table("settings").upsert_all(rows, pk="key")


class Settings:
    """Reading and saving settings, each save one commit."""

    def __init__(self, connection: StoreConnection, audit: AuditLog) -> None:
        self._connection = connection
        self._audit = audit

    def get_setting(self, key: str) -> str | None:
        with self._connection.reading() as db:
            return read_setting(db, key)

    def set_setting(self, key: str, value: str) -> None:
        self.set_settings({key: value})

    def set_settings(self, values: Mapping[str, str]) -> None:
        """Save several settings in one commit."""
        with self._connection.write(f"save settings {', '.join(values)}") as db:
            put_settings(db, values)

    def discard_setting(self, key: str, *, actor: str, action: str) -> None:
        """Remove a setting that must not be used, auditing the sha256 of what was there."""
        with self._connection.write(f"discard setting {key}") as db:
            value = read_setting(db, key)
            if value is None:
                return
            db.table("settings").delete(key)
            digest = hashlib.sha256(value.encode("utf-8")).hexdigest()
            self._audit.add(db, [(actor, action, None, f"setting={key} sha256={digest}")])
