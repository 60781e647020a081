"""Drafts stay on the kiosk: sealed to the staff key only, they wait in state 'draft', are never
sent, and are purged (id and hash kept) once a newer draft, the submitted check-in or the
retention period ends them. A nurse can always resume the latest one."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import kiosk.store.connection as store_connection
from kiosk.desk.errors import KioskError
from kiosk.desk.facade import Kiosk
from kiosk.intake.records import ConsentDeclined, Draft, RecordKind
from kiosk.store import SCHEMA_VERSION, KioskStore, OutboxState
from kiosk.store.schema import MIGRATIONS
from kiosk.vault.keys import DeviceSigningKey
from tests.examples import example_checkin, example_draft
from tests.store.conftest import MakeSealed

NURSE = ("N100", "246810")


def _state(kiosk: Kiosk, record_id: str) -> OutboxState:
    return next(row.state for row in kiosk.store.records() if row.record_id == record_id)


def test_a_draft_waits_on_the_kiosk_and_is_never_due_for_sending(demo_kiosk: Kiosk) -> None:
    draft_id = demo_kiosk.patient_desk().save_draft(example_draft())

    assert _state(demo_kiosk, draft_id) is OutboxState.DRAFT
    assert demo_kiosk.store.outbox_due(datetime.now(UTC) + timedelta(days=1), 100) == []
    assert demo_kiosk.store.counts_by_state()["draft"] == 1
    assert demo_kiosk.store.counts_by_state()["queued"] == 0


def test_each_new_draft_purges_the_one_before_and_the_nurse_resumes_the_latest(
    demo_kiosk: Kiosk,
) -> None:
    desk = demo_kiosk.patient_desk()
    first = desk.save_draft(example_draft())
    later = example_draft(step="mood")
    latest = desk.save_draft(later, supersedes=first)

    assert _state(demo_kiosk, first) is OutboxState.PURGED
    assert _state(demo_kiosk, latest) is OutboxState.DRAFT
    nurse = demo_kiosk.unlock(*NURSE)
    assert nurse.open_record(latest) == later
    with pytest.raises(KioskError, match="purged"):
        nurse.open_record(first)
    rows = nurse.todays_summaries()
    assert [(row.record_id, row.step) for row in rows] == [(latest, "mood")]
    purged = next(row for row in demo_kiosk.store.records() if row.record_id == first)
    assert not purged.has_payload and len(purged.sha256) == 64


def test_the_submitted_check_in_purges_the_patients_draft_in_the_same_commit(
    demo_kiosk: Kiosk,
) -> None:
    desk = demo_kiosk.patient_desk()
    checkin = example_checkin()
    draft_id = desk.save_draft(example_draft(patient_id=checkin.patient_id))
    someone_else = desk.save_draft(example_draft(patient_id="p-someone-else"))

    submitted = desk.submit_checkin(checkin)

    assert _state(demo_kiosk, draft_id) is OutboxState.PURGED
    assert _state(demo_kiosk, someone_else) is OutboxState.DRAFT
    assert _state(demo_kiosk, submitted.record_id) is OutboxState.QUEUED
    actions = [(entry.action, entry.record_id) for entry in demo_kiosk.store.audit_entries()]
    assert ("draft.purged", draft_id) in actions
    assert demo_kiosk.store.verify_audit(demo_kiosk.device_verify_key).ok


def test_a_declined_consent_also_ends_the_patients_draft(demo_kiosk: Kiosk) -> None:
    desk = demo_kiosk.patient_desk()
    draft: Draft = example_draft()
    draft_id = desk.save_draft(draft)
    declined = ConsentDeclined(draft.patient_id, "ketamine-infusion", "1", "en", datetime.now(UTC))
    desk.record_consent_declined(declined)
    assert _state(demo_kiosk, draft_id) is OutboxState.PURGED


def test_a_draft_abandoned_for_longer_than_the_retention_is_purged(demo_kiosk: Kiosk) -> None:
    draft_id = demo_kiosk.patient_desk().save_draft(example_draft())
    store = demo_kiosk.store

    now = datetime.now(UTC)
    assert store.purge_acked(older_than=now - timedelta(hours=24)) == 0
    assert _state(demo_kiosk, draft_id) is OutboxState.DRAFT
    kept = now + timedelta(hours=1)
    assert store.purge_acked(older_than=kept, drafts_older_than=now - timedelta(hours=1)) == 0
    assert store.purge_acked(older_than=now + timedelta(seconds=1)) == 1

    row = next(row for row in store.records() if row.record_id == draft_id)
    assert row.state is OutboxState.PURGED and not row.has_payload
    assert store.verify_audit(demo_kiosk.device_verify_key).ok


def test_the_nurses_table_still_counts_an_unfinished_draft_as_a_draft(demo_kiosk: Kiosk) -> None:
    demo_kiosk.patient_desk().save_draft(example_draft())
    rows = demo_kiosk.unlock(*NURSE).todays_summaries()
    assert [row.kind for row in rows] == [RecordKind.DRAFT]


def test_drafts_queued_or_quarantined_by_older_software_come_home_on_upgrade(
    tmp_path: Path,
    device_key: DeviceSigningKey,
    make_sealed: MakeSealed,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Before version 4 every draft entered the send queue and the server quarantined it."""
    path = tmp_path / "kiosk.db"
    with monkeypatch.context() as previous:
        previous.setattr(store_connection, "MIGRATIONS", MIGRATIONS[:-1])
        previous.setattr(store_connection, "SCHEMA_VERSION", SCHEMA_VERSION - 1)
        old = KioskStore.open(path, signer=device_key.sign)
        drafts = [make_sealed(kind="draft"), make_sealed(kind="draft")]
        checkin = make_sealed()
        for sealed in [*drafts, checkin]:
            old.add_record(sealed, actor="patient", action="saved")
        old.close()
    database = sqlite3.connect(path, isolation_level=None)
    # What the old software did to every draft: queued, and the server's refusal kept.
    database.execute(
        "UPDATE outbox SET state = 'queued' WHERE record_id = ?", [drafts[0].record_id]
    )
    database.execute(
        "UPDATE outbox SET state = 'quarantined', last_error = 'not_sealed_to_clinic'"
        " WHERE record_id = ?",
        [drafts[1].record_id],
    )
    database.close()

    store = KioskStore.open(path, signer=device_key.sign)
    try:
        states = {row.record_id: row.state for row in store.records()}
        assert states[drafts[0].record_id] is OutboxState.DRAFT
        assert states[drafts[1].record_id] is OutboxState.DRAFT
        assert states[checkin.record_id] is OutboxState.QUEUED
        assert [item.record_id for item in store.outbox_due(datetime.now(UTC), 10)] == [
            checkin.record_id
        ]
    finally:
        store.close()
