"""The chair's entries through the kiosk's application layer: each checked, sealed, signed,
queued for the clinic and audited; read back by another nurse's shift; the board opening each
record once; the instructions in the patient's language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from kiosk.desk.chair_desk import ChairDesk, ChairEntryRefused
from kiosk.desk.facade import Kiosk
from kiosk.intake.chair.log import InfusionStatus
from kiosk.intake.chair.records import (
    ChairLogRecord,
    ChairVitals,
    InfusionOrder,
    InfusionStart,
    PhysicalExam,
    Rate,
    RateChange,
    RateUnit,
)
from kiosk.store import OutboxState
from tests.chair_examples import exam_items, order_fields, vitals_fields
from tests.chair_seating import NURSE, NURSE_PIN, SeatedPatient, cleared_patient


def entry(
    seated: SeatedPatient, record_type: type[ChairLogRecord], at: datetime, **fields: Any
) -> Any:
    return record_type(
        checkin_id=seated.checkin_id, nurse_id=NURSE, happened_at=at, entered_at=at, **fields
    )


def started(kiosk: Kiosk, desk: ChairDesk, seated: SeatedPatient, at: datetime) -> list[str]:
    """Exam, order (0.5 mg/kg/h), vitals and start, `at` being the start."""
    order = order_fields(weight_kg=seated.weight_kg, vitals_id=seated.vitals_id)
    return [
        desk.write(entry(seated, PhysicalExam, at, items=exam_items(kiosk.config)), at),
        desk.write(entry(seated, InfusionOrder, at, **order), at),
        desk.write(entry(seated, ChairVitals, at, **vitals_fields()), at),
        desk.write(entry(seated, InfusionStart, at), at),
    ]


def test_each_chair_entry_is_sealed_queued_audited_and_read_back_by_another_shift(
    kiosk: Kiosk,
) -> None:
    seated = cleared_patient(kiosk)
    now = datetime.now(UTC)
    desk = ChairDesk(kiosk.unlock(NURSE, NURSE_PIN))
    ids = started(kiosk, desk, seated, now - timedelta(minutes=10))

    rows = {row.record_id: row for row in kiosk.store.records()}
    assert [rows[i].kind for i in ids] == [
        "physical_exam",
        "infusion_order",
        "chair_vitals",
        "infusion_start",
    ]
    assert all(rows[i].state is OutboxState.QUEUED for i in ids)  # on its way to the clinic
    audited = [(e.action, e.record_id) for e in kiosk.store.audit_entries()]
    assert ("chair.infusion_start", ids[3]) in audited
    assert kiosk.store.verify_audit(kiosk.device_verify_key).ok

    other_shift = ChairDesk(kiosk.unlock(NURSE, NURSE_PIN))
    chair = other_shift.chair(seated.checkin_id, now)
    assert chair.course.status is InfusionStatus.RUNNING
    assert chair.rate is not None and str(chair.rate.mg_per_hour) == "36.00"
    assert chair.next_vitals_due == now + timedelta(minutes=5)


def test_an_entry_the_checks_refuse_says_why_and_stores_nothing(kiosk: Kiosk) -> None:
    seated = cleared_patient(kiosk)
    now = datetime.now(UTC)
    desk = ChairDesk(kiosk.unlock(NURSE, NURSE_PIN))
    started(kiosk, desk, seated, now - timedelta(minutes=10))
    stored = len(kiosk.store.records())

    same = entry(
        seated, RateChange, now, rate=Rate(0.5, RateUnit.MG_PER_KG_PER_HOUR), reason="again"
    )
    with pytest.raises(ChairEntryRefused) as refused:
        desk.write(same, now)
    assert refused.value.problem.code == "chair.problem.same_rate"
    assert "already" in str(refused.value)
    assert len(kiosk.store.records()) == stored


def test_a_correction_supersedes_and_the_first_entry_stays_in_the_log(kiosk: Kiosk) -> None:
    seated = cleared_patient(kiosk)
    now = datetime.now(UTC)
    desk = ChairDesk(kiosk.unlock(NURSE, NURSE_PIN))
    ids = started(kiosk, desk, seated, now - timedelta(minutes=10))

    corrected = entry(
        seated, ChairVitals, now - timedelta(minutes=10), **vitals_fields(systolic_mmhg=131)
    )
    new_id = desk.write(corrected, now, supersedes=ids[2])

    rows = {row.record_id: row for row in kiosk.store.records()}
    assert rows[new_id].supersedes == ids[2] and ids[2] in rows
    vitals = ChairDesk(kiosk.unlock(NURSE, NURSE_PIN)).chair(seated.checkin_id, now).vitals
    assert [(record_id, v.systolic_mmhg) for record_id, v in vitals] == [(new_id, 131)]


def test_the_board_opens_each_record_once_and_then_only_new_ones(kiosk: Kiosk) -> None:
    first, second = cleared_patient(kiosk, "Ann Chair"), cleared_patient(kiosk, "Bo Chair")
    now = datetime.now(UTC)
    writer = ChairDesk(kiosk.unlock(NURSE, NURSE_PIN))
    started(kiosk, writer, first, now - timedelta(minutes=20))
    started(kiosk, writer, second, now - timedelta(minutes=5))
    board = ChairDesk(kiosk.unlock(NURSE, NURSE_PIN))

    def opened() -> list[str]:
        return [e.detail for e in kiosk.store.audit_entries() if e.action == "chair.log.opened"]

    rows = board.board(now)
    assert [row.patient.name for row in rows] == ["Ann", "Bo"]  # Ann's vitals are due first
    assert opened() == ["records=8"]
    board.board(now + timedelta(seconds=1))
    assert opened() == ["records=8"]  # nothing new: nothing opened
    writer.write(entry(second, ChairVitals, now, **vitals_fields()), now)
    board.board(now + timedelta(seconds=2))
    assert opened() == ["records=8", "records=1"]


def test_the_instructions_are_in_the_patients_language(kiosk: Kiosk) -> None:
    seated = cleared_patient(kiosk, "Lucía Chair", language="es", driver="Marta Chair")
    desk = ChairDesk(kiosk.unlock(NURSE, NURSE_PIN))
    now = datetime.now(UTC)

    shown = desk.instructions(seated.checkin_id, now)
    assert shown.language == "es"
    assert "no conduzca" in shown.text
    assert desk.patient(seated.checkin_id, now).driver_name == "Marta Chair"


def test_a_locked_shift_writes_nothing(kiosk: Kiosk) -> None:
    seated = cleared_patient(kiosk)
    session = kiosk.unlock(NURSE, NURSE_PIN)
    desk = ChairDesk(session)
    session.lock()
    now = datetime.now(UTC)
    with pytest.raises(Exception, match="locked"):
        desk.write(entry(seated, PhysicalExam, now, items=exam_items(kiosk.config)), now)
