"""End to end with a real clinic server on loopback: what patients and nurses enter at the kiosk
arrives at the clinic once, opens with the clinic key, and the kiosk keeps only proof of it."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from clinic_harness import (
    PASSPHRASE,
    ClinicServer,
    engine_for,
    kiosk_hashes,
    later,
    record_vitals,
    submit_checkins,
)

from kiosk.desk.enrolment import EnrolmentResult, enroll
from kiosk.desk.facade import Kiosk
from kiosk.intake.codec import from_payload
from kiosk.vault import open_envelope
from sync.client.clinic_config import verified_clinic_config
from sync.client.engine import SyncOutcome
from sync.client.pins import ENROLMENT_SETTING
from sync.client.queue_export import export_queue
from sync.server.clinic_keys import unlock_clinic_key
from tests.examples import example_checkin, example_vitals


def test_checkins_and_vitals_arrive_once_and_open_with_the_clinic_key(
    kiosk: Kiosk, clinic_server: ClinicServer, enrolment: EnrolmentResult
) -> None:
    checkin_ids = submit_checkins(kiosk, 3)
    vitals_id = record_vitals(kiosk, checkin_ids[0])

    engine = engine_for(kiosk)
    report = engine.run_once(force=True)

    assert report.outcome is SyncOutcome.DELIVERED, report.error
    assert report.acked == 4
    assert clinic_server.stored(kiosk) == kiosk_hashes(kiosk)
    assert kiosk.store.counts_by_state()["acked"] == 4
    clinic_key = unlock_clinic_key(clinic_server.home, PASSPHRASE)
    opened = {
        item.record_id: from_payload(open_envelope(item.envelope, clinic_key).payload)
        for item in clinic_server.envelopes()
        if item.device_id == kiosk.kiosk_id
    }
    assert all(opened[record_id] == example_checkin() for record_id in checkin_ids)
    assert opened[vitals_id] == example_vitals(checkin_id=checkin_ids[0], nurse_id="N100")
    status = engine.status()
    assert status.last_success_at is not None and status.consecutive_failures == 0
    engine.close()


def test_enrolment_shows_the_fingerprints_it_compares_with_the_server(
    kiosk: Kiosk, clinic_server: ClinicServer, enrolment: EnrolmentResult
) -> None:
    assert enrolment.device_id == kiosk.kiosk_id
    assert enrolment.clinic_key_fingerprint == kiosk.clinic_fingerprint()
    devices = clinic_server.admin("devices")
    assert kiosk.kiosk_id in devices and "active" in devices
    # Plain http on loopback has no certificate to pin; the configuration came along.
    assert enrolment.tls_fingerprint is None
    assert enrolment.config_version is not None and enrolment.config_problem is None


def test_a_kiosk_enrolled_before_the_clinic_key_was_kept_once_still_syncs(
    kiosk: Kiosk, clinic_server: ClinicServer, enrolment: EnrolmentResult
) -> None:
    # Enrolments stored before carry the clinic key (and its fingerprint) in the pins too.
    kept = json.loads(kiosk.store.get_setting(ENROLMENT_SETTING) or "{}")
    clinic_key = kiosk.clinic_public_key()
    assert clinic_key is not None
    kept |= {"clinic_key": clinic_key.to_bytes().hex(), "clinic_key_fingerprint": "ab12 cd34"}
    kiosk.store.set_setting(ENROLMENT_SETTING, json.dumps(kept, sort_keys=True))
    submit_checkins(kiosk, 2)
    engine = engine_for(kiosk)

    report = engine.run_once(force=True)

    assert report.outcome is SyncOutcome.DELIVERED, report.error
    assert len(clinic_server.stored(kiosk)) == 2
    engine.close()


def test_a_second_run_sends_nothing_again(
    kiosk: Kiosk, clinic_server: ClinicServer, enrolment: EnrolmentResult
) -> None:
    submit_checkins(kiosk, 2)
    engine = engine_for(kiosk)
    assert engine.run_once(force=True).acked == 2

    again = engine.run_once(force=True)

    assert again.outcome is SyncOutcome.NOTHING_DUE and again.acked == 0
    assert len(clinic_server.stored(kiosk)) == 2
    engine.close()


def test_the_clinic_configuration_is_pulled_verified_and_its_retention_used(
    kiosk: Kiosk, own_clinic_server: ClinicServer, tmp_path: Path
) -> None:
    enrolment = enroll(kiosk, own_clinic_server.url, own_clinic_server.enrolment_code())
    toml = tmp_path / "clinic.toml"
    toml.write_text("[retention]\nacknowledged_hours = 48\n")
    own_clinic_server.admin("publish-config", str(toml))
    engine = engine_for(kiosk)

    engine.run_once(force=True)

    config = verified_clinic_config(kiosk.store)
    assert config is not None and config.acknowledged_retention_hours == 48
    assert engine.status().config_version == (enrolment.config_version or 0) + 1
    assert engine.retention() == timedelta(hours=48)
    engine.close()


def test_delivered_payloads_are_purged_after_retention_keeping_proof(
    kiosk: Kiosk, clinic_server: ClinicServer, enrolment: EnrolmentResult
) -> None:
    submit_checkins(kiosk, 2)
    engine = engine_for(kiosk)
    engine.run_once(force=True)

    assert engine.purge() == 0  # delivered just now: kept for the retention period
    assert engine.purge(later(minutes=25 * 60)) == 2

    rows = [row for row in kiosk.store.records() if row.kind == "checkin"]
    assert all(row.state == "purged" and not row.has_payload for row in rows)
    assert {row.record_id: row.sha256 for row in rows} == clinic_server.stored(kiosk)
    engine.close()


def test_an_exported_queue_imports_at_the_server_and_later_sync_only_confirms(
    kiosk: Kiosk, clinic_server: ClinicServer, enrolment: EnrolmentResult, tmp_path: Path
) -> None:
    ids = submit_checkins(kiosk, 3)
    export = tmp_path / "usb" / "queue.csq"
    export.parent.mkdir()

    assert export_queue(kiosk.store, export) == 3
    assert export.stat().st_mode & 0o077 == 0
    printed = clinic_server.admin("import", str(export))

    assert "3 accepted" in printed
    assert set(clinic_server.stored(kiosk)) == set(ids)
    engine = engine_for(kiosk)
    report = engine.run_once(force=True)
    assert report.acked == 3 and len(clinic_server.stored(kiosk)) == 3
    engine.close()
