"""A chair's entries sync like any record: a real clinic server on loopback receives each one,
stores it once even when it arrives twice, and opens it with the clinic key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from clinic_harness import PASSPHRASE, ClinicServer, engine_for, kiosk_hashes

from kiosk.desk.chair_desk import ChairDesk
from kiosk.desk.enrolment import EnrolmentResult
from kiosk.desk.facade import Kiosk
from kiosk.intake.chair.records import CHAIR_RECORD_KINDS, InfusionOrder, PhysicalExam
from kiosk.intake.codec import from_payload
from kiosk.vault import open_envelope
from sync.client.engine import SyncOutcome
from sync.client.queue_export import export_queue
from sync.server.clinic_keys import unlock_clinic_key
from tests.chair_examples import exam_items, order_fields
from tests.chair_seating import NURSE, NURSE_PIN, cleared_patient

CHAIR_KINDS = tuple(CHAIR_RECORD_KINDS.values())


def test_a_chair_entry_arrives_at_the_clinic_once_even_when_sent_twice(
    kiosk: Kiosk, clinic_server: ClinicServer, enrolment: EnrolmentResult, tmp_path: Path
) -> None:
    seated = cleared_patient(kiosk)
    now = datetime.now(UTC)
    desk = ChairDesk(kiosk.unlock(NURSE, NURSE_PIN))
    at = now - timedelta(minutes=2)
    common = {"checkin_id": seated.checkin_id, "nurse_id": NURSE, "happened_at": at}
    exam = PhysicalExam(**common, entered_at=at, items=exam_items(kiosk.config))
    order = InfusionOrder(
        **common,
        entered_at=at,
        **order_fields(weight_kg=seated.weight_kg, vitals_id=seated.vitals_id),
    )
    ids = [desk.write(exam, now), desk.write(order, now)]
    # The same envelopes reach the server twice: once carried by hand (the sealed queue's
    # export, imported by IT), then by the kiosk's own sync.
    export = tmp_path / "queue.csq"
    export_queue(kiosk.store, export)
    clinic_server.admin("import", str(export))

    report = engine_for(kiosk).run_once(force=True)

    assert report.outcome is SyncOutcome.DELIVERED, report.error
    assert report.quarantined == 0
    chair_hashes = kiosk_hashes(kiosk, CHAIR_KINDS)
    assert set(chair_hashes) == set(ids)
    stored = clinic_server.stored(kiosk)
    assert {record_id: stored[record_id] for record_id in ids} == chair_hashes
    assert sum(1 for item in clinic_server.envelopes() if item.record_id in ids) == 2
    clinic_key = unlock_clinic_key(clinic_server.home, PASSPHRASE)
    opened = {
        item.record_id: from_payload(open_envelope(item.envelope, clinic_key).payload)
        for item in clinic_server.envelopes()
        if item.record_id in ids
    }
    assert opened == {ids[0]: exam, ids[1]: order}
    rows = {row.record_id: row.state for row in kiosk.store.records()}
    assert all(rows[record_id] == "acked" for record_id in ids)
