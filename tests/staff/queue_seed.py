"""A day of 1,000 check-ins for the queue test and bench/queue_open.py.

Every record is really sealed and stored by the kiosk's own `RecordWriter` (HPKE to the clinic
and staff keys, device signature, summary digest); only the screening is skipped for the first
999, which share one encoded check-in with their own names in the digest. The last one goes
through the patient desk in full, so opening it shows exactly that patient.
"""

from __future__ import annotations

from datetime import date

from kiosk.desk.facade import Kiosk
from kiosk.desk.record_writing import EncodedRecord, RecordWriter
from kiosk.intake.records import RecordKind
from kiosk.store.nurse_table import RecordDigest
from tests.staff.conftest import checkin_for

LAST_NAME = "Lena Last-Patient"


def seed_queue(kiosk: Kiosk, count: int) -> str:
    """Store `count` of today's check-ins; returns the record id of the last one."""
    writer = RecordWriter(kiosk)
    shared = EncodedRecord.of(checkin_for("Queue Patient", "p-queue"))
    for number in range(count - 1):
        digest = RecordDigest(
            kind=RecordKind.CHECKIN,
            patient_id=f"p-{number:04d}",
            legal_name=f"Patient {number:04d}",
            preferred_name=None,
            date_of_birth=date(1970 + number % 40, 1 + number % 12, 1 + number % 28),
        )
        writer.write(
            shared, digest, None, to_clinic=True, action="checkin.submitted", actor="patient"
        )
    return kiosk.patient_desk().submit_checkin(checkin_for(LAST_NAME, "p-last")).record_id
