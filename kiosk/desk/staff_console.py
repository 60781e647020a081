"""What IT can do at a kiosk, without a screen: the IT console and the `kiosk` command share it.

Identity and enrolment, record counts by state, the sync status, quarantined records, staff
credentials (add, remove, PIN reset that re-wraps that one person's keyslot), the audit chain
check and the sealed-queue export. Nothing here opens a patient record: IT holds no staff key.
Every refusal is a `StaffConsoleError` whose message says what to fix; a refusal changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kiosk.desk.errors import KioskError
from kiosk.desk.facade import Kiosk
from kiosk.desk.staff_rules import NewStaff, check_new_staff
from kiosk.store import StoreError
from kiosk.store.rows import AuditCheck, OutboxState, RecordRow, StaffRow
from kiosk.vault import KeyslotError, StaffKeyslot
from sync.client.errors import SyncError
from sync.client.pins import ServerPins
from sync.client.queue_export import export_queue
from sync.client.status import SyncStatus


class StaffConsoleError(Exception):
    """An IT operation refused, with a one-line reason naming the field or the fix."""


@dataclass(frozen=True)
class StaffMember:
    """One enrolled person as IT sees them: never the keyslot itself."""

    staff_id: str
    display_name: str
    role: str
    locked_until: datetime | None


@dataclass(frozen=True)
class KioskOverview:
    """The top of the IT console: who this kiosk is, where it syncs, and how far it got."""

    kiosk_id: str
    device_fingerprint: str
    pin_protection: str  # the TPM, or Argon2id and what one PIN guess costs
    clinic_fingerprint: str | None
    enrolment: ServerPins | None
    counts: dict[str, int]
    sync: SyncStatus


class StaffConsole:
    """IT operations on one kiosk, done as `actor` (the signed-in IT staff id, or "cli")."""

    def __init__(self, kiosk: Kiosk, actor: str) -> None:
        self.kiosk = kiosk
        self.actor = actor

    # ---- reading ------------------------------------------------------------------------

    def overview(self) -> KioskOverview:
        store = self.kiosk.store
        try:
            enrolment = ServerPins.load(store)
        except SyncError:
            enrolment = None  # damaged pins read as "not enrolled"; enrolling again fixes them
        return KioskOverview(
            kiosk_id=self.kiosk.kiosk_id,
            device_fingerprint=self.kiosk.device_fingerprint(),
            pin_protection=self.kiosk.pin_protection().describe(),
            clinic_fingerprint=self.kiosk.clinic_fingerprint(),
            enrolment=enrolment,
            counts=store.counts_by_state(),
            sync=SyncStatus.load(store),
        )

    def quarantined(self) -> list[RecordRow]:
        """Records the server refused, each with the server's reason in `last_error`."""
        return [r for r in self.kiosk.store.records() if r.state == OutboxState.QUARANTINED]

    def staff(self) -> list[StaffMember]:
        return [
            StaffMember(row.staff_id, row.display_name, row.role, row.locked_until)
            for row in self.kiosk.store.list_staff()
        ]

    def check_audit(self) -> AuditCheck:
        """Walk the hash chain and check the signed head; the check itself is audited."""
        check = self.kiosk.store.verify_audit(self.kiosk.device_verify_key)
        outcome = f"ok entries={check.entries}" if check.ok else f"broken: {check.problem}"
        self.kiosk.store.append_audit(self.actor, "audit.checked", None, outcome)
        return check

    # ---- changing -----------------------------------------------------------------------

    def add_staff(self, staff_id: str, display_name: str, role: str, pin: str) -> str:
        """Enrol a person. A nurse added here gets a pending keyslot (IT holds no staff key)
        that is completed the next time any nurse unlocks."""
        member = self._checked(staff_id, display_name, role, pin)
        if self.kiosk.store.get_staff(member.staff_id) is not None:
            raise StaffConsoleError(f"{staff_id} is already enrolled: use Reset PIN or Remove")
        self._guarded(lambda: self.kiosk.add_staff(member, actor=self.actor))
        if role == "nurse":
            return f"{staff_id} added; they can read records after any nurse next unlocks"
        return f"{staff_id} added"

    def reset_pin(self, staff_id: str, pin: str) -> str:
        """Give one person a new PIN: only their keyslot is rewritten (as a pending slot), so
        never for the last nurse holding the staff key (nobody could complete their slot)."""
        row = self.kiosk.store.get_staff(staff_id.strip())
        if row is None:
            raise StaffConsoleError(f"there is no staff member {staff_id!r}")
        member = self._checked(row.staff_id, row.display_name, row.role, pin)
        self._refuse_losing_the_staff_key(row)
        self._guarded(lambda: self.kiosk.remove_staff(row.staff_id, actor=self.actor))
        self._guarded(lambda: self.kiosk.add_staff(member, actor=self.actor))
        self.kiosk.store.append_audit(self.actor, "staff.pin_reset", None, f"staff={staff_id}")
        return f"new PIN set for {row.staff_id}"

    def remove_staff(self, staff_id: str) -> str:
        """Remove a person's keyslot; never yourself, never the last nurse holding the staff key
        (every record would be lost with them; a nurse whose slot is still pending does not
        count)."""
        row = self.kiosk.store.get_staff(staff_id.strip())
        if row is None:
            raise StaffConsoleError(f"there is no staff member {staff_id!r}")
        if row.staff_id == self.actor:
            raise StaffConsoleError("you cannot remove your own credential while signed in")
        self._refuse_losing_the_staff_key(row)
        self._guarded(lambda: self.kiosk.remove_staff(row.staff_id, actor=self.actor))
        return f"{row.staff_id} removed"

    def requeue(self, record_id: str) -> str:
        """Send a quarantined record again (after the clinic fixed what the server refused)."""
        self._guarded(lambda: self.kiosk.store.requeue(record_id, actor=self.actor))
        return f"record {record_id} queued again"

    def export_queue(self, path: Path) -> str:
        """Write every undelivered sealed envelope to a new file for `clinic-server import`."""
        if not str(path).strip() or str(path) == ".":
            raise StaffConsoleError("export file: type the full path of a new file")
        try:
            count = export_queue(self.kiosk.store, path, actor=self.actor)
        except (SyncError, OSError) as error:
            raise StaffConsoleError(f"export to {path} failed: {error}") from None
        records = "record" if count == 1 else "records"
        return f"{count} sealed {records} written to {path}"

    # ---- helpers ------------------------------------------------------------------------

    def _refuse_losing_the_staff_key(self, row: StaffRow) -> None:
        """Refuse a change to the only slot through which the records can still be read."""
        holders = [s.staff_id for s in self.kiosk.store.list_staff() if self._holds_staff_key(s)]
        if holders == [row.staff_id]:
            raise StaffConsoleError(
                f"{row.staff_id} is the last nurse holding the staff key: add another nurse, "
                f"then have {row.staff_id} unlock once so the new nurse receives it"
            )

    def _holds_staff_key(self, row: StaffRow) -> bool:
        """True when this nurse's slot carries the staff key (a pending slot no unlocked nurse
        has completed does not); a slot that does not open or parse counts as not holding it."""
        if row.role != "nurse":
            return False
        try:
            slot = StaffKeyslot.from_bytes(self.kiosk.open_staff_slot(row.staff_id, row.keyslot))
        except (KioskError, KeyslotError):
            return False
        return not slot.awaits_staff_key

    def _checked(self, staff_id: str, display_name: str, role: str, pin: str) -> NewStaff:
        """The kiosk's one enrolment rule (the same `kiosk init` applies to the first nurse)."""
        try:
            return check_new_staff(staff_id.strip(), display_name, role, pin)
        except KioskError as error:
            raise StaffConsoleError(str(error)) from None

    @staticmethod
    def _guarded(operation: Callable[[], object]) -> None:
        """Run a kiosk or store operation, turning its refusal into a StaffConsoleError."""
        try:
            operation()
        except (KioskError, StoreError) as error:
            raise StaffConsoleError(str(error)) from None
