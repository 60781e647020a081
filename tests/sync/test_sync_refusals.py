"""What the clinic server refuses, the kiosk shows with the server's own reason: unknown or
revoked kiosks fail the run and keep every record; a wrong clock is corrected by the measured
offset; a replay is refused; a tampered, foreign or conflicting record is quarantined alone."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import timedelta

import httpx
import pytest
from clinic_harness import ClinicServer, engine_for, kiosk_hashes, submit_checkins

from kiosk.desk.enrolment import EnrolmentResult, enroll
from kiosk.desk.facade import Kiosk
from kiosk.intake.codec import to_payload
from kiosk.store.timestamps import utc_now
from kiosk.vault import DeviceSigningKey, SealedRecord, Sealer
from sync.client.engine import SyncOutcome
from sync.client.pins import ServerPins
from sync.wire import PATH_BATCH
from tests.examples import example_checkin


def _seal_into(kiosk: Kiosk, sealer: Sealer, *, record_id: str | None = None) -> SealedRecord:
    sealed = sealer.seal("checkin", to_payload(example_checkin()), record_id=record_id)
    kiosk.store.add_record(sealed, actor="test", action="checkin.submitted")
    return sealed


def _kiosk_sealer(kiosk: Kiosk) -> Sealer:
    clinic_key = kiosk.clinic_public_key()
    assert clinic_key is not None
    return Sealer(kiosk.kiosk_id, kiosk.device_key, [clinic_key, kiosk.staff_public_key])


def _state(kiosk: Kiosk, record_id: str) -> tuple[str, str | None]:
    [row] = [row for row in kiosk.store.records() if row.record_id == record_id]
    return row.state.value, row.last_error


def test_a_kiosk_the_server_does_not_know_keeps_its_records_and_shows_why(
    kiosk: Kiosk, clinic_server: ClinicServer, own_clinic_server: ClinicServer
) -> None:
    enroll(kiosk, own_clinic_server.url, own_clinic_server.enrolment_code())
    # Pointed at another clinic's server that never enrolled it.
    pins = ServerPins.load(kiosk.store)
    assert pins is not None
    dataclasses.replace(pins, server_url=clinic_server.url).save(kiosk.store)
    submit_checkins(kiosk, 2)
    engine = engine_for(kiosk)

    report = engine.run_once(force=True)

    assert report.outcome is SyncOutcome.FAILED
    assert report.error is not None and "unknown_device" in report.error
    assert engine.status().last_error == report.error
    assert kiosk.store.counts_by_state()["queued"] == 2
    assert clinic_server.stored(kiosk) == {}
    engine.close()


def test_a_revoked_kiosk_is_refused_keeps_its_records_and_says_so(
    kiosk: Kiosk, clinic_server: ClinicServer, enrolment: EnrolmentResult
) -> None:
    submit_checkins(kiosk, 2)
    clinic_server.admin("revoke", kiosk.kiosk_id)
    engine = engine_for(kiosk)

    report = engine.run_once(force=True)

    assert report.outcome is SyncOutcome.FAILED
    assert report.error is not None and "revoked_device" in report.error
    assert kiosk.store.counts_by_state()["queued"] == 2
    assert clinic_server.stored(kiosk) == {}
    # Never a silent give-up: it keeps trying on its backoff, and the status keeps the reason.
    assert engine.status().next_attempt_at is not None
    engine.close()


def test_a_kiosk_with_a_wrong_clock_syncs_using_the_offset_the_server_tells_it(
    kiosk: Kiosk, clinic_server: ClinicServer, enrolment: EnrolmentResult
) -> None:
    submit_checkins(kiosk, 2)
    engine = engine_for(kiosk)
    two_hours_fast = utc_now() + timedelta(hours=2)

    report = engine.run_once(two_hours_fast, force=True)

    assert report.outcome is SyncOutcome.DELIVERED, report.error
    offset = engine.status().clock_offset_s
    assert -7230 < offset < -7170
    assert clinic_server.stored(kiosk) == kiosk_hashes(kiosk)
    submit_checkins(kiosk, 1)
    assert engine.run_once(two_hours_fast + timedelta(minutes=5), force=True).acked == 1
    engine.close()


def test_a_replayed_request_is_refused_and_stores_nothing_new(
    kiosk: Kiosk, clinic_server: ClinicServer, enrolment: EnrolmentResult
) -> None:
    captured: list[httpx.Request] = []

    class Recording(httpx.HTTPTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.path == PATH_BATCH:
                captured.append(request)
            return super().handle_request(request)

    submit_checkins(kiosk, 1)
    engine = engine_for(kiosk, transport=Recording())
    assert engine.run_once(force=True).acked == 1
    engine.close()
    [original] = captured

    replay = httpx.post(
        f"{clinic_server.url}{PATH_BATCH}", content=original.content, headers=original.headers
    )

    assert replay.status_code == 409
    assert replay.json()["error"] == "replayed_nonce"
    assert len(clinic_server.stored(kiosk)) == 1


def test_a_kiosk_repeating_nonces_sees_replayed_nonce_in_its_status(
    kiosk: Kiosk,
    clinic_server: ClinicServer,
    enrolment: EnrolmentResult,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sync.wire.new_nonce", lambda: "0" * 32)
    submit_checkins(kiosk, 1)
    engine = engine_for(kiosk, batch_records=1)
    engine.run_once(force=True)  # the first use of the nonce may pass
    submit_checkins(kiosk, 1)

    report = engine.run_once(force=True)

    assert report.outcome is SyncOutcome.FAILED
    assert report.error is not None and "replayed_nonce" in report.error
    assert "replayed_nonce" in (engine.status().last_error or "")
    engine.close()


def test_a_tampered_record_is_quarantined_with_the_reason_and_the_rest_arrive(
    kiosk: Kiosk, clinic_server: ClinicServer, enrolment: EnrolmentResult
) -> None:
    good = submit_checkins(kiosk, 2)
    sealed = _kiosk_sealer(kiosk).seal("checkin", to_payload(example_checkin()))
    flipped = bytearray(sealed.envelope)
    flipped[len(flipped) // 2] ^= 0x01
    tampered = dataclasses.replace(
        sealed, envelope=bytes(flipped), sha256=hashlib.sha256(flipped).hexdigest()
    )
    kiosk.store.add_record(tampered, actor="test", action="checkin.submitted")
    engine = engine_for(kiosk)

    report = engine.run_once(force=True)

    assert report.acked == 2 and report.quarantined == 1
    state, reason = _state(kiosk, sealed.record_id)
    assert state == "quarantined" and reason is not None and "signature" in reason
    assert set(clinic_server.stored(kiosk)) == set(good)
    engine.close()


def test_a_record_signed_by_another_kiosk_is_quarantined_as_foreign(
    kiosk: Kiosk, clinic_server: ClinicServer, enrolment: EnrolmentResult
) -> None:
    clinic_key = kiosk.clinic_public_key()
    assert clinic_key is not None
    other = Sealer("kiosk-someone-else", DeviceSigningKey.generate(), [clinic_key])
    foreign = _seal_into(kiosk, other)
    engine = engine_for(kiosk)

    report = engine.run_once(force=True)

    assert report.quarantined == 1
    state, reason = _state(kiosk, foreign.record_id)
    assert state == "quarantined" and reason is not None
    assert clinic_server.stored(kiosk) == {}
    engine.close()


def test_the_same_record_id_with_other_bytes_is_quarantined_as_a_conflict(
    kiosk: Kiosk, clinic_server: ClinicServer, enrolment: EnrolmentResult
) -> None:
    [first] = submit_checkins(kiosk, 1)
    engine = engine_for(kiosk)
    engine.run_once(force=True)
    engine.close()
    twin = Kiosk.init(kiosk.data_dir.parent / "twin", demo=True, keyslot_cost=kiosk.keyslot_cost)
    enroll(twin, clinic_server.url, clinic_server.enrolment_code())
    clash = _seal_into(twin, _kiosk_sealer(twin), record_id=first)
    twin_engine = engine_for(twin)

    report = twin_engine.run_once(force=True)

    assert report.quarantined == 1
    state, reason = _state(twin, clash.record_id)
    assert state == "quarantined" and reason is not None and "conflict" in reason
    assert clinic_server.stored(kiosk) == kiosk_hashes(kiosk)
    twin_engine.close()
    twin.close()
