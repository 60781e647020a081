"""Sealing and opening records: the stories the clinic relies on, in both suites."""

from __future__ import annotations

import gc
from datetime import UTC, datetime, timedelta, timezone

import pytest

from kiosk.vault import (
    DeviceSigningKey,
    EnvelopeError,
    RecipientPrivateKey,
    Sealer,
    open_envelope,
    parse_envelope,
    verify_envelope,
)
from kiosk.vault.envelope import MAX_PAYLOAD_BYTES
from tests.vault.conftest import KioskKeys

PAYLOAD = b'{"legal_name":"Ada Example","medications":["lamotrigine 100 mg"]}'


def test_the_clinic_and_the_staff_key_both_read_back_the_exact_payload(keys: KioskKeys) -> None:
    sealed = keys.sealer().seal("checkin", PAYLOAD)
    for reader in (keys.clinic, keys.staff):
        opened = open_envelope(sealed.envelope, reader, keys.device.verify_key())
        assert opened.payload == PAYLOAD
        assert opened.record_id == sealed.record_id
        assert opened.kind == "checkin"
        assert opened.device_id == "kiosk-7"
        assert opened.suite is keys.suite


def test_a_sealed_record_says_what_it_is_in_the_clear_but_not_what_it_holds(
    keys: KioskKeys,
) -> None:
    when = datetime(2026, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=-5)))
    sealed = keys.sealer().seal("checkin", PAYLOAD, created_at=when, schema=3)
    assert sealed.created_at == when
    assert sealed.created_at.tzinfo is UTC
    assert sealed.schema == 3
    assert sealed.device_id == "kiosk-7"
    assert b"Ada Example" not in sealed.envelope
    assert b"lamotrigine" not in sealed.envelope
    header = parse_envelope(sealed.envelope).header
    assert header.created_at == when and header.schema == 3


def test_a_correction_names_the_record_it_supersedes(keys: KioskKeys) -> None:
    first = keys.sealer().seal("vitals", b'{"systolic":120}')
    fix = keys.sealer().seal("vitals", b'{"systolic":125}', supersedes=first.record_id)
    opened = open_envelope(fix.envelope, keys.staff)
    assert opened.supersedes == first.record_id
    assert fix.supersedes == first.record_id


def test_flipping_any_single_byte_is_refused(x25519_keys: KioskKeys) -> None:
    keys = x25519_keys
    sealed = keys.sealer().seal("draft", b"{}")
    verify = keys.device.verify_key()
    for position in range(len(sealed.envelope)):
        damaged = bytearray(sealed.envelope)
        damaged[position] ^= 0x01
        with pytest.raises(EnvelopeError):
            open_envelope(bytes(damaged), keys.staff, verify)


def test_flipping_any_single_byte_of_a_hybrid_envelope_is_refused(hybrid_keys: KioskKeys) -> None:
    keys = hybrid_keys
    sealed = keys.sealer().seal("draft", b"{}")
    verify = keys.device.verify_key()
    for position in range(len(sealed.envelope)):
        damaged = bytearray(sealed.envelope)
        damaged[position] ^= 0x80
        with pytest.raises(EnvelopeError):
            open_envelope(bytes(damaged), keys.clinic, verify)


def test_flipping_a_byte_is_caught_even_without_the_device_key(keys: KioskKeys) -> None:
    # Why: every byte before the signature is either AEAD associated data or ciphertext.
    sealed = keys.sealer().seal("draft", b"{}")
    signature_start = len(sealed.envelope) - 64
    for position in range(0, signature_start, 7):
        damaged = bytearray(sealed.envelope)
        damaged[position] ^= 0x04
        with pytest.raises(EnvelopeError):
            open_envelope(bytes(damaged), keys.staff)


def test_a_ciphertext_moved_onto_another_record_id_is_refused(keys: KioskKeys) -> None:
    sealer = keys.sealer()
    victim = parse_envelope(sealer.seal("checkin", PAYLOAD).envelope)
    decoy = parse_envelope(sealer.seal("checkin", b"{}").envelope)
    # The decoy's header and stanzas, the victim's nonce and ciphertext.
    spliced = decoy.associated_data[:-16] + victim.nonce + victim.associated_data[-4:]
    spliced += victim.ciphertext
    spliced += keys.device.sign(spliced)  # Why: even a re-signed splice must fail to open.
    with pytest.raises(EnvelopeError, match="payload fails authentication"):
        open_envelope(spliced, keys.staff, keys.device.verify_key())


def test_a_stanza_moved_onto_another_record_id_is_refused(keys: KioskKeys) -> None:
    sealer = keys.sealer()
    victim = parse_envelope(sealer.seal("checkin", PAYLOAD).envelope)
    other = parse_envelope(sealer.seal("checkin", PAYLOAD).envelope)
    stanzas = b"".join(s.key_id + s.sealed_key for s in victim.stanzas)
    tail = other.associated_data[len(other.header_block) + 1 + len(stanzas) :]
    spliced = other.header_block + bytes([len(victim.stanzas)]) + stanzas + tail
    spliced += victim.ciphertext
    spliced += keys.device.sign(spliced)
    with pytest.raises(EnvelopeError, match="data key does not open"):
        open_envelope(spliced, keys.staff, keys.device.verify_key())


def test_a_key_the_record_was_not_sealed_to_is_told_so(keys: KioskKeys) -> None:
    sealed = keys.sealer().seal("checkin", PAYLOAD)
    stranger = RecipientPrivateKey.generate(keys.suite)
    with pytest.raises(EnvelopeError, match="not sealed to this key"):
        open_envelope(sealed.envelope, stranger)


def test_a_record_signed_by_another_kiosk_is_refused(keys: KioskKeys) -> None:
    sealed = keys.sealer().seal("checkin", PAYLOAD)
    impostor = DeviceSigningKey.generate().verify_key()
    with pytest.raises(EnvelopeError, match="device signature does not verify"):
        verify_envelope(parse_envelope(sealed.envelope), impostor)


def test_every_truncation_is_refused_with_the_place_it_stopped(x25519_keys: KioskKeys) -> None:
    sealed = x25519_keys.sealer().seal("draft", b"{}")
    for length in range(len(sealed.envelope)):
        with pytest.raises(EnvelopeError, match="truncated|magic"):
            parse_envelope(sealed.envelope[:length])


def test_trailing_bytes_an_unknown_version_and_a_foreign_file_are_refused(
    x25519_keys: KioskKeys,
) -> None:
    envelope = x25519_keys.sealer().seal("draft", b"{}").envelope
    with pytest.raises(EnvelopeError, match="unexpected bytes"):
        parse_envelope(envelope + b"\x00")
    with pytest.raises(EnvelopeError, match="version 2 is not supported"):
        parse_envelope(envelope[:4] + b"\x02" + envelope[5:])
    with pytest.raises(EnvelopeError, match="not a kiosk envelope"):
        parse_envelope(b"%PDF-1.7" + envelope)


def test_a_payload_over_one_mebibyte_is_refused_when_sealing(x25519_keys: KioskKeys) -> None:
    sealer = x25519_keys.sealer()
    sealer.seal("checkin", b"x" * MAX_PAYLOAD_BYTES)
    with pytest.raises(EnvelopeError, match="limit"):
        sealer.seal("checkin", b"x" * (MAX_PAYLOAD_BYTES + 1))


def test_a_huge_input_is_refused_before_parsing() -> None:
    with pytest.raises(EnvelopeError, match="limit"):
        parse_envelope(b"KENV\x01" + b"\x00" * (3 * 1024 * 1024))


def test_a_header_in_a_non_canonical_spelling_is_refused(x25519_keys: KioskKeys) -> None:
    envelope = parse_envelope(x25519_keys.sealer().seal("draft", b"{}").envelope)
    body = envelope.header_block[7:]
    spaced = body.replace(b'","', b'", "', 1)
    assert len(spaced) == len(body) + 1
    forged = b"KENV\x01" + len(spaced).to_bytes(2, "big") + spaced
    rest = envelope.signed_bytes[len(envelope.header_block) :] + envelope.signature
    with pytest.raises(EnvelopeError, match="canonical"):
        parse_envelope(forged + rest)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kind", "Check In"),
        ("kind", "\x1b[31mred"),
        ("record_id", "not-a-uuid"),
        ("supersedes", "0B8E5F3A-6C1D-4E2F-9A7B-3C4D5E6F7A8B"),
        ("schema", 0),
    ],
)
def test_bad_header_values_are_refused_when_sealing(
    x25519_keys: KioskKeys, field: str, value: object
) -> None:
    arguments: dict[str, object] = {"record_id": None, "supersedes": None, "schema": 1}
    kind = "checkin"
    if field == "kind":
        kind = str(value)
    else:
        arguments[field] = value
    with pytest.raises(EnvelopeError, match=field):
        x25519_keys.sealer().seal(kind, b"{}", **arguments)  # type: ignore[arg-type]


def test_a_time_without_a_zone_is_refused(x25519_keys: KioskKeys) -> None:
    with pytest.raises(EnvelopeError, match="timezone"):
        x25519_keys.sealer().seal("checkin", b"{}", created_at=datetime(2026, 3, 1, 9, 30))


def test_a_sealer_refuses_mixed_suites_and_duplicate_recipients(
    hybrid_keys: KioskKeys, x25519_keys: KioskKeys
) -> None:
    device = hybrid_keys.device
    with pytest.raises(EnvelopeError, match="same suite"):
        Sealer("k", device, [hybrid_keys.clinic.public_key(), x25519_keys.clinic.public_key()])
    with pytest.raises(EnvelopeError, match="twice"):
        Sealer("k", device, [hybrid_keys.clinic.public_key(), hybrid_keys.clinic.public_key()])
    with pytest.raises(EnvelopeError, match="recipients"):
        Sealer("k", device, [])


def _reachable(root: object) -> list[object]:
    """Every object reachable from `root` through references the garbage collector sees."""
    seen: dict[int, object] = {}
    stack = [root]
    while stack:
        item = stack.pop()
        if id(item) in seen or isinstance(item, type):
            continue
        seen[id(item)] = item
        stack.extend(gc.get_referents(item))
        for slot in getattr(type(item), "__slots__", ()):
            if hasattr(item, slot):
                stack.append(getattr(item, slot))
    return list(seen.values())


def test_the_patient_side_sealer_holds_nothing_that_opens_a_record(keys: KioskKeys) -> None:
    sealer = keys.sealer()
    sealed = sealer.seal("checkin", PAYLOAD)
    reachable = _reachable(sealer)
    assert not any(isinstance(item, RecipientPrivateKey) for item in reachable)
    private_bytes = {keys.clinic.to_bytes()[5:], keys.staff.to_bytes()[5:]}
    assert not any(isinstance(item, bytes) and item in private_bytes for item in reachable)
    assert not any(PAYLOAD in item for item in reachable if isinstance(item, bytes))
    assert not hasattr(sealer, "open")
    assert sealed.envelope not in [item for item in reachable if isinstance(item, bytes)]
