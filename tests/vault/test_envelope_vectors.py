"""docs/envelope.md's test vectors, checked byte for byte: the test fails if the doc drifts."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kiosk.vault import (
    Argon2Cost,
    DeviceSigningKey,
    DeviceVerifyKey,
    EnvelopeHeader,
    EnvelopeSuite,
    RecipientPrivateKey,
    RecipientPublicKey,
    StaffKeyslot,
    StaffRole,
    open_envelope,
    parse_envelope,
    unlock_keyslot,
    verify_envelope,
)
from kiosk.vault.envelope import stanza_info
from kiosk.vault.keyslots import SlotState, derive_slot_key

DOC = Path(__file__).resolve().parents[2] / "docs" / "envelope.md"


def read_vectors() -> dict[str, str]:
    """The `name: value` lines (hex may continue on indented lines) after '## Test vectors'."""
    section = DOC.read_text(encoding="utf-8").split("## Test vectors", 1)[1]
    vectors: dict[str, str] = {}
    current = ""
    for line in section.splitlines():
        if match := re.fullmatch(r"([a-z0-9_]+):(?: (.*))?", line):
            current = match.group(1)
            assert current not in vectors, f"vector {current} appears twice in the doc"
            vectors[current] = match.group(2) or ""
        elif re.fullmatch(r"  [0-9a-f]+", line):
            vectors[current] += line.strip()
    return vectors


VECTORS = read_vectors()


def hexv(name: str) -> bytes:
    return bytes.fromhex(VECTORS[name])


def test_the_document_lists_every_vector_the_tests_check() -> None:
    expected = {
        "device_signing_key", "device_verify_key", "data_key", "nonce", "payload",
        "nurse_slot", "nurse_slot_kek", "it_slot", "it_slot_kek",
    }  # fmt: skip
    for key in ("clinic_x25519", "staff_x25519", "clinic_hybrid"):
        expected |= {f"{key}_private", f"{key}_public", f"{key}_key_id"}
    for sample in ("x25519", "hybrid"):
        expected |= {
            f"{sample}_{part}"
            for part in ("header_json", "header_block", "info", "aad_length", "ciphertext")
        }
        expected |= {f"{sample}_signature", f"{sample}_envelope"}
    assert set(VECTORS) == expected


def test_the_documented_keys_are_seeds_and_their_public_halves() -> None:
    device = DeviceSigningKey.from_bytes(hexv("device_signing_key"))
    assert device.verify_key().to_bytes() == hexv("device_verify_key")
    assert hexv("device_signing_key")[4:] == bytes(range(0x00, 0x20))
    for name in ("clinic_x25519", "staff_x25519", "clinic_hybrid"):
        private = RecipientPrivateKey.from_bytes(hexv(f"{name}_private"))
        public = RecipientPublicKey.from_bytes(hexv(f"{name}_public"))
        assert private.public_key() == public
        assert public.key_id == hexv(f"{name}_key_id")
        assert (
            hexv(f"{name}_key_id")
            == hashlib.sha256(public.suite.value.encode() + b"\x00" + public.raw).digest()[:16]
        )


SAMPLES = {
    "x25519": (
        EnvelopeHeader(
            record_id="0b8e5f3a-6c1d-4e2f-9a7b-3c4d5e6f7a8b",
            kind="checkin",
            schema=1,
            device_id="kiosk-test-01",
            created_at=datetime(2026, 3, 1, 14, 5, 9, 123456, tzinfo=UTC),
            supersedes=None,
            suite=EnvelopeSuite.X25519,
        ),
        ("clinic_x25519", "staff_x25519"),
    ),
    "hybrid": (
        EnvelopeHeader(
            record_id="5d2c7e91-0f4a-4b63-8e15-a9b8c7d6e5f4",
            kind="vitals",
            schema=1,
            device_id="kiosk-test-01",
            created_at=datetime(2026, 3, 1, 14, 30, tzinfo=UTC),
            supersedes="0b8e5f3a-6c1d-4e2f-9a7b-3c4d5e6f7a8b",
            suite=EnvelopeSuite.MLKEM768_X25519,
        ),
        ("clinic_hybrid",),
    ),
}


@pytest.mark.parametrize("sample", list(SAMPLES))
def test_a_sample_envelope_matches_the_document_byte_for_byte(sample: str) -> None:
    header, readers = SAMPLES[sample]
    envelope_bytes = hexv(f"{sample}_envelope")
    envelope = parse_envelope(envelope_bytes)
    assert envelope.header == header
    assert header.to_json().decode() == VECTORS[f"{sample}_header_json"]
    assert header.block() == envelope.header_block == hexv(f"{sample}_header_block")
    assert stanza_info(header.block()) == hexv(f"{sample}_info")
    assert len(envelope.associated_data) == int(VECTORS[f"{sample}_aad_length"])
    assert envelope_bytes.startswith(envelope.associated_data + envelope.ciphertext)

    payload = VECTORS["payload"].encode()
    recomputed = AESGCM(hexv("data_key")).encrypt(hexv("nonce"), payload, envelope.associated_data)
    assert recomputed == envelope.ciphertext == hexv(f"{sample}_ciphertext")
    assert envelope.nonce == hexv("nonce")

    device = DeviceSigningKey.from_bytes(hexv("device_signing_key"))
    assert device.sign(envelope.signed_bytes) == envelope.signature == hexv(f"{sample}_signature")
    verify_envelope(envelope, DeviceVerifyKey.from_bytes(hexv("device_verify_key")))

    for reader in readers:
        private = RecipientPrivateKey.from_bytes(hexv(f"{reader}_private"))
        stanza = next(s for s in envelope.stanzas if s.key_id == hexv(f"{reader}_key_id"))
        data_key = header.suite.hpke_suite().decrypt(
            stanza.sealed_key, private.hpke_key(), info=hexv(f"{sample}_info")
        )
        assert data_key == hexv("data_key")
        assert open_envelope(envelope_bytes, private, device.verify_key()).payload == payload


@pytest.mark.parametrize(
    ("name", "state", "staff_id", "secret_name"),
    [
        ("nurse_slot", SlotState.STAFF_KEY, "N100", "staff_x25519_private"),
        ("it_slot", SlotState.CREDENTIAL, "IT1", None),
    ],
)
def test_the_keyslot_vectors_rebuild_exactly(
    name: str, state: SlotState, staff_id: str, secret_name: str | None
) -> None:
    cost = Argon2Cost(memory_kib=1024, iterations=1, lanes=1)
    skeleton = StaffKeyslot(
        state, staff_id, cost, bytes(range(0x10, 0x20)), bytes(range(0x30, 0x3C)), None, b""
    )
    kek = derive_slot_key("246810", skeleton.salt, cost)
    assert kek == hexv(f"{name}_kek")
    secret = hexv(secret_name) if secret_name else b""
    wrapped = AESGCM(kek).encrypt(skeleton.nonce, secret, skeleton.bound_bytes())
    assert replace(skeleton, wrapped=wrapped).to_bytes() == hexv(name)

    credential = unlock_keyslot(hexv(name), staff_id, "246810")
    if secret_name:
        assert credential.role is StaffRole.NURSE
        assert credential.staff_key == RecipientPrivateKey.from_bytes(secret)
    else:
        assert credential.role is StaffRole.IT and credential.staff_key is None
