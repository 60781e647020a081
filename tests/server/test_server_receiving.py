"""Stories of a real clinic server on loopback receiving records from kiosks (SQLite and
PostgreSQL): every record stored once, every refusal named, nothing stored from a refusal."""

from __future__ import annotations

import pytest
from clinic_server_harness import KioskDouble, RunningServer, ServerHome
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from kiosk.vault import DeviceSigningKey
from sync import wire
from sync.server.schema import SCHEMA_VERSION, envelopes


def stored_count(home: ServerHome, device: KioskDouble) -> int:
    """How many records of this kiosk the clinic database holds."""
    url = make_url(home.db_url)
    if url.get_backend_name() == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            query = select(func.count()).where(envelopes.c.device_id == device.device_id)
            return int(conn.execute(query).scalar_one())
    finally:
        engine.dispose()


def test_a_kiosk_delivers_check_ins_and_vitals_once_even_when_it_sends_them_twice(
    kiosk: KioskDouble, server_home: ServerHome
) -> None:
    checkin = kiosk.seal_checkin()
    vitals = kiosk.seal_vitals(checkin.record_id)
    assert kiosk.statuses([checkin.envelope, vitals.envelope]) == ["accepted", "accepted"]
    assert kiosk.statuses([checkin.envelope, vitals.envelope]) == ["duplicate", "duplicate"]
    assert stored_count(server_home, kiosk) == 2


def test_the_same_record_id_with_other_bytes_is_a_conflict_and_the_first_stays(
    kiosk: KioskDouble, server_home: ServerHome
) -> None:
    first = kiosk.seal_checkin()
    other = kiosk.sealer.seal("checkin", b'{"other":1}', record_id=first.record_id)
    assert kiosk.statuses([first.envelope]) == ["accepted"]
    answer = wire.BatchAnswer.from_json(kiosk.send([other.envelope]).content)
    assert answer.results[0].status is wire.RecordStatus.CONFLICT
    assert "already stored" in (answer.results[0].reason or "")
    assert kiosk.statuses([first.envelope]) == ["duplicate"]
    assert stored_count(server_home, kiosk) == 1


def test_one_tampered_envelope_is_rejected_and_the_rest_of_the_batch_arrives(
    kiosk: KioskDouble, server_home: ServerHome
) -> None:
    good, bad = kiosk.seal_checkin(), kiosk.seal_checkin()
    flipped = bytearray(bad.envelope)
    flipped[len(flipped) // 2] ^= 0x01
    answer = wire.BatchAnswer.from_json(kiosk.send([good.envelope, bytes(flipped)]).content)
    assert [r.status.value for r in answer.results] == ["accepted", "rejected"]
    assert answer.results[1].code in ("bad_envelope_signature", "malformed_envelope")
    assert stored_count(server_home, kiosk) == 1


def test_a_record_signed_by_another_kiosk_is_refused_as_foreign(
    kiosk: KioskDouble, server: RunningServer, server_home: ServerHome
) -> None:
    other = KioskDouble(server.url, server_home.clinic_key())
    stolen = other.seal_checkin()
    answer = wire.BatchAnswer.from_json(kiosk.send([stolen.envelope]).content)
    assert answer.results[0].status is wire.RecordStatus.REJECTED
    assert answer.results[0].code == "foreign_device"
    assert stored_count(server_home, other) == 0


def test_a_record_not_sealed_to_this_clinic_is_refused(
    kiosk: KioskDouble, server_home: ServerHome
) -> None:
    from kiosk.vault import RecipientPrivateKey, Sealer

    stranger = RecipientPrivateKey.generate().public_key()
    sealed = Sealer(kiosk.device_id, kiosk.device_key, [stranger]).seal("checkin", b"{}")
    answer = wire.BatchAnswer.from_json(kiosk.send([sealed.envelope]).content)
    assert answer.results[0].code == "not_sealed_to_clinic"
    assert stored_count(server_home, kiosk) == 0


def _refusal(response: object) -> wire.Refusal:
    import httpx

    assert isinstance(response, httpx.Response)
    return wire.Refusal.from_json(response.content)


def test_an_unknown_kiosk_is_refused_and_nothing_is_stored(
    server: RunningServer, server_home: ServerHome
) -> None:
    stranger = KioskDouble(server.url, server_home.clinic_key())
    response = stranger.send([stranger.seal_checkin().envelope])
    assert response.status_code == 401
    assert _refusal(response).code == "unknown_device"
    assert stored_count(server_home, stranger) == 0


def test_a_revoked_kiosk_is_refused_at_once(kiosk: KioskDouble, server_home: ServerHome) -> None:
    assert server_home.cli("revoke", kiosk.device_id) == 0
    response = kiosk.send([kiosk.seal_checkin().envelope])
    assert response.status_code == 403
    assert _refusal(response).code == "revoked_device"
    assert stored_count(server_home, kiosk) == 0


def test_a_kiosk_with_a_wrong_clock_is_told_the_server_time(
    kiosk: KioskDouble, server_home: ServerHome
) -> None:
    body = wire.encode_batch([kiosk.seal_checkin().envelope])
    headers = wire.sign_request(
        kiosk.device_key, kiosk.device_id, "POST", wire.PATH_BATCH, body, timestamp=1_000_000
    )
    headers["Content-Type"] = wire.BATCH_CONTENT_TYPE
    response = kiosk.http.post(wire.PATH_BATCH, content=body, headers=headers)
    refusal = _refusal(response)
    assert (response.status_code, refusal.code) == (401, "stale_timestamp")
    assert refusal.server_time > 1_700_000_000
    assert stored_count(server_home, kiosk) == 0


def test_a_replayed_request_is_refused(kiosk: KioskDouble, server_home: ServerHome) -> None:
    body = wire.encode_batch([kiosk.seal_checkin().envelope])
    headers = wire.sign_request(kiosk.device_key, kiosk.device_id, "POST", wire.PATH_BATCH, body)
    headers["Content-Type"] = wire.BATCH_CONTENT_TYPE
    assert kiosk.http.post(wire.PATH_BATCH, content=body, headers=headers).status_code == 200
    replay = kiosk.http.post(wire.PATH_BATCH, content=body, headers=headers)
    assert (replay.status_code, _refusal(replay).code) == (409, "replayed_nonce")
    assert stored_count(server_home, kiosk) == 1


def test_a_request_signed_with_another_key_is_refused(
    kiosk: KioskDouble, server_home: ServerHome
) -> None:
    body = wire.encode_batch([kiosk.seal_checkin().envelope])
    impostor = DeviceSigningKey.generate()
    headers = wire.sign_request(impostor, kiosk.device_id, "POST", wire.PATH_BATCH, body)
    headers["Content-Type"] = wire.BATCH_CONTENT_TYPE
    response = kiosk.http.post(wire.PATH_BATCH, content=body, headers=headers)
    assert (response.status_code, _refusal(response).code) == (401, "bad_signature")
    assert stored_count(server_home, kiosk) == 0


@pytest.mark.parametrize(
    "body", [b"", b"CSB1", b"<html>captive</html>", wire.encode_batch([b"x"]) + b"tail"]
)
def test_a_malformed_batch_body_is_refused_by_name(
    kiosk: KioskDouble, server_home: ServerHome, body: bytes
) -> None:
    response = kiosk.signed("POST", wire.PATH_BATCH, body, wire.BATCH_CONTENT_TYPE)
    assert (response.status_code, _refusal(response).code) == (400, "malformed_body")
    assert stored_count(server_home, kiosk) == 0


def test_an_over_size_body_is_refused_with_413_and_the_limit(
    kiosk: KioskDouble, server_home: ServerHome
) -> None:
    health = kiosk.http.get(wire.PATH_HEALTH)
    limit = int(health.headers[wire.HEADER_MAX_BODY])
    assert health.json()["max_body_bytes"] == limit
    response = kiosk.signed("POST", wire.PATH_BATCH, b"\0" * (limit + 1), wire.BATCH_CONTENT_TYPE)
    refusal = _refusal(response)
    assert (response.status_code, refusal.code, refusal.max_body_bytes) == (
        413,
        "body_too_large",
        limit,
    )
    assert stored_count(server_home, kiosk) == 0


def test_an_enrolment_code_works_once(server: RunningServer, server_home: ServerHome) -> None:
    code = server_home.enrolment_code()
    first = KioskDouble(server.url, server_home.clinic_key())
    answer = first.enrol(code)
    assert answer.status_code == 200
    pinned = wire.EnrolmentAnswer.from_json(answer.content)
    assert pinned.clinic_key == server_home.clinic_key().to_bytes()
    second = KioskDouble(server.url, server_home.clinic_key())
    refused = second.enrol(code)
    assert (refused.status_code, _refusal(refused).code) == (403, "enrolment_code_invalid")
    assert "already used" in _refusal(refused).reason


def test_an_enrolled_kiosk_pulls_a_configuration_it_can_verify(
    kiosk: KioskDouble, server_home: ServerHome
) -> None:
    answer = kiosk.signed("GET", wire.PATH_CONFIG)
    assert answer.status_code == 200
    config_key = (server_home.home / "config-signing.key").read_bytes()
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    public = Ed25519PrivateKey.from_private_bytes(config_key).public_key().public_bytes_raw()
    document = wire.SignedConfig.from_json(answer.content).verify(public)
    assert document.version == 1


def test_the_audit_chain_must_continue_without_gaps_or_rewrites(kiosk: KioskDouble) -> None:
    links = [
        wire.AuditLink(1, "h1", "0" * 64),
        wire.AuditLink(2, "h2", "h1"),
    ]
    sent = kiosk.signed("POST", wire.PATH_AUDIT, wire.encode_audit_links(links))
    assert wire.AuditAnswer.from_json(sent.content).through_seq == 2
    gap = kiosk.signed(
        "POST", wire.PATH_AUDIT, wire.encode_audit_links([wire.AuditLink(4, "h4", "h3")])
    )
    assert (gap.status_code, _refusal(gap).code) == (409, "audit_discontinuity")
    assert "missing" in _refusal(gap).reason
    rewritten = [wire.AuditLink(2, "forged", "h1")]
    forged = kiosk.signed("POST", wire.PATH_AUDIT, wire.encode_audit_links(rewritten))
    assert "rewritten" in _refusal(forged).reason
    resent = kiosk.signed("POST", wire.PATH_AUDIT, wire.encode_audit_links(links))
    assert resent.status_code == 200


def test_schema_is_created_once_by_migrations(server_home: ServerHome) -> None:
    url = make_url(server_home.db_url)
    if url.get_backend_name() == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    engine = create_engine(url)
    with engine.connect() as conn:
        versions = conn.execute(text("SELECT version FROM schema_version")).scalars().all()
    engine.dispose()
    assert versions == list(range(1, SCHEMA_VERSION + 1))
