# Over 400 lines: the one implementation of docs/wire.md, both sides' bytes in one file.
"""The sync wire format: what a kiosk and the clinic server say to each other, and how it is signed.

Shared by the kiosk's sync client and the clinic server so that both sides build and check the
same bytes. docs/wire.md is the specification; this module is its one implementation. Every
decoder here is strict and raises only `WireError` (with a machine code and a human reason that
never echoes patient data), whatever bytes it is given.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import secrets
import struct
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

PROTOCOL = "clinic-sync/1"

# Endpoint paths (all under one version prefix so a later protocol can live beside this one).
PATH_HEALTH = "/v1/health"
PATH_ENROL = "/v1/enrol"
PATH_BATCH = "/v1/batch"
PATH_AUDIT = "/v1/audit"
PATH_CONFIG = "/v1/config"

# Request headers of a signed request.
HEADER_DEVICE = "X-Clinic-Device"
HEADER_TIMESTAMP = "X-Clinic-Timestamp"
HEADER_NONCE = "X-Clinic-Nonce"
HEADER_SIGNATURE = "X-Clinic-Signature"
# Response header on every answer: the largest request body the server reads.
HEADER_MAX_BODY = "X-Clinic-Max-Body-Bytes"

BATCH_CONTENT_TYPE = "application/vnd.clinic.batch"
JSON_CONTENT_TYPE = "application/json"

BATCH_MAGIC = b"CSB1"
QUEUE_FILE_MAGIC = b"clinic-sealed-queue/1\n"
CONFIG_SIGNING_CONTEXT = b"clinic-config/1\n"

DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024
DEFAULT_MAX_RECORDS_PER_BATCH = 1000
TIMESTAMP_WINDOW_S = 300

_DEVICE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
_NONCE = re.compile(r"[0-9a-f]{32}")
_SIGNATURE = re.compile(r"[0-9a-f]{128}")
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
# Every JSON integer on the wire lies in 0..MAX_WIRE_INT (exact in any JSON reader, RFC 7493).
MAX_WIRE_INT = 2**53 - 1
# Audit seqs and configuration versions are 32-bit INTEGER columns on PostgreSQL.
MAX_SEQ = 2**31 - 1
_U32 = struct.Struct(">I")


class WireError(Exception):
    """A request, body or answer that does not follow the wire format, or is refused.

    `code` is a stable machine name (see `RefusalCode`), `reason` a sentence for IT, `status` the
    HTTP status the server answers with.
    """

    def __init__(self, code: str, reason: str, status: int = 400) -> None:
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason
        self.status = status


class RefusalCode(StrEnum):
    """Why the server refused a whole request (nothing of it was stored)."""

    MALFORMED_REQUEST = "malformed_request"
    MALFORMED_BODY = "malformed_body"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    UNKNOWN_DEVICE = "unknown_device"
    REVOKED_DEVICE = "revoked_device"
    BAD_SIGNATURE = "bad_signature"
    STALE_TIMESTAMP = "stale_timestamp"
    REPLAYED_NONCE = "replayed_nonce"
    BODY_TOO_LARGE = "body_too_large"
    ENROLMENT_CODE_INVALID = "enrolment_code_invalid"
    DEVICE_ID_TAKEN = "device_id_taken"
    AUDIT_DISCONTINUITY = "audit_discontinuity"
    NO_CONFIG = "no_config"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    STORAGE_UNAVAILABLE = "storage_unavailable"


class RecordStatus(StrEnum):
    """The server's answer for one envelope of a batch."""

    ACCEPTED = "accepted"  # stored now; durable when the answer is sent
    DUPLICATE = "duplicate"  # same id, same bytes already stored: acknowledged again
    REJECTED = "rejected"  # not stored: the envelope is bad (see code and reason)
    CONFLICT = "conflict"  # same id, other bytes already stored: not stored

    @property
    def delivered(self) -> bool:
        """True when the kiosk may consider the record durably at the clinic."""
        return self in (RecordStatus.ACCEPTED, RecordStatus.DUPLICATE)


class RecordRejection(StrEnum):
    """Why one envelope of a batch was rejected."""

    MALFORMED_ENVELOPE = "malformed_envelope"
    BAD_ENVELOPE_SIGNATURE = "bad_envelope_signature"
    FOREIGN_DEVICE = "foreign_device"
    NOT_SEALED_TO_CLINIC = "not_sealed_to_clinic"
    CONFLICT = "conflict"


# --- request signing ------------------------------------------------------------------------


class RequestSigner(Protocol):
    """Anything that makes an Ed25519 signature: the vault's DeviceSigningKey or a raw key."""

    def sign(self, data: bytes) -> bytes: ...


def body_sha256(body: bytes) -> str:
    """Lower-case hex SHA-256 of a request body (of b"" for a GET)."""
    return hashlib.sha256(body).hexdigest()


def signing_message(method: str, path: str, timestamp: int, nonce: str, body: bytes) -> bytes:
    """The exact bytes the device signs: protocol, method, path, timestamp, nonce, body hash."""
    lines = (PROTOCOL, method.upper(), path, str(timestamp), nonce, body_sha256(body))
    return "\n".join(lines).encode("ascii")


def new_nonce() -> str:
    """16 random bytes as 32 lower-case hex characters."""
    return secrets.token_hex(16)


def sign_request(
    signer: RequestSigner,
    device_id: str,
    method: str,
    path: str,
    body: bytes = b"",
    *,
    timestamp: int | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    """The four headers that authenticate one request from `device_id`.

    `timestamp` is Unix seconds as the server would see it: a client that was told its clock is
    off passes `int(time.time() + offset)`.
    """
    if not _DEVICE_ID.fullmatch(device_id):
        raise WireError(RefusalCode.MALFORMED_REQUEST, "the device id has an unusable form")
    ts = int(time.time()) if timestamp is None else timestamp
    chosen_nonce = new_nonce() if nonce is None else nonce
    signature = signer.sign(signing_message(method, path, ts, chosen_nonce, body))
    return {
        HEADER_DEVICE: device_id,
        HEADER_TIMESTAMP: str(ts),
        HEADER_NONCE: chosen_nonce,
        HEADER_SIGNATURE: signature.hex(),
    }


@dataclass(frozen=True)
class SignedRequestHeaders:
    """The authentication headers of a request, checked for form but not yet for signature."""

    device_id: str
    timestamp: int
    nonce: str
    signature: bytes


def read_signed_headers(headers: Mapping[str, str]) -> SignedRequestHeaders:
    """Pick the four signing headers out of a request, strictly (case-insensitive names)."""
    lowered = {k.lower(): v for k, v in headers.items()}

    def need(name: str, pattern: re.Pattern[str], what: str) -> str:
        value = lowered.get(name.lower())
        if value is None:
            raise WireError(RefusalCode.MALFORMED_REQUEST, f"the {name} header is missing")
        if not pattern.fullmatch(value):
            raise WireError(RefusalCode.MALFORMED_REQUEST, f"the {name} header is not {what}")
        return value

    device_id = need(HEADER_DEVICE, _DEVICE_ID, "a device id (1-64 of A-Z a-z 0-9 . _ : -)")
    timestamp = need(HEADER_TIMESTAMP, _TIMESTAMP, "Unix seconds in decimal")
    nonce = need(HEADER_NONCE, _NONCE, "32 lower-case hex characters")
    signature = need(HEADER_SIGNATURE, _SIGNATURE, "128 lower-case hex characters")
    return SignedRequestHeaders(device_id, int(timestamp), nonce, bytes.fromhex(signature))


def check_timestamp(timestamp: int, now: float, window_s: int = TIMESTAMP_WINDOW_S) -> None:
    """Refuse a request signed too far from the server's clock, telling the server's time."""
    if abs(timestamp - now) > window_s:
        raise WireError(
            RefusalCode.STALE_TIMESTAMP,
            f"the request time is {int(timestamp - now)} s away from the server clock "
            f"(allowed {window_s} s); sign again using the server_time in this answer",
            401,
        )


def verify_request(
    device_key: bytes,
    method: str,
    path: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: float | None = None,
    window_s: int = TIMESTAMP_WINDOW_S,
) -> SignedRequestHeaders:
    """Check a request's signature by `device_key` (raw 32-byte Ed25519) and its timestamp.

    Nonce replay is the caller's to check (it needs storage). Raises WireError.
    """
    signed = read_signed_headers(headers)
    check_timestamp(signed.timestamp, time.time() if now is None else now, window_s)
    message = signing_message(method, path, signed.timestamp, signed.nonce, body)
    try:
        Ed25519PublicKey.from_public_bytes(device_key).verify(signed.signature, message)
    except (InvalidSignature, ValueError) as exc:
        raise WireError(
            RefusalCode.BAD_SIGNATURE,
            "the request signature does not verify with this device's key",
            401,
        ) from exc
    return signed


# --- the batch body: length-prefixed envelopes ------------------------------------------------


def encode_batch(envelopes: Sequence[bytes]) -> bytes:
    """`CSB1`, a u32 count, then each envelope as a u32 length and its bytes (big-endian)."""
    parts = [BATCH_MAGIC, _U32.pack(len(envelopes))]
    for envelope in envelopes:
        parts.append(_U32.pack(len(envelope)))
        parts.append(envelope)
    return b"".join(parts)


def decode_batch(body: bytes, *, max_records: int = DEFAULT_MAX_RECORDS_PER_BATCH) -> list[bytes]:
    """Split a batch body into envelope bytes; any framing fault refuses the whole body."""
    return _decode_frames(body, BATCH_MAGIC, "batch body", max_records)


def _decode_frames(data: bytes, magic: bytes, what: str, max_records: int) -> list[bytes]:
    def bad(reason: str) -> WireError:
        return WireError(RefusalCode.MALFORMED_BODY, f"the {what} {reason}")

    if not data.startswith(magic):
        raise bad(f"does not start with {magic!r}")
    offset = len(magic)
    if len(data) < offset + 4:
        raise bad("ends before its record count")
    (count,) = _U32.unpack_from(data, offset)
    offset += 4
    if count > max_records:
        raise bad(f"holds {count} records; at most {max_records} are allowed")
    envelopes: list[bytes] = []
    for index in range(count):
        if len(data) < offset + 4:
            raise bad(f"ends inside the length of record {index}")
        (length,) = _U32.unpack_from(data, offset)
        offset += 4
        if length == 0:
            raise bad(f"has an empty record at {index}")
        if len(data) < offset + length:
            raise bad(f"ends inside record {index}")
        envelopes.append(data[offset : offset + length])
        offset += length
    if offset != len(data):
        raise bad(f"has {len(data) - offset} bytes after its last record")
    return envelopes


def encode_queue_file(envelopes: Sequence[bytes]) -> bytes:
    """A sealed-queue export file: a text magic line, then a batch body."""
    return QUEUE_FILE_MAGIC + encode_batch(envelopes)


def decode_queue_file(data: bytes, *, max_records: int = 10_000_000) -> list[bytes]:
    """The envelopes of a sealed-queue export file, strictly."""
    if not data.startswith(QUEUE_FILE_MAGIC):
        raise WireError(
            RefusalCode.MALFORMED_BODY,
            "this is not a sealed-queue export file (its first line is not clinic-sealed-queue/1)",
        )
    return _decode_frames(data[len(QUEUE_FILE_MAGIC) :], BATCH_MAGIC, "queue file", max_records)


# --- JSON answers ------------------------------------------------------------------------------


def _load_json_object(data: bytes, what: str) -> dict[str, Any]:
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise WireError(RefusalCode.MALFORMED_BODY, f"the {what} is not JSON") from exc
    if not isinstance(value, dict):
        raise WireError(RefusalCode.MALFORMED_BODY, f"the {what} is not a JSON object")
    return value


def _field(
    obj: Mapping[str, Any],
    name: str,
    kind: type | tuple[type, ...],
    what: str,
    *,
    maximum: int = MAX_WIRE_INT,
) -> Any:
    """`obj[name]` if it is of `kind` (an integer also within 0..maximum), else a refusal."""
    value = obj.get(name)
    # bool is an int in Python: refuse it where a number is meant
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise WireError(RefusalCode.MALFORMED_BODY, f"the {what} has no valid {name!r}")
    if isinstance(value, int) and not 0 <= value <= maximum:
        shown = str(value)
        if len(shown) > 24:  # a hostile 4,000-digit number stays out of the reason
            shown = f"a {len(shown)}-digit number"
        raise WireError(
            RefusalCode.MALFORMED_BODY,
            f"the {what}'s {name!r} is {shown}, outside 0 to {maximum}",
        )
    return value


def dump_json(value: Mapping[str, Any]) -> bytes:
    """Compact, key-sorted UTF-8 JSON: what every JSON body on the wire looks like."""
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


@dataclass(frozen=True)
class Refusal:
    """The JSON answer of a refused request: nothing of the request was stored."""

    code: str
    reason: str
    server_time: int
    max_body_bytes: int | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "error": self.code,
            "reason": self.reason,
            "server_time": self.server_time,
        }
        if self.max_body_bytes is not None:
            out["max_body_bytes"] = self.max_body_bytes
        return out

    @classmethod
    def from_json(cls, data: bytes) -> Refusal:
        obj = _load_json_object(data, "refusal")
        max_body = obj.get("max_body_bytes")
        return cls(
            code=_field(obj, "error", str, "refusal"),
            reason=_field(obj, "reason", str, "refusal"),
            server_time=_field(obj, "server_time", int, "refusal"),
            max_body_bytes=max_body if isinstance(max_body, int) else None,
        )


@dataclass(frozen=True)
class RecordResult:
    """The answer for the envelope at `index` of a batch."""

    index: int
    record_id: str | None  # None when the envelope could not be parsed
    status: RecordStatus
    code: str | None = None  # a RecordRejection for rejected / conflict
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "record_id": self.record_id,
            "status": self.status.value,
            "code": self.code,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class BatchAnswer:
    """The 200 answer to a batch: one result per envelope, in the order sent."""

    results: tuple[RecordResult, ...]
    server_time: int

    def to_json(self) -> dict[str, Any]:
        return {
            "results": [r.to_json() for r in self.results],
            "server_time": self.server_time,
        }

    @classmethod
    def from_json(cls, data: bytes, *, expected: int | None = None) -> BatchAnswer:
        """Parse and check the answer (one result per envelope sent when `expected` is given)."""
        obj = _load_json_object(data, "batch answer")
        raw_results = _field(obj, "results", list, "batch answer")
        results: list[RecordResult] = []
        for position, raw in enumerate(raw_results):
            if not isinstance(raw, dict):
                raise WireError(RefusalCode.MALFORMED_BODY, "a batch result is not an object")
            index = _field(raw, "index", int, "batch result")
            if index != position:
                raise WireError(RefusalCode.MALFORMED_BODY, "the batch results are out of order")
            try:
                status = RecordStatus(_field(raw, "status", str, "batch result"))
            except ValueError as exc:
                raise WireError(
                    RefusalCode.MALFORMED_BODY, "a batch result has an unknown status"
                ) from exc
            record_id, code, reason = raw.get("record_id"), raw.get("code"), raw.get("reason")
            results.append(
                RecordResult(
                    index=index,
                    record_id=record_id if isinstance(record_id, str) else None,
                    status=status,
                    code=code if isinstance(code, str) else None,
                    reason=reason if isinstance(reason, str) else None,
                )
            )
        if expected is not None and len(results) != expected:
            raise WireError(
                RefusalCode.MALFORMED_BODY,
                f"the batch answer has {len(results)} results for {expected} envelopes",
            )
        server_time = _field(obj, "server_time", int, "batch answer")
        return cls(tuple(results), server_time)


# --- enrolment -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EnrolmentRequest:
    """POST /v1/enrol body; the request itself is signed by the key it registers."""

    code: str
    device_id: str
    device_key: bytes  # raw 32-byte Ed25519 public key
    name: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "device_id": self.device_id,
            "device_key": self.device_key.hex(),
            "name": self.name,
        }

    @classmethod
    def from_json(cls, data: bytes) -> EnrolmentRequest:
        obj = _load_json_object(data, "enrolment request")
        code = _field(obj, "code", str, "enrolment request")
        device_id = _field(obj, "device_id", str, "enrolment request")
        name = obj.get("name", "")
        if not _DEVICE_ID.fullmatch(device_id):
            raise WireError(RefusalCode.MALFORMED_BODY, "the device id has an unusable form")
        if not isinstance(name, str) or len(name) > 200 or not name.isprintable():
            raise WireError(RefusalCode.MALFORMED_BODY, "the kiosk name is not printable text")
        if len(code) > 100:
            raise WireError(RefusalCode.MALFORMED_BODY, "the enrolment code is too long")
        return cls(code, device_id, _hex_field(obj, "device_key", 32, "enrolment request"), name)


@dataclass(frozen=True)
class EnrolmentAnswer:
    """The 200 answer to an enrolment: what the kiosk must pin."""

    device_id: str
    clinic_key: bytes  # the vault's RecipientPublicKey.to_bytes()
    clinic_key_fingerprint: str
    config_key: bytes  # raw 32-byte Ed25519 public key that signs the clinic configuration
    config_key_fingerprint: str
    max_body_bytes: int
    max_records_per_batch: int
    timestamp_window_s: int
    server_time: int

    def to_json(self) -> dict[str, Any]:
        return {
            "device_id": self.device_id,
            "clinic_key": self.clinic_key.hex(),
            "clinic_key_fingerprint": self.clinic_key_fingerprint,
            "config_key": self.config_key.hex(),
            "config_key_fingerprint": self.config_key_fingerprint,
            "max_body_bytes": self.max_body_bytes,
            "max_records_per_batch": self.max_records_per_batch,
            "timestamp_window_s": self.timestamp_window_s,
            "server_time": self.server_time,
        }

    @classmethod
    def from_json(cls, data: bytes) -> EnrolmentAnswer:
        obj = _load_json_object(data, "enrolment answer")
        what = "enrolment answer"
        clinic_key = _field(obj, "clinic_key", str, what)
        try:
            clinic_key_bytes = bytes.fromhex(clinic_key)
        except ValueError as exc:
            raise WireError(RefusalCode.MALFORMED_BODY, "the clinic key is not hex") from exc
        return cls(
            device_id=_field(obj, "device_id", str, what),
            clinic_key=clinic_key_bytes,
            clinic_key_fingerprint=_field(obj, "clinic_key_fingerprint", str, what),
            config_key=_hex_field(obj, "config_key", 32, what),
            config_key_fingerprint=_field(obj, "config_key_fingerprint", str, what),
            max_body_bytes=_field(obj, "max_body_bytes", int, what),
            max_records_per_batch=_field(obj, "max_records_per_batch", int, what),
            timestamp_window_s=_field(obj, "timestamp_window_s", int, what),
            server_time=_field(obj, "server_time", int, what),
        )


def _hex_field(obj: Mapping[str, Any], name: str, size: int, what: str) -> bytes:
    value = _field(obj, name, str, what)
    if not re.fullmatch(f"[0-9a-f]{{{size * 2}}}", value):
        raise WireError(RefusalCode.MALFORMED_BODY, f"the {what} {name!r} is not {size} hex bytes")
    return bytes.fromhex(value)


# --- audit links -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditLink:
    """One link of a kiosk's audit chain as the server keeps it: no PHI, only the chain."""

    seq: int
    hash: str
    prev_hash: str

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "hash": self.hash, "prev_hash": self.prev_hash}


def encode_audit_links(links: Sequence[AuditLink]) -> bytes:
    """POST /v1/audit body: {"links": [...]} in ascending seq."""
    return dump_json({"links": [link.to_json() for link in links]})


def decode_audit_links(body: bytes, *, max_links: int = 100_000) -> list[AuditLink]:
    """Parse POST /v1/audit strictly: ascending, each link naming its predecessor's hash."""
    obj = _load_json_object(body, "audit body")
    raw_links = _field(obj, "links", list, "audit body")
    if len(raw_links) > max_links:
        raise WireError(RefusalCode.MALFORMED_BODY, f"more than {max_links} audit links")
    links: list[AuditLink] = []
    for raw in raw_links:
        if not isinstance(raw, dict):
            raise WireError(RefusalCode.MALFORMED_BODY, "an audit link is not an object")
        seq = _field(raw, "seq", int, "audit link", maximum=MAX_SEQ)
        hash_ = _field(raw, "hash", str, "audit link")
        prev = _field(raw, "prev_hash", str, "audit link")
        if len(hash_) > 128 or len(prev) > 128:
            raise WireError(RefusalCode.MALFORMED_BODY, "an audit link has an impossible value")
        links.append(AuditLink(seq, hash_, prev))
    return links


@dataclass(frozen=True)
class AuditAnswer:
    """The 200 answer to POST /v1/audit: the server holds the chain through `through_seq`."""

    through_seq: int
    through_hash: str
    server_time: int

    def to_json(self) -> dict[str, Any]:
        return {
            "through_seq": self.through_seq,
            "through_hash": self.through_hash,
            "server_time": self.server_time,
        }

    @classmethod
    def from_json(cls, data: bytes) -> AuditAnswer:
        obj = _load_json_object(data, "audit answer")
        return cls(
            through_seq=_field(obj, "through_seq", int, "audit answer", maximum=MAX_SEQ),
            through_hash=_field(obj, "through_hash", str, "audit answer"),
            server_time=_field(obj, "server_time", int, "audit answer"),
        )


# --- the signed clinic configuration ---------------------------------------------------------


@dataclass(frozen=True)
class ClinicConfigDocument:
    """The configuration the clinic publishes: its version and the clinic TOML text."""

    version: int
    issued_at: str  # ISO 8601 UTC
    toml: str  # the clinic configuration file, as kiosk.intake's config loader reads it


@dataclass(frozen=True)
class SignedConfig:
    """GET /v1/config answer: the exact document bytes and the config key's signature on them."""

    payload: bytes  # dump_json({"version", "issued_at", "toml"})
    signature: bytes  # Ed25519 over CONFIG_SIGNING_CONTEXT + payload

    def to_json(self) -> dict[str, Any]:
        return {
            "payload": base64.b64encode(self.payload).decode("ascii"),
            "signature": self.signature.hex(),
        }

    @classmethod
    def from_json(cls, data: bytes) -> SignedConfig:
        obj = _load_json_object(data, "configuration answer")
        payload_b64 = _field(obj, "payload", str, "configuration answer")
        try:
            payload = base64.b64decode(payload_b64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise WireError(RefusalCode.MALFORMED_BODY, "the configuration is not base64") from exc
        return cls(payload, _hex_field(obj, "signature", 64, "configuration answer"))

    @classmethod
    def sign(cls, document: ClinicConfigDocument, signer: RequestSigner) -> SignedConfig:
        payload = dump_json(
            {"version": document.version, "issued_at": document.issued_at, "toml": document.toml}
        )
        return cls(payload, signer.sign(CONFIG_SIGNING_CONTEXT + payload))

    def verify(self, config_key: bytes) -> ClinicConfigDocument:
        """The document, only if the pinned config key (raw Ed25519) signed exactly these bytes."""
        try:
            Ed25519PublicKey.from_public_bytes(config_key).verify(
                self.signature, CONFIG_SIGNING_CONTEXT + self.payload
            )
        except (InvalidSignature, ValueError) as exc:
            raise WireError(
                RefusalCode.BAD_SIGNATURE,
                "the clinic configuration is not signed by the pinned configuration key",
            ) from exc
        obj = _load_json_object(self.payload, "configuration document")
        return ClinicConfigDocument(
            version=_field(obj, "version", int, "configuration document", maximum=MAX_SEQ),
            issued_at=_field(obj, "issued_at", str, "configuration document"),
            toml=_field(obj, "toml", str, "configuration document"),
        )
