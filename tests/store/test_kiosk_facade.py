"""The facade as the screens use it: the patient side writes what it cannot read; a nurse reads."""

from __future__ import annotations

import gc
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.desk.data_folder import DEMO_CLINIC_KEY_NAME
from kiosk.desk.errors import KioskError
from kiosk.desk.facade import Kiosk
from kiosk.desk.patient_desk import PatientDesk
from kiosk.desk.staff_rules import NewStaff
from kiosk.desk.unlock import LockedOut
from kiosk.intake.codec import from_payload
from kiosk.intake.records import ConsentDeclined, Phq9, RecordKind, Severity
from kiosk.vault import RecipientPrivateKey, WrongPin, open_envelope
from tests.examples import (
    example_checkin,
    example_consent,
    example_draft,
    example_vitals,
)


def _reachable(root: object, depth: int = 4) -> list[object]:
    """Everything an attacker holding `root` could reach through references."""
    seen: dict[int, object] = {}
    frontier = [root]
    for _ in range(depth):
        nxt = []
        for obj in frontier:
            for ref in gc.get_referents(obj):
                if id(ref) not in seen and not isinstance(ref, type):
                    seen[id(ref)] = ref
                    nxt.append(ref)
            for slot in getattr(type(obj), "__slots__", ()):
                value = getattr(obj, slot, None)
                if value is not None and id(value) not in seen:
                    seen[id(value)] = value
                    nxt.append(value)
        frontier = nxt
    return list(seen.values())


def test_a_submitted_check_in_opens_for_the_nurse_and_the_clinic_exactly(
    demo_kiosk: Kiosk,
) -> None:
    checkin = example_checkin()
    submitted = demo_kiosk.patient_desk().submit_checkin(checkin)

    nurse = demo_kiosk.unlock("N100", "246810")
    assert nurse.open_record(submitted.record_id) == checkin
    clinic_key = RecipientPrivateKey.from_bytes(
        (demo_kiosk.data_dir / DEMO_CLINIC_KEY_NAME).read_bytes()
    )
    envelope = demo_kiosk.store.get_envelope(submitted.record_id)
    opened = open_envelope(envelope, clinic_key, demo_kiosk.device_verify_key)
    assert from_payload(opened.payload) == checkin
    assert submitted.flags == ()


def test_the_patient_desk_holds_no_private_key_at_all(demo_kiosk: Kiosk) -> None:
    desk = demo_kiosk.patient_desk()
    desk.submit_checkin(example_checkin())
    assert not any(isinstance(obj, RecipientPrivateKey) for obj in _reachable(desk))
    assert not hasattr(desk, "open_record")


def test_a_flagged_patient_is_first_on_the_nurses_table_with_vitals_status(
    demo_kiosk: Kiosk,
) -> None:
    desk = demo_kiosk.patient_desk()
    now = datetime.now(UTC)
    calm = desk.submit_checkin(example_checkin(patient_id="p-calm", submitted_at=now))
    urgent_checkin = example_checkin(
        patient_id="p-urgent", submitted_at=now, phq9=Phq9((0, 0, 0, 0, 0, 0, 0, 0, 1))
    )
    urgent = desk.submit_checkin(urgent_checkin)
    desk.save_draft(example_draft(patient_id="p-left", started_at=now))
    nurse = demo_kiosk.unlock("N100", "246810")
    nurse.record_vitals(example_vitals(checkin_id=calm.record_id, nurse_id="N100"))

    table = nurse.todays_summaries()

    assert [row.record_id for row in table[:2]] == [urgent.record_id, calm.record_id]
    assert table[0].urgent and table[0].highest is Severity.STOP
    assert table[1].vitals_done and not table[0].vitals_done
    assert table[2].kind is RecordKind.DRAFT and table[2].patient_id == "p-left"
    assert table[0].name == urgent_checkin.identity.legal_name


def test_a_draft_leaves_the_table_once_the_patient_submits(demo_kiosk: Kiosk) -> None:
    desk = demo_kiosk.patient_desk()
    now = datetime.now(UTC)
    draft_id = desk.save_draft(example_draft(started_at=now))
    desk.submit_checkin(example_checkin(submitted_at=now), supersedes=draft_id)
    nurse = demo_kiosk.unlock("N100", "246810")
    assert [row.kind for row in nurse.todays_summaries()] == [RecordKind.CHECKIN]


def test_a_check_in_without_a_matching_signature_is_refused_and_nothing_is_stored(
    demo_kiosk: Kiosk,
) -> None:
    desk = demo_kiosk.patient_desk()
    wrong = example_checkin(consent=example_consent(typed_name="Someone Else"))
    with pytest.raises(KioskError, match="signature.mismatch"):
        desk.submit_checkin(wrong)
    declined = example_checkin(consent=example_consent(accepted=False))
    with pytest.raises(KioskError, match="accepted consent"):
        desk.submit_checkin(declined)
    assert demo_kiosk.store.records() == []


def test_a_declined_consent_is_recorded(demo_kiosk: Kiosk) -> None:
    declined = ConsentDeclined("p-1", "ketamine-infusion", "1", "en", datetime.now(UTC))
    record_id = demo_kiosk.patient_desk().record_consent_declined(declined)
    nurse = demo_kiosk.unlock("N100", "246810")
    assert nurse.open_record(record_id) == declined


def test_a_malformed_record_is_refused_with_the_field_named(demo_kiosk: Kiosk) -> None:
    broken = replace(example_checkin(), submitted_at=datetime(2025, 1, 1))  # naive time
    with pytest.raises(KioskError, match="submitted_at"):
        demo_kiosk.patient_desk().submit_checkin(broken)
    assert demo_kiosk.store.records() == []


def test_a_correction_supersedes_and_an_unknown_target_is_refused(demo_kiosk: Kiosk) -> None:
    desk = demo_kiosk.patient_desk()
    first = desk.submit_checkin(example_checkin())
    fixed = desk.submit_checkin(example_checkin(), supersedes=first.record_id)
    rows = {row.record_id: row for row in demo_kiosk.store.records()}
    assert rows[fixed.record_id].supersedes == first.record_id
    with pytest.raises(KioskError):
        desk.submit_checkin(example_checkin(), supersedes="00000000-0000-4000-8000-000000000000")


def test_wrong_pins_make_the_next_try_wait_even_after_a_restart(demo_kiosk: Kiosk) -> None:
    now = datetime.now(UTC)
    for _ in range(3):
        with pytest.raises(WrongPin):
            demo_kiosk.unlock("N100", "000000", now)
    with pytest.raises(LockedOut) as waiting:
        demo_kiosk.unlock("N100", "000000", now)
    assert waiting.value.until == now + timedelta(seconds=5) and waiting.value.pin_checked

    reopened = Kiosk.open(demo_kiosk.data_dir)
    with pytest.raises(LockedOut):
        reopened.unlock("IT1", "135790", now + timedelta(seconds=4))  # every id waits alike
    assert reopened.unlock("N100", "246810", now + timedelta(seconds=5)).staff_id == "N100"
    reopened.close()


def test_an_unknown_staff_id_is_told_the_same_as_a_wrong_pin(demo_kiosk: Kiosk) -> None:
    with pytest.raises(WrongPin, match="unknown staff id or wrong PIN"):
        demo_kiosk.unlock("N999", "246810")
    with pytest.raises(WrongPin):
        demo_kiosk.unlock("\x1b[31m", "246810")


def test_it_staff_unlock_but_cannot_open_patient_records(demo_kiosk: Kiosk) -> None:
    record_id = demo_kiosk.patient_desk().submit_checkin(example_checkin()).record_id
    it = demo_kiosk.unlock("IT1", "135790")
    assert it.role == "it" and not it.can_read_records
    with pytest.raises(KioskError, match="IT credentials cannot open"):
        it.open_record(record_id)


def test_a_nurse_added_by_it_reads_records_after_any_nurse_unlocks_once(
    demo_kiosk: Kiosk,
) -> None:
    record_id = demo_kiosk.patient_desk().submit_checkin(example_checkin()).record_id
    demo_kiosk.add_staff(NewStaff("N2", "New Nurse", "nurse", "112233"), actor="IT1")
    waiting = demo_kiosk.unlock("N2", "112233")
    with pytest.raises(KioskError, match="pending"):
        waiting.open_record(record_id)

    demo_kiosk.unlock("N100", "246810").lock()
    assert demo_kiosk.unlock("N2", "112233").open_record(record_id) == example_checkin()


def test_a_removed_nurse_cannot_unlock(demo_kiosk: Kiosk) -> None:
    demo_kiosk.remove_staff("N100", actor="IT1")
    with pytest.raises(WrongPin):
        demo_kiosk.unlock("N100", "246810")


def test_lock_drops_the_staff_key(demo_kiosk: Kiosk) -> None:
    record_id = demo_kiosk.patient_desk().submit_checkin(example_checkin()).record_id
    nurse = demo_kiosk.unlock("N100", "246810")
    nurse.lock()
    assert not any(isinstance(obj, RecipientPrivateKey) for obj in _reachable(nurse, 2))
    with pytest.raises(KioskError, match="locked"):
        nurse.open_record(record_id)


def test_opening_a_missing_kiosk_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(KioskError, match="run `kiosk init`"):
        Kiosk.open(tmp_path / "nowhere")


def test_a_broken_clinic_config_is_named_when_the_kiosk_opens(demo_kiosk: Kiosk) -> None:
    config = demo_kiosk.data_dir / "clinic.toml"
    config.write_text("clinic_name = [unclosed\n", "utf-8")
    with pytest.raises(KioskError, match="clinic.toml"):
        Kiosk.open(demo_kiosk.data_dir)


def test_a_kiosk_without_a_clinic_key_keeps_drafts_but_refuses_check_ins(
    tmp_path: Path,
) -> None:
    from tests.store.conftest import CHEAP_SLOTS  # noqa: PLC0415

    kiosk = Kiosk.init(
        tmp_path / "k",
        first_nurse=NewStaff("N1", "Nurse One", "nurse", "482916"),
        keyslot_cost=CHEAP_SLOTS,
    )
    desk: PatientDesk = kiosk.patient_desk()
    desk.save_draft(example_draft())
    with pytest.raises(KioskError, match="enrol it with the clinic server"):
        desk.submit_checkin(example_checkin())
    kiosk.close()


def test_init_refuses_without_a_first_nurse_and_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(KioskError, match="first nurse"):
        Kiosk.init(tmp_path / "k")
    assert not (tmp_path / "k").exists()


def test_the_data_directory_and_secret_are_private(demo_kiosk: Kiosk) -> None:
    assert demo_kiosk.data_dir.stat().st_mode & 0o777 == 0o700
    assert (demo_kiosk.data_dir / "device-secret").stat().st_mode & 0o777 == 0o600


def test_a_pasted_megabyte_pin_is_a_wrong_pin_not_a_hang(demo_kiosk: Kiosk) -> None:
    with pytest.raises(WrongPin):
        demo_kiosk.unlock("N100", "9" * 1_000_000)
    nurse = demo_kiosk.store.get_staff("N100")
    assert nurse is not None and nurse.failed_attempts == 1
