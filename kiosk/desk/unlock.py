"""A staff member's PIN against their keyslot: a `StaffSession`, `WrongPin`, or `LockedOut`.

Wrong PINs slow the kiosk's PIN pad down for every id alike (the store keeps the pace across
restarts); a try during the wait is not even checked. Every attempt is written down, and when
that write is refused the unlock is refused too.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kiosk.desk.data_folder import DataFolder
from kiosk.desk.errors import KioskError
from kiosk.desk.staff_enrolment import complete_pending_slots
from kiosk.desk.staff_rules import MAX_PIN_LENGTH, STAFF_ID
from kiosk.desk.staff_session import StaffSession
from kiosk.store import StoreError
from kiosk.store.errors import DiskFull
from kiosk.vault import KeyslotError, PinGateError, PinGateLocked, WrongPin, unlock_keyslot


class LockedOut(Exception):
    """Wrong PINs in a row at this kiosk: its next try waits until `until` (any staff id; the
    right PIN opens once the wait is over). `pin_checked`: this try's PIN was checked (and
    wrong); False when it came during the wait and was not looked at."""

    def __init__(self, staff_id: str, until: datetime, pin_checked: bool = False) -> None:
        super().__init__(f"the next unlock try at this kiosk waits until {until:%H:%M:%S} UTC")
        self.staff_id = staff_id
        self.until = until
        self.pin_checked = pin_checked


def unlock(
    folder: DataFolder, staff_id: str, pin: str, now: datetime | None = None
) -> StaffSession:
    """Open a staff member's keyslot; WrongPin, or LockedOut(until) after repeated failures.

    Every attempt is written down (failure counter, audit); when that write is refused
    (a full disk) the unlock is refused with one line, the same whether the PIN was right.
    """
    try:
        return _unlock(folder, staff_id, pin, now or datetime.now(UTC))
    except DiskFull:
        raise KioskError(
            "unlock refused: the kiosk's disk is full, so the unlock cannot be recorded; "
            "ask IT to free space"
        ) from None
    except StoreError:
        raise KioskError(
            "unlock refused: the kiosk's database cannot record the unlock; ask IT to check "
            "it (kiosk audit verify)"
        ) from None


def _unlock(folder: DataFolder, staff_id: str, pin: str, when: datetime) -> StaffSession:
    next_try = folder.store.next_unlock_try()
    if next_try is not None and next_try > when:
        raise LockedOut(str(staff_id), next_try)  # the PIN is not even looked at
    if not isinstance(staff_id, str) or not STAFF_ID.fullmatch(staff_id):
        raise WrongPin("unknown staff id or wrong PIN")
    row = folder.store.get_staff(staff_id)
    try:
        if row is None:
            raise WrongPin("unknown staff id or wrong PIN")
        slot = folder.open_staff_slot(staff_id, row.keyslot)
        if not isinstance(pin, str) or len(pin) > MAX_PIN_LENGTH:
            # No PIN this long was ever accepted: skip the key derivation, count the failure.
            raise WrongPin("unknown staff id or wrong PIN")
        credential = unlock_keyslot(slot, staff_id, pin, gate=folder.pin_gate())
    except WrongPin:
        until = folder.store.record_failed_unlock(staff_id, when)
        if until is not None:
            raise LockedOut(staff_id, until, pin_checked=True) from None
        raise
    except PinGateLocked as locked:
        # The TPM's own lockout: this PIN was not checked; the pad says when to try again.
        raise LockedOut(staff_id, when + timedelta(seconds=locked.retry_after_s)) from None
    except PinGateError as error:
        raise KioskError(f"unlock refused: {error}") from None
    except KeyslotError as error:
        raise KioskError(f"the keyslot of {staff_id} is damaged ({error}); reset the PIN") from None
    staff_key = credential.staff_key
    if staff_key is not None and staff_key.public_key().to_bytes() != (
        folder.staff_public_key.to_bytes()
    ):
        # A planted slot would hand its own key to every nurse enrolled or completed here.
        folder.store.append_audit(
            staff_id, "staff.unlock_refused", None, "keyslot holds another staff key"
        )
        raise KioskError(
            f"the keyslot of {staff_id} holds a key that is not this kiosk's staff key; "
            "IT must reset this PIN"
        )
    folder.store.reset_failures(staff_id)
    if credential.upgraded_slot is not None:
        folder.save_staff_slot(
            staff_id, row.display_name, row.role, credential.upgraded_slot, staff_id
        )
    folder.store.append_audit(staff_id, "staff.unlocked", None, f"role={row.role}")
    if staff_key is not None:
        complete_pending_slots(folder, staff_key, staff_id)
    return StaffSession(folder, staff_id, row.role, staff_key)
