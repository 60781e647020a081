"""One rule for enrolling a person, wherever it happens (the first nurse at `kiosk init`, IT's Add
in the console or the CLI): a PIN the on-screen keypad can type, a name by the patient-name rule.
And an unlock only ever hands out this kiosk's own staff key."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.desk.data_folder import DATABASE_NAME, SECRET_NAME
from kiosk.desk.errors import KioskError
from kiosk.desk.facade import Kiosk
from kiosk.desk.staff_console import StaffConsole, StaffConsoleError
from kiosk.desk.staff_rules import NewStaff
from kiosk.vault import (
    DeviceSecret,
    RecipientPrivateKey,
    create_keyslot,
)
from tests.examples import example_checkin
from tests.store.conftest import CHEAP_SLOTS

REFUSED = [
    ("N1", "Nurse One", "abcdef", "PIN: digits only"),
    (
        "N1",
        "Nurse One",
        "１２３４５６",
        "PIN: digits only",
    ),  # full-width digits: no keypad has them
    ("N1", "Nurse One", "12345", "PIN: use 6 to 128 digits"),
    ("N1", "Nurse One", "1" * 129, "PIN: use 6 to 128 digits"),
    ("N1", "Nurse One", "123456", "PIN: too easy to guess"),
    ("N1", "Nurse One", "000000", "PIN: too easy to guess"),
    ("N1", "Nurse One", "9876543", "PIN: too easy to guess"),
    ("N1", "Nurse One", "890123", "PIN: too easy to guess"),
    ("N1", "Nurse \x1b[31mOne", "123456", "staff name:"),
    ("N1", "Nurse\u202eOne", "123456", "staff name:"),
    ("N1", "12345", "123456", "staff name:"),
    ("N 1", "Nurse One", "123456", "staff id:"),
]


@pytest.mark.parametrize(("staff_id", "name", "pin", "said"), REFUSED)
def test_init_refuses_a_first_nurse_the_keypad_or_the_screens_could_not_serve(
    tmp_path: Path, staff_id: str, name: str, pin: str, said: str
) -> None:
    data_dir = tmp_path / "kiosk-data"
    with pytest.raises(KioskError, match=said) as refused:
        Kiosk.init(data_dir, first_nurse=NewStaff(staff_id, name, "nurse", pin))
    assert "\n" not in str(refused.value) and pin not in str(refused.value)
    assert not (data_dir / DATABASE_NAME).exists()


@pytest.mark.parametrize(("staff_id", "name", "pin", "said"), REFUSED)
def test_it_adding_the_same_person_is_refused_for_the_same_reason(
    demo_kiosk: Kiosk, staff_id: str, name: str, pin: str, said: str
) -> None:
    before = demo_kiosk.store.list_staff()
    with pytest.raises(KioskError, match=said):
        demo_kiosk.add_staff(NewStaff(staff_id, name, "nurse", pin), actor="IT1")
    with pytest.raises(StaffConsoleError):
        StaffConsole(demo_kiosk, actor="IT1").add_staff(staff_id, name, "nurse", pin)
    assert demo_kiosk.store.list_staff() == before


def test_a_name_with_accents_and_an_apostrophe_enrols_at_init_and_unlocks(tmp_path: Path) -> None:
    nurse = NewStaff("N1", "María-José O'Neil", "nurse", "918273")
    kiosk = Kiosk.init(tmp_path / "kiosk-data", first_nurse=nurse, keyslot_cost=CHEAP_SLOTS)
    try:
        row = kiosk.store.get_staff("N1")
        assert row is not None and row.display_name == "María-José O'Neil"
        assert kiosk.unlock("N1", "918273").can_read_records
    finally:
        kiosk.close()


def _plant_slot(kiosk: Kiosk, staff_id: str, pin: str, key: RecipientPrivateKey) -> None:
    """What someone holding the device secret could do: a nurse slot carrying their own key."""
    slot = create_keyslot(staff_id, "nurse", pin, key, cost=CHEAP_SLOTS)
    secret = DeviceSecret.load(kiosk.data_dir / SECRET_NAME)
    sealed = secret.seal_at_rest(slot, f"staff keyslot {staff_id}")
    kiosk.store.put_staff(staff_id, "Planted Nurse", "nurse", sealed, actor="attacker")


def test_a_slot_holding_another_staff_key_is_refused_and_audited(demo_kiosk: Kiosk) -> None:
    planted = RecipientPrivateKey.generate(demo_kiosk.suite)
    _plant_slot(demo_kiosk, "N100", "246810", planted)
    demo_kiosk.add_staff(NewStaff("N2", "New Nurse", "nurse", "112233"), actor="IT1")

    with pytest.raises(KioskError, match="not this kiosk's staff key") as refused:
        demo_kiosk.unlock("N100", "246810")
    assert "\n" not in str(refused.value)
    refusals = [e for e in demo_kiosk.store.audit_entries() if e.action == "staff.unlock_refused"]
    assert [(e.actor, e.detail) for e in refusals] == [("N100", "keyslot holds another staff key")]
    # The pending nurse did not receive the planted key: she still waits for a real nurse.
    with pytest.raises(KioskError, match="pending"):
        demo_kiosk.unlock("N2", "112233").todays_summaries()


def test_a_demo_kiosk_with_waiting_check_ins_is_not_pinned_to_a_real_clinic(
    demo_kiosk: Kiosk,
) -> None:
    """Its check-ins are sealed to the demo clinic key: a real server could never open them."""
    demo_key = demo_kiosk.clinic_fingerprint()
    demo_kiosk.patient_desk().submit_checkin(example_checkin())
    real_clinic = RecipientPrivateKey.generate(demo_kiosk.suite).public_key()

    with pytest.raises(KioskError, match="1 records here are sealed to clinic key"):
        demo_kiosk.set_clinic_key(real_clinic, actor="it")
    assert demo_kiosk.clinic_fingerprint() == demo_key


def test_a_fresh_demo_kiosk_is_pinned_to_the_clinic_and_seals_to_it(demo_kiosk: Kiosk) -> None:
    real_clinic = RecipientPrivateKey.generate(demo_kiosk.suite)
    demo_kiosk.set_clinic_key(real_clinic.public_key(), actor="it")
    assert demo_kiosk.clinic_fingerprint() == real_clinic.public_key().fingerprint
