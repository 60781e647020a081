# Over 400 lines: one format's seal, strict parse, verify and open, changed together.
"""The sealed-record envelope, format v1: seal, parse strictly, verify and open.

One envelope holds one record's payload encrypted under a fresh AES-256-GCM data key, that data
key sealed by HPKE to each recipient, and the device's Ed25519 signature over everything. The
byte layout is specified in docs/envelope.md; this module is its only implementation.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import struct
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kiosk.vault.keys import (
    KEY_ID_LENGTH,
    SIGNATURE_LENGTH,
    DeviceSigningKey,
    DeviceVerifyKey,
    EnvelopeSuite,
    RecipientPrivateKey,
    RecipientPublicKey,
)

MAGIC: Final = b"KENV"
VERSION: Final = 1
MAX_HEADER_BYTES: Final = 1024
MAX_RECIPIENTS: Final = 8
MAX_PAYLOAD_BYTES: Final = 1024 * 1024
DATA_KEY_LENGTH: Final = 32
NONCE_LENGTH: Final = 12
TAG_LENGTH: Final = 16
INFO_PREFIX: Final = b"kiosk envelope v1 data key\x00"
MAX_ENVELOPE_BYTES: Final = (
    len(MAGIC)
    + 1
    + 2
    + MAX_HEADER_BYTES
    + 1
    + MAX_RECIPIENTS * (KEY_ID_LENGTH + EnvelopeSuite.MLKEM768_X25519.sealed_key_length)
    + NONCE_LENGTH
    + 4
    + MAX_PAYLOAD_BYTES
    + TAG_LENGTH
    + SIGNATURE_LENGTH
)

_HEADER_FIELDS: Final = frozenset(
    {"created_at", "device_id", "kind", "record_id", "schema", "suite", "supersedes"}
)
_KIND_RE: Final = re.compile(r"[a-z][a-z0-9_]{0,31}")
_DEVICE_ID_RE: Final = re.compile(r"[A-Za-z0-9._-]{1,64}")
_TIME_RE: Final = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})\.([0-9]{6})Z"
)
_U16: Final = struct.Struct(">H")
_U32: Final = struct.Struct(">I")
_CANONICAL_JSON: Final = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=True)
_UUID_RE: Final = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class EnvelopeError(ValueError):
    """An envelope that is malformed, over size, of an unknown version or fails authentication."""


@dataclass(frozen=True)
class EnvelopeHeader:
    """What an envelope says about its record, in the clear and authenticated."""

    record_id: str
    kind: str
    schema: int
    device_id: str
    created_at: datetime
    supersedes: str | None
    suite: EnvelopeSuite

    def __post_init__(self) -> None:
        _check_uuid(self.record_id, "record_id")
        if self.supersedes is not None:
            _check_uuid(self.supersedes, "supersedes")
        if not isinstance(self.kind, str) or not _KIND_RE.fullmatch(self.kind):
            raise EnvelopeError("header field kind: expected 1-32 of a-z, 0-9, _ (letter first)")
        if isinstance(self.schema, bool) or not isinstance(self.schema, int):
            raise EnvelopeError("header field schema: expected an integer")
        if not 1 <= self.schema <= 65535:
            raise EnvelopeError("header field schema: expected 1..65535")
        if not isinstance(self.device_id, str) or not _DEVICE_ID_RE.fullmatch(self.device_id):
            raise EnvelopeError("header field device_id: expected 1-64 of A-Z a-z 0-9 . _ -")
        if self.created_at.tzinfo is None or self.created_at.utcoffset() is None:
            raise EnvelopeError("header field created_at: expected a timezone-aware time")

    def to_json(self) -> bytes:
        """Canonical JSON: sorted keys, no spaces, ASCII only, time as UTC with microseconds."""
        fields = {
            "created_at": format_time(self.created_at),
            "device_id": self.device_id,
            "kind": self.kind,
            "record_id": self.record_id,
            "schema": self.schema,
            "suite": self.suite.value,
            "supersedes": self.supersedes,
        }
        return _CANONICAL_JSON.encode(fields).encode("ascii")

    def block(self) -> bytes:
        """The header block: magic, version, header length, canonical JSON header."""
        body = self.to_json()
        if len(body) > MAX_HEADER_BYTES:
            raise EnvelopeError(f"header is {len(body)} bytes, limit {MAX_HEADER_BYTES}")
        return MAGIC + bytes([VERSION]) + struct.pack(">H", len(body)) + body


@dataclass(frozen=True)
class RecipientStanza:
    """One recipient's copy of the data key: its key id and HPKE enc || sealed data key."""

    key_id: bytes
    sealed_key: bytes


@dataclass(frozen=True)
class Envelope:
    """A parsed envelope: every part split out, nothing decrypted or verified yet."""

    header: EnvelopeHeader
    header_block: bytes
    stanzas: tuple[RecipientStanza, ...]
    nonce: bytes
    ciphertext: bytes
    signed_bytes: bytes
    signature: bytes

    @property
    def associated_data(self) -> bytes:
        """The payload AEAD's associated data: every byte before the ciphertext."""
        return self.signed_bytes[: len(self.signed_bytes) - len(self.ciphertext)]

    @property
    def raw(self) -> bytes:
        return self.signed_bytes + self.signature


@dataclass(frozen=True)
class SealedRecord:
    """A record as the kiosk stores and sends it: the envelope and what it says in the clear."""

    record_id: str
    kind: str
    created_at: datetime
    supersedes: str | None
    envelope: bytes
    sha256: str
    device_id: str
    schema: int


@dataclass(frozen=True)
class OpenedRecord(EnvelopeHeader):
    """A record opened with a recipient's private key: its header's fields and the payload."""

    payload: bytes


def format_time(moment: datetime) -> str:
    """UTC, always four-digit year and six-digit microseconds: 2026-03-01T14:05:09.000000Z."""
    t = moment.astimezone(UTC)
    return (
        f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}"
        f".{t.microsecond:06d}Z"
    )


def stanza_info(header_block: bytes) -> bytes:
    """HPKE `info` for every stanza: binds the data key to this record's header."""
    return INFO_PREFIX + hashlib.sha256(header_block).digest()


class Sealer:
    """Seals records on the patient side. Holds public keys and the device signing key only."""

    __slots__ = ("_device_id", "_device_key", "_recipients", "_suite")

    def __init__(
        self,
        device_id: str,
        device_key: DeviceSigningKey,
        recipients: Sequence[RecipientPublicKey],
    ) -> None:
        if not recipients or len(recipients) > MAX_RECIPIENTS:
            raise EnvelopeError(f"a sealer needs 1..{MAX_RECIPIENTS} recipients")
        suites = {r.suite for r in recipients}
        if len(suites) != 1:
            raise EnvelopeError("all recipients of a sealer must use the same suite")
        if len({r.key_id for r in recipients}) != len(recipients):
            raise EnvelopeError("a recipient is listed twice")
        if not isinstance(device_id, str) or not _DEVICE_ID_RE.fullmatch(device_id):
            raise EnvelopeError("device id: expected 1-64 of A-Z a-z 0-9 . _ -")
        self._device_id = device_id
        self._device_key = device_key
        self._recipients = tuple(recipients)
        self._suite = suites.pop()

    @property
    def device_id(self) -> str:
        return self._device_id

    @property
    def recipients(self) -> tuple[RecipientPublicKey, ...]:
        return self._recipients

    def seal(
        self,
        kind: str,
        payload: bytes,
        *,
        record_id: str | None = None,
        supersedes: str | None = None,
        created_at: datetime | None = None,
        schema: int = 1,
    ) -> SealedRecord:
        """Seal `payload` to every recipient and sign it; a fresh data key and nonce each time."""
        header = EnvelopeHeader(
            record_id=record_id if record_id is not None else str(uuid.uuid4()),
            kind=kind,
            schema=schema,
            device_id=self._device_id,
            created_at=created_at or datetime.now(UTC),
            supersedes=supersedes,
            suite=self._suite,
        )
        data = seal_with_data_key(
            header,
            payload,
            self._recipients,
            self._device_key,
            data_key=AESGCM.generate_key(bit_length=256),
            nonce=os.urandom(NONCE_LENGTH),
        )
        return SealedRecord(
            record_id=header.record_id,
            kind=header.kind,
            created_at=header.created_at.astimezone(UTC),
            supersedes=header.supersedes,
            envelope=data,
            sha256=hashlib.sha256(data).hexdigest(),
            device_id=header.device_id,
            schema=header.schema,
        )


def seal_with_data_key(
    header: EnvelopeHeader,
    payload: bytes,
    recipients: Sequence[RecipientPublicKey],
    device_key: DeviceSigningKey,
    *,
    data_key: bytes,
    nonce: bytes,
) -> bytes:
    """Build envelope bytes with a given data key and nonce (the Sealer draws them at random)."""
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise EnvelopeError(f"payload is {len(payload)} bytes, limit {MAX_PAYLOAD_BYTES}")
    if len(data_key) != DATA_KEY_LENGTH or len(nonce) != NONCE_LENGTH:
        raise EnvelopeError("data key must be 32 bytes and nonce 12 bytes")
    block = header.block()
    info = stanza_info(block)
    hpke_suite = header.suite.hpke_suite()
    parts = [block, bytes([len(recipients)])]
    for recipient in recipients:
        if recipient.suite is not header.suite:
            raise EnvelopeError("recipient key suite differs from the header suite")
        parts.append(recipient.key_id)
        parts.append(hpke_suite.encrypt(data_key, recipient.hpke_key(), info=info))
    parts.append(nonce)
    parts.append(struct.pack(">I", len(payload) + TAG_LENGTH))
    associated = b"".join(parts)
    signed = associated + AESGCM(data_key).encrypt(nonce, payload, associated)
    return signed + device_key.sign(signed)


def parse_envelope(data: bytes) -> Envelope:
    """Split envelope bytes into their parts, strictly; EnvelopeError says what is wrong.

    Each part is sliced once at a checked offset (no intermediate reader objects): the server
    parses every envelope of every batch with this.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise EnvelopeError("envelope: expected bytes")
    if type(data) is not bytes:
        data = bytes(data)
    size = len(data)
    if size > MAX_ENVELOPE_BYTES:
        raise EnvelopeError(f"envelope is {size} bytes, limit {MAX_ENVELOPE_BYTES}")

    def need(offset: int, length: int, what: str) -> int:
        """The end of a part of `length` bytes at `offset`, or a truncation error naming it."""
        if offset + length > size:
            raise EnvelopeError(f"envelope truncated in the {what} (at byte {offset})")
        return offset + length

    need(0, len(MAGIC), "magic")
    if data[: len(MAGIC)] != MAGIC:
        raise EnvelopeError("not a kiosk envelope (magic is not 'KENV')")
    need(4, 1, "version")
    if data[4] != VERSION:
        raise EnvelopeError(f"envelope version {data[4]} is not supported (this kiosk reads 1)")
    need(5, 2, "header length")
    (header_length,) = _U16.unpack_from(data, 5)
    if not 2 <= header_length <= MAX_HEADER_BYTES:
        raise EnvelopeError(f"header length {header_length} outside 2..{MAX_HEADER_BYTES}")
    offset = need(7, header_length, "header")
    header = _parse_header(data[7:offset])
    header_block = data[:offset]
    need(offset, 1, "recipient count")
    count = data[offset]
    offset += 1
    if not 1 <= count <= MAX_RECIPIENTS:
        raise EnvelopeError(f"recipient count {count} outside 1..{MAX_RECIPIENTS}")
    sealed_length = header.suite.sealed_key_length
    stanzas: list[RecipientStanza] = []
    for i in range(count):
        key_end = need(offset, KEY_ID_LENGTH, f"recipient {i} key id")
        stanza_end = need(key_end, sealed_length, f"recipient {i} sealed key")
        stanzas.append(RecipientStanza(data[offset:key_end], data[key_end:stanza_end]))
        offset = stanza_end
    if len({s.key_id for s in stanzas}) != count:
        raise EnvelopeError("a recipient key id appears twice")
    nonce_end = need(offset, NONCE_LENGTH, "nonce")
    nonce = data[offset:nonce_end]
    offset = need(nonce_end, 4, "ciphertext length")
    (ciphertext_length,) = _U32.unpack_from(data, nonce_end)
    if not TAG_LENGTH <= ciphertext_length <= MAX_PAYLOAD_BYTES + TAG_LENGTH:
        raise EnvelopeError(f"ciphertext length {ciphertext_length} outside the payload limit")
    signed_end = need(offset, ciphertext_length, "ciphertext")
    need(signed_end, SIGNATURE_LENGTH, "signature")
    if signed_end + SIGNATURE_LENGTH != size:
        extra = size - signed_end - SIGNATURE_LENGTH
        raise EnvelopeError(f"envelope has {extra} unexpected bytes at the end")
    return Envelope(
        header,
        header_block,
        tuple(stanzas),
        nonce,
        data[offset:signed_end],
        data[:signed_end],
        data[signed_end:],
    )


def verify_envelope(envelope: Envelope, device_key: DeviceVerifyKey) -> None:
    """Check the device signature over every byte before it; EnvelopeError if it fails."""
    if not device_key.is_valid_signature(envelope.signature, envelope.signed_bytes):
        raise EnvelopeError(
            f"record {envelope.header.record_id}: device signature does not verify "
            f"with key {device_key.fingerprint}"
        )


def open_envelope(
    data: bytes,
    private_key: RecipientPrivateKey,
    device_key: DeviceVerifyKey | None = None,
) -> OpenedRecord:
    """Parse, optionally verify, and decrypt an envelope with one recipient's private key."""
    envelope = parse_envelope(data)
    if device_key is not None:
        verify_envelope(envelope, device_key)
    header = envelope.header
    if private_key.suite is not header.suite:
        raise EnvelopeError(f"record {header.record_id}: sealed with another suite than this key")
    key_id = private_key.public_key().key_id
    stanza = next((s for s in envelope.stanzas if s.key_id == key_id), None)
    if stanza is None:
        raise EnvelopeError(f"record {header.record_id}: not sealed to this key")
    try:
        data_key = header.suite.hpke_suite().decrypt(
            stanza.sealed_key, private_key.hpke_key(), info=stanza_info(envelope.header_block)
        )
    except Exception as exc:  # Why: HPKE raises several types; all mean "not for this header/key".
        raise EnvelopeError(f"record {header.record_id}: data key does not open") from exc
    if len(data_key) != DATA_KEY_LENGTH:
        raise EnvelopeError(f"record {header.record_id}: data key has the wrong length")
    try:
        payload = AESGCM(data_key).decrypt(
            envelope.nonce, envelope.ciphertext, envelope.associated_data
        )
    except InvalidTag as exc:
        raise EnvelopeError(f"record {header.record_id}: payload fails authentication") from exc
    return OpenedRecord(**vars(header), payload=payload)


def _check_uuid(value: object, name: str) -> None:
    """A canonical lowercase UUID string, or EnvelopeError naming the field."""
    # Why: the exact text str(uuid.UUID(...)) produces, checked without building a UUID.
    if not isinstance(value, str) or not _UUID_RE.fullmatch(value):
        raise EnvelopeError(f"header field {name}: expected a lowercase UUID")


def _parse_header(body: bytes) -> EnvelopeHeader:
    """Parse the JSON header and insist it is exactly the canonical encoding."""
    try:
        fields = json.loads(body.decode("ascii"))
    except (ValueError, RecursionError) as exc:
        raise EnvelopeError("header is not ASCII JSON") from exc
    if not isinstance(fields, dict) or set(fields) != _HEADER_FIELDS:
        raise EnvelopeError(f"header must be an object with exactly: {sorted(_HEADER_FIELDS)}")
    created_at = fields["created_at"]
    time_parts = _TIME_RE.fullmatch(created_at) if isinstance(created_at, str) else None
    if time_parts is None:
        raise EnvelopeError("header field created_at: expected YYYY-MM-DDTHH:MM:SS.ffffffZ")
    try:
        # Why: datetime() from the matched digits is several times cheaper than strptime.
        year, month, day, hour, minute, second, micro = map(int, time_parts.groups())
        when = datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)
        suite = EnvelopeSuite(fields["suite"])
    except (ValueError, TypeError) as exc:
        raise EnvelopeError("header field created_at or suite: not a valid value") from exc
    header = EnvelopeHeader(
        record_id=fields["record_id"],
        kind=fields["kind"],
        schema=fields["schema"],
        device_id=fields["device_id"],
        created_at=when,
        supersedes=fields["supersedes"],
        suite=suite,
    )
    if header.to_json() != body:
        raise EnvelopeError("header is not in canonical form (sorted keys, no spaces)")
    return header
