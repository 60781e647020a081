"""Hostile bytes: every vault parser answers with its own documented error, never another one.

Example counts come from the hypothesis profile: CI-sized by default, unbounded under
`make fuzz` (HYPOTHESIS_PROFILE=fuzz).
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.vault import (
    DeviceSigningKey,
    DeviceVerifyKey,
    EnvelopeError,
    EnvelopeSuite,
    KeyFormatError,
    KeyslotError,
    RecipientPrivateKey,
    RecipientPublicKey,
    StaffKeyslot,
    WrongPin,
    complete_pending,
    create_keyslot,
    create_pending_keyslot,
    open_envelope,
    parse_envelope,
    unlock_keyslot,
)
from tests.vault.conftest import QUICK_COST, make_keys

pytestmark = pytest.mark.fuzz

KEYS = make_keys(EnvelopeSuite.X25519)
HYBRID = make_keys(EnvelopeSuite.MLKEM768_X25519)
ENVELOPES = [
    KEYS.sealer().seal("checkin", b'{"a":1}').envelope,
    HYBRID.sealer().seal("draft", b"", supersedes="0b8e5f3a-6c1d-4e2f-9a7b-3c4d5e6f7a8b").envelope,
]
SLOTS = [
    create_keyslot("N100", "nurse", "246810", KEYS.staff, cost=QUICK_COST),
    create_keyslot("IT1", "it", "246810", None, cost=QUICK_COST),
    complete_pending(create_pending_keyslot("N300", "246810", cost=QUICK_COST), KEYS.staff),
]
# Bytes 8..8+len(staff id)+6 hold the staff id and Argon2 cost; a mutated cost could ask for
# a gigabyte, so unlock only mutants whose cost is untouched (parsing is checked for all).
COST_END = {slot: 8 + slot[7] + 6 for slot in SLOTS}


@st.composite
def mutated(draw: st.DrawFn, originals: list[bytes]) -> bytes:
    """A valid original with a few bytes replaced, inserted, deleted, or cut off."""
    data = bytearray(draw(st.sampled_from(originals)))
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(["flip", "insert", "delete", "cut"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if action == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif action == "delete" and data:
            del data[at]
        else:
            del data[at:]
    return bytes(data)


@given(st.binary(max_size=4096) | mutated(ENVELOPES))
def test_any_bytes_parse_as_an_envelope_or_get_an_envelope_error(data: bytes) -> None:
    try:
        parse_envelope(data)
    except EnvelopeError as error:
        assert str(error)


@given(mutated(ENVELOPES))
def test_any_mutant_envelope_opens_to_the_original_or_is_refused(data: bytes) -> None:
    for keys in (KEYS, HYBRID):
        try:
            open_envelope(data, keys.staff, keys.device.verify_key())
        except EnvelopeError:
            continue
        assert data in ENVELOPES  # Why: only an untouched envelope may open.


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)
GOOD_VALUES = {
    "created_at": "2026-03-01T14:05:09.123456Z",
    "device_id": "kiosk-7",
    "kind": "checkin",
    "record_id": "0b8e5f3a-6c1d-4e2f-9a7b-3c4d5e6f7a8b",
    "schema": 1,
    "suite": EnvelopeSuite.X25519.value,
    "supersedes": None,
}
HEADERS = st.fixed_dictionaries(
    {name: st.just(good) | JSON_VALUES for name, good in GOOD_VALUES.items()},
    optional={"extra": JSON_VALUES},
)


@given(HEADERS)
def test_a_made_up_header_gets_an_envelope_error_never_a_crash(fields: dict[str, object]) -> None:
    body = json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()[:1024]
    framed = b"KENV\x01" + len(body).to_bytes(2, "big") + body + b"\x01" + b"\x00" * 300
    with pytest.raises(EnvelopeError):
        parse_envelope(framed)  # Why: even a perfect header is followed by a short stanza here.


@given(st.binary(max_size=3000) | mutated(SLOTS))
def test_any_bytes_parse_as_a_keyslot_or_get_a_keyslot_error(data: bytes) -> None:
    try:
        StaffKeyslot.from_bytes(data)
    except KeyslotError as error:
        assert str(error)


@given(mutated(SLOTS), st.sampled_from(["N100", "IT1", "N300"]), st.text(max_size=20))
def test_unlocking_a_mutant_slot_gives_a_credential_or_a_documented_error(
    data: bytes, staff_id: str, pin: str
) -> None:
    original = next((s for s in SLOTS if data[: COST_END[s]] == s[: COST_END[s]]), None)
    if original is None:
        return
    try:
        unlock_keyslot(data, staff_id, pin)
    except (KeyslotError, WrongPin) as error:
        assert str(error)


PARSERS = [
    RecipientPublicKey.from_bytes,
    RecipientPrivateKey.from_bytes,
    DeviceVerifyKey.from_bytes,
    DeviceSigningKey.from_bytes,
]
KEY_BYTES = [
    KEYS.clinic.public_key().to_bytes(),
    HYBRID.clinic.public_key().to_bytes(),
    KEYS.clinic.to_bytes(),
    HYBRID.clinic.to_bytes(),
    KEYS.device.to_bytes(),
    KEYS.device.verify_key().to_bytes(),
]


@given(st.sampled_from(PARSERS), st.binary(max_size=1400) | mutated(KEY_BYTES))
def test_any_bytes_parse_as_a_key_or_get_a_key_format_error(parser: object, data: bytes) -> None:
    assert callable(parser)
    try:
        parser(data)
    except KeyFormatError as error:
        assert str(error)
