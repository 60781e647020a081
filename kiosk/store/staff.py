"""The staff table: each nurse's and IT's keyslot row, and the count of wrong PINs at unlock.

Rows are written and read through sqlite-utils. A wrong PIN is counted for the staff id and for
this kiosk's PIN pad (kiosk/store/lockout.py) in one commit with its audit entry.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlite_utils.db import NotFoundError

from kiosk.store.audit_log import AuditLog
from kiosk.store.connection import StoreConnection
from kiosk.store.errors import StoreError
from kiosk.store.lockout import next_try_at
from kiosk.store.rows import StaffRow
from kiosk.store.settings import put_settings, read_setting
from kiosk.store.timestamps import parse_utc_text, utc_now, utc_text

# The PIN pad's pace: wrong PINs in a row at this kiosk, and when the next try may be made ("" for
# at once). Kept in the settings table, so a restart or a new browser tab does not start the
# count again.
_WRONG_PINS_IN_A_ROW = "unlock.wrong_pins_in_a_row"
_NEXT_UNLOCK_TRY = "unlock.next_try_at"


class Staff:
    """Staff members' keyslots and their wrong-PIN counts."""

    def __init__(self, connection: StoreConnection, audit: AuditLog) -> None:
        self._connection = connection
        self._audit = audit

    def put_staff(
        self,
        staff_id: str,
        display_name: str,
        role: str,
        keyslot: bytes,
        *,
        actor: str,
    ) -> None:
        """Add a staff member, or replace their keyslot (PIN reset, slot upgrade)."""
        now = utc_now()
        with self._connection.write(f"save staff member {staff_id}") as db:
            staff = db.table("staff")
            details = {"display_name": display_name, "role": role, "keyslot": keyslot}
            try:
                staff.update(staff_id, details)
                action = "staff.updated"
            except NotFoundError:
                staff.insert({"staff_id": staff_id, **details, "created_at": utc_text(now)})
                action = "staff.added"
            self._audit.add(db, [(actor, action, None, f"staff={staff_id} role={role}")], now)

    def get_staff(self, staff_id: str) -> StaffRow | None:
        with self._connection.reading() as db:
            try:
                return _staff_row(db.table("staff").get(staff_id))
            except NotFoundError:
                return None

    def list_staff(self) -> list[StaffRow]:
        with self._connection.reading() as db:
            return [_staff_row(row) for row in db.table("staff").rows_where(order_by="staff_id")]

    def remove_staff(self, staff_id: str, *, actor: str) -> None:
        with self._connection.write(f"remove staff member {staff_id}") as db:
            try:
                db.table("staff").delete(staff_id)
            except NotFoundError:
                raise StoreError(f"there is no staff member {staff_id}") from None
            self._audit.add(db, [(actor, "staff.removed", None, f"staff={staff_id}")])

    def record_failed_unlock(self, staff_id: str, now: datetime) -> datetime | None:
        """Count a wrong PIN, for the id and for this kiosk's PIN pad; returns when the next
        try may be made, if it must wait (see kiosk/store/lockout.py)."""
        with self._connection.write(f"count a failed unlock for {staff_id}") as db:
            wrong = int(read_setting(db, _WRONG_PINS_IN_A_ROW) or 0) + 1
            next_try = next_try_at(wrong, now)
            waiting = "" if next_try is None else f"; the PIN pad waits until {utc_text(next_try)}"
            put_settings(
                db,
                {
                    _WRONG_PINS_IN_A_ROW: str(wrong),
                    _NEXT_UNLOCK_TRY: "" if next_try is None else utc_text(next_try),
                },
            )
            staff = db.table("staff")
            try:
                failures = int(staff.get(staff_id)["failed_attempts"]) + 1
            except NotFoundError:
                detail = f"unknown staff id{waiting}"
            else:
                staff.update(staff_id, {"failed_attempts": failures})
                detail = f"wrong PIN ({failures} in a row){waiting}"
            self._audit.add(db, [(staff_id, "staff.unlock_failed", None, detail)], now)
            return next_try

    def next_unlock_try(self) -> datetime | None:
        """When this kiosk's PIN pad takes the next try, if wrong PINs made it wait."""
        with self._connection.reading() as db:
            stored = read_setting(db, _NEXT_UNLOCK_TRY)
        return parse_utc_text(stored) if stored else None

    def reset_failures(self, staff_id: str) -> None:
        """A correct PIN: forget earlier failures (this id's, and the PIN pad's wait)."""
        with self._connection.write(f"reset failed unlocks for {staff_id}") as db:
            try:
                db.table("staff").update(
                    staff_id, {"failed_attempts": 0, "lockouts": 0, "locked_until": None}
                )
            except NotFoundError:
                pass  # removed meanwhile by another process: the PIN pad's wait still ends
            put_settings(db, {_WRONG_PINS_IN_A_ROW: "0", _NEXT_UNLOCK_TRY: ""})


def _staff_row(row: dict[str, Any]) -> StaffRow:
    keyslot, locked_until = row["keyslot"], row["locked_until"]
    return StaffRow(
        staff_id=str(row["staff_id"]),
        display_name=str(row["display_name"]),
        role=str(row["role"]),
        keyslot=bytes(keyslot) if isinstance(keyslot, bytes) else b"",
        created_at=parse_utc_text(str(row["created_at"])),
        failed_attempts=int(row["failed_attempts"]),
        locked_until=None if locked_until is None else parse_utc_text(str(locked_until)),
        lockouts=int(row["lockouts"]),
    )
