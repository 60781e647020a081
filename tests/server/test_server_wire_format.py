"""The wire format: a signed request verifies, and every tampering or garbage is named."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from sync import wire
from sync.wire import WireError


def _raw_public(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes_raw()


def test_a_signed_batch_request_verifies_on_the_server_side() -> None:
    key = Ed25519PrivateKey.generate()
    body = wire.encode_batch([b"one", b"two"])
    headers = wire.sign_request(key, "kiosk-1", "POST", wire.PATH_BATCH, body)
    signed = wire.verify_request(_raw_public(key), "POST", wire.PATH_BATCH, headers, body)
    assert signed.device_id == "kiosk-1"
    assert wire.decode_batch(body) == [b"one", b"two"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", wire.PATH_BATCH, b"x"),
        ("POST", wire.PATH_CONFIG, b"x"),
        ("POST", wire.PATH_BATCH, b"y"),
    ],
)
def test_changing_method_path_or_body_breaks_the_signature(
    method: str, path: str, body: bytes
) -> None:
    key = Ed25519PrivateKey.generate()
    headers = wire.sign_request(key, "kiosk-1", "POST", wire.PATH_BATCH, b"x")
    with pytest.raises(WireError) as refused:
        wire.verify_request(_raw_public(key), method, path, headers, body)
    assert refused.value.code == "bad_signature"


def test_a_kiosk_with_a_slow_clock_is_told_it_is_stale() -> None:
    key = Ed25519PrivateKey.generate()
    headers = wire.sign_request(key, "kiosk-1", "GET", wire.PATH_CONFIG, timestamp=1000)
    with pytest.raises(WireError) as refused:
        wire.verify_request(_raw_public(key), "GET", wire.PATH_CONFIG, headers, b"", now=5000)
    assert refused.value.code == "stale_timestamp"
    assert refused.value.status == 401


def test_missing_header_is_named() -> None:
    with pytest.raises(WireError) as refused:
        wire.read_signed_headers({wire.HEADER_DEVICE: "k"})
    assert "X-Clinic-Timestamp" in refused.value.reason


def test_a_signed_configuration_verifies_only_with_its_key() -> None:
    key = Ed25519PrivateKey.generate()
    document = wire.ClinicConfigDocument(3, "2026-01-01T00:00:00Z", "[clinic]\nname='x'\n")
    signed = wire.SignedConfig.sign(document, key)
    again = wire.SignedConfig.from_json(wire.dump_json(signed.to_json()))
    assert again.verify(_raw_public(key)) == document
    with pytest.raises(WireError):
        again.verify(_raw_public(Ed25519PrivateKey.generate()))


def test_a_queue_file_round_trips_and_a_batch_body_is_not_a_queue_file() -> None:
    data = wire.encode_queue_file([b"a" * 10, b"b"])
    assert wire.decode_queue_file(data) == [b"a" * 10, b"b"]
    with pytest.raises(WireError):
        wire.decode_queue_file(wire.encode_batch([b"a"]))


def test_a_captive_portal_page_is_not_a_batch_answer() -> None:
    with pytest.raises(WireError) as refused:
        wire.BatchAnswer.from_json(b"<html><body>Welcome to Clinic WiFi</body></html>")
    assert refused.value.code == "malformed_body"


@pytest.mark.fuzz
@settings(max_examples=300)
@given(st.binary(max_size=200))
def test_any_bytes_as_a_batch_are_split_or_refused_by_name(data: bytes) -> None:
    for candidate in (data, wire.BATCH_MAGIC + data):
        try:
            wire.decode_batch(candidate)
        except WireError as refused:
            assert refused.code == "malformed_body"


@pytest.mark.fuzz
@settings(max_examples=300)
@given(st.binary(max_size=200))
def test_any_bytes_as_json_answers_are_parsed_or_refused_by_name(data: bytes) -> None:
    for parse in (
        wire.BatchAnswer.from_json,
        wire.Refusal.from_json,
        wire.EnrolmentRequest.from_json,
        wire.EnrolmentAnswer.from_json,
        wire.SignedConfig.from_json,
        wire.decode_audit_links,
    ):
        try:
            parse(data)
        except WireError:
            pass
