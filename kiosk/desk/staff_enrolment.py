"""Staff keyslots: enrolling a person, and completing the slots IT created for nurses.

A nurse's slot holds the staff key under a key derived from their PIN (Argon2id); a nurse added
while no nurse is unlocked (by IT, who holds no staff key) gets a pending slot, completed the
next time any nurse unlocks. An IT person's slot holds no staff key at all.
"""

from __future__ import annotations

from kiosk.desk.data_folder import DataFolder
from kiosk.desk.errors import KioskError
from kiosk.desk.staff_rules import NewStaff
from kiosk.vault import (
    KeyslotError,
    PinGateError,
    RecipientPrivateKey,
    StaffKeyslot,
    complete_pending,
    create_keyslot,
    create_pending_keyslot,
)


def enrol(
    folder: DataFolder, member: NewStaff, staff_key: RecipientPrivateKey | None, *, actor: str
) -> None:
    """Store `member`'s keyslot: with the staff key if it is given, pending for a nurse if not."""
    try:
        cost, gate = folder.keyslot_cost, folder.pin_gate()
        if member.role == "it":
            slot = create_keyslot(member.staff_id, "it", member.pin, None, cost=cost, gate=gate)
        elif staff_key is not None:
            slot = create_keyslot(
                member.staff_id, "nurse", member.pin, staff_key, cost=cost, gate=gate
            )
        else:
            slot = create_pending_keyslot(
                member.staff_id, member.pin, suite=folder.suite, cost=cost, gate=gate
            )
    except (KeyslotError, PinGateError) as error:
        raise KioskError(f"cannot enrol {member.staff_id}: {error}") from None
    folder.save_staff_slot(member.staff_id, member.display_name, member.role, slot, actor)


def complete_pending_slots(folder: DataFolder, staff_key: RecipientPrivateKey, actor: str) -> None:
    """Seal the staff key to every nurse slot IT created while no nurse was unlocked."""
    for row in folder.store.list_staff():
        slot = folder.open_staff_slot(row.staff_id, row.keyslot)
        try:
            if not StaffKeyslot.from_bytes(slot).awaits_staff_key:
                continue
            completed = complete_pending(slot, staff_key)
        except KeyslotError:
            continue  # a damaged slot stays as it is; its owner's unlock reports it
        folder.save_staff_slot(row.staff_id, row.display_name, row.role, completed, actor)
