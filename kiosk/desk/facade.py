"""The kiosk facade: what the screens, the `kiosk` command and the browser kiosk call.

`Kiosk` is one kiosk's data folder opened (`DataFolder`: keys, database, clinic configuration)
with its two sides. The patient side gets a `PatientDesk`, which holds public keys and the
device signing key only: it writes records it cannot read back. A staff member's PIN opens a
`StaffSession`, the only holder of the staff private key, until `lock()`.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from kiosk.desk.data_folder import DATABASE_NAME, DEMO_STAFF, DataFolder
from kiosk.desk.errors import KioskError
from kiosk.desk.patient_desk import PatientDesk
from kiosk.desk.staff_enrolment import enrol
from kiosk.desk.staff_rules import NewStaff, checked_member
from kiosk.desk.staff_session import StaffSession
from kiosk.desk.unlock import unlock
from kiosk.store import StoreError
from kiosk.vault import Argon2Cost, EnvelopeSuite, RecipientPublicKey


class Kiosk(DataFolder):
    """One kiosk's data folder, opened, with its patient side and its staff side."""

    @classmethod
    def init(
        cls,
        data_dir: Path,
        *,
        demo: bool = False,
        suite: EnvelopeSuite = EnvelopeSuite.MLKEM768_X25519,
        clinic_public_key: RecipientPublicKey | None = None,
        first_nurse: NewStaff | None = None,
        keyslot_cost: Argon2Cost | None = None,
    ) -> Kiosk:
        """Create a kiosk: device secret, device key, staff key pair, kiosk id, config file.

        The staff private key exists only inside nurse keyslots, so a first nurse is required
        (`demo` makes N100 / 246810 and IT1 / 135790, and a demo clinic key pair). The device
        secret is sealed to the machine's TPM where there is one (`KIOSK_TPM_TCTI`); without,
        the keyslots' Argon2id cost is calibrated here unless `keyslot_cost` is given.
        """
        data_dir = Path(data_dir)
        if (data_dir / DATABASE_NAME).exists():
            raise KioskError(f"{data_dir} already holds a kiosk; use another --data directory")
        nurses = [first_nurse] if first_nurse is not None else []
        named = [NewStaff(*entry) for entry in DEMO_STAFF] if demo else nurses
        if not any(member.role == "nurse" for member in named):
            raise KioskError(
                "name the first nurse (kiosk init --nurse ID --name NAME): the staff key that "
                "opens records exists only inside nurse keyslots"
            )
        staff = [checked_member(member) for member in named]
        kiosk, staff_key = cls.create(
            data_dir,
            demo=demo,
            suite=suite,
            clinic_public_key=clinic_public_key,
            keyslot_cost=keyslot_cost,
        )
        for member in staff:
            enrol(kiosk, member, staff_key, actor="init")
        return kiosk

    # ---- the two sides ------------------------------------------------------------------

    def patient_desk(self) -> PatientDesk:
        """The patient side: seals and stores, cannot open anything."""
        return PatientDesk(self)

    def unlock(self, staff_id: str, pin: str, now: datetime | None = None) -> StaffSession:
        """Open a staff member's keyslot; WrongPin, or LockedOut(until) after repeated failures
        (kiosk/desk/unlock.py)."""
        return unlock(self, staff_id, pin, now)

    # ---- staff ----------------------------------------------------------------------------

    def add_staff(
        self, member: NewStaff, *, actor: str, session: StaffSession | None = None
    ) -> None:
        """Enrol a person. A nurse added without an unlocked nurse's session gets a pending slot
        that is completed the next time any nurse unlocks."""
        member = checked_member(member)
        if self.store.get_staff(member.staff_id) is not None:
            raise KioskError(f"{member.staff_id} is already enrolled; remove them first")
        staff_key = session.staff_key_for_enrolment() if session is not None else None
        enrol(self, member, staff_key, actor=actor)

    def remove_staff(self, staff_id: str, *, actor: str) -> None:
        try:
            self.store.remove_staff(staff_id, actor=actor)
        except StoreError as error:
            raise KioskError(str(error)) from None
