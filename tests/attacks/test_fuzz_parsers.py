"""Fuzzing every door hostile bytes can come through: the envelope parser, the sync wire format,
the clinic configuration loader and the sealed-queue import at the clinic server.

Each runs 10,000 cases in CI and without limit under `make fuzz`. The promise each checks: the
input is accepted whole, or refused with that parser's own named error; never another exception,
never half-stored, and nothing that was altered ever passes as signed.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from attack_fuzzing import fuzz_settings, mutated_bytes
from hypothesis import given
from hypothesis import strategies as st

from kiosk.intake.codec import to_payload
from kiosk.intake.config import DEFAULTS_PATH, ClinicConfig, ConfigError, load_config_text
from kiosk.vault import (
    DeviceSigningKey,
    EnvelopeError,
    EnvelopeSuite,
    RecipientPrivateKey,
    Sealer,
    open_envelope,
    parse_envelope,
    verify_envelope,
)
from sync.server.ingest import receive_envelopes
from sync.server.storage import ClinicStore
from sync.wire import (
    AuditAnswer,
    AuditLink,
    BatchAnswer,
    EnrolmentAnswer,
    EnrolmentRequest,
    RecordResult,
    RecordStatus,
    Refusal,
    SignedConfig,
    WireError,
    decode_audit_links,
    decode_batch,
    decode_queue_file,
    encode_audit_links,
    encode_batch,
    encode_queue_file,
    read_signed_headers,
    sign_request,
)
from tests.examples import example_checkin, example_vitals

pytestmark = pytest.mark.fuzz

DEVICE_ID = "kiosk-fuzz-01"
DEVICE_KEY = DeviceSigningKey.generate()
STAFF_KEY = RecipientPrivateKey.generate(EnvelopeSuite.X25519)
CLINIC_KEY = RecipientPrivateKey.generate(EnvelopeSuite.X25519)
HYBRID_KEY = RecipientPrivateKey.generate(EnvelopeSuite.MLKEM768_X25519)
_SEALER = Sealer(DEVICE_ID, DEVICE_KEY, [CLINIC_KEY.public_key(), STAFF_KEY.public_key()])
ENVELOPES = [
    _SEALER.seal("checkin", to_payload(example_checkin())).envelope,
    _SEALER.seal("vitals", to_payload(example_vitals()), supersedes=str(uuid.uuid4())).envelope,
    Sealer(DEVICE_ID, DEVICE_KEY, [HYBRID_KEY.public_key()]).seal("draft", b"{}").envelope,
]


# ---- the envelope parser --------------------------------------------------------------------


@fuzz_settings()
@given(data=mutated_bytes(ENVELOPES))
def test_an_altered_envelope_is_refused_by_name_and_never_opens(data: bytes) -> None:
    """Parsing gives an Envelope or an EnvelopeError; any altered envelope fails to open."""
    try:
        parsed = parse_envelope(data)
    except EnvelopeError as error:
        assert str(error)
        return
    if data in ENVELOPES:
        return
    with pytest.raises(EnvelopeError):
        verify_envelope(parsed, DEVICE_KEY.verify_key())
        open_envelope(data, STAFF_KEY, DEVICE_KEY.verify_key())


# ---- the sync wire format -------------------------------------------------------------------

_RESULTS = (
    RecordResult(0, str(uuid.uuid4()), RecordStatus.ACCEPTED),
    RecordResult(1, str(uuid.uuid4()), RecordStatus.CONFLICT, "conflict", "other bytes"),
    RecordResult(2, None, RecordStatus.REJECTED, "malformed_envelope", "cut short"),
)
_ENROLMENT_ANSWER = {
    "device_id": DEVICE_ID,
    "clinic_key": CLINIC_KEY.public_key().to_bytes().hex(),
    "clinic_key_fingerprint": CLINIC_KEY.public_key().fingerprint,
    "config_key": "ab" * 32,
    "config_key_fingerprint": "abab abab abab abab abab abab abab abab",
    "max_body_bytes": 8388608,
    "max_records_per_batch": 1000,
    "timestamp_window_s": 300,
    "server_time": 1767225600,
}


def _json(value: dict[str, Any]) -> bytes:
    return json.dumps(value, separators=(",", ":"), sort_keys=True).encode()


@dataclass(frozen=True)
class WireDoor:
    """One decoder of the wire format and a valid input for it."""

    name: str
    decode: Callable[[bytes], object]
    sample: bytes


def _signing_headers(data: bytes) -> object:
    """Request headers as lines of `name: value`, read the way the server reads them."""
    lines = data.decode("utf-8", "replace").split("\n")
    return read_signed_headers(dict(line.partition(": ")[::2] for line in lines))


_SIGNED = sign_request(DEVICE_KEY, DEVICE_ID, "POST", "/v1/batch", b"body")
WIRE_DOORS = [
    WireDoor(
        "signing headers",
        _signing_headers,
        "\n".join(f"{name}: {value}" for name, value in _SIGNED.items()).encode(),
    ),
    WireDoor("batch body", decode_batch, encode_batch(ENVELOPES)),
    WireDoor("queue file", decode_queue_file, encode_queue_file(ENVELOPES)),
    WireDoor(
        "batch answer",
        lambda data: BatchAnswer.from_json(data, expected=3),
        _json(BatchAnswer(_RESULTS, 1767225600).to_json()),
    ),
    WireDoor(
        "refusal",
        Refusal.from_json,
        _json(Refusal("stale_timestamp", "late", 1767225600, 8388608).to_json()),
    ),
    WireDoor(
        "audit links",
        decode_audit_links,
        encode_audit_links([AuditLink(1, "a" * 64, "0" * 64), AuditLink(2, "b" * 64, "a" * 64)]),
    ),
    WireDoor(
        "audit answer",
        AuditAnswer.from_json,
        _json({"through_seq": 2, "through_hash": "b" * 64, "server_time": 1767225600}),
    ),
    WireDoor(
        "enrolment request",
        EnrolmentRequest.from_json,
        _json(EnrolmentRequest("ABCD-EFGH", DEVICE_ID, bytes(32), "front desk").to_json()),
    ),
    WireDoor("enrolment answer", EnrolmentAnswer.from_json, _json(_ENROLMENT_ANSWER)),
    WireDoor(
        "signed config",
        SignedConfig.from_json,
        _json({"payload": "eyJ2ZXJzaW9uIjoxfQ==", "signature": "cd" * 64}),
    ),
]
_JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats()
    | st.text(max_size=40)
    | st.sampled_from(["", "\x1b[2J", "\u202e", "\x00", "a" * 5000, "𝕏"])
)
_JSON_VALUES = st.recursive(
    _JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=6,
)


@st.composite
def wire_inputs(draw: st.DrawFn) -> tuple[WireDoor, bytes]:
    """A door and either bytes mutated from its sample, or its JSON with one field replaced."""
    door = draw(st.sampled_from(WIRE_DOORS))
    if door.sample.startswith(b"{") and draw(st.booleans()):
        obj = json.loads(door.sample)
        key = draw(st.sampled_from(sorted(obj)) | st.text(max_size=8))
        obj[key] = draw(_JSON_VALUES)
        return door, json.dumps(obj, allow_nan=True).encode()
    return door, draw(mutated_bytes([door.sample]))


@fuzz_settings()
@given(case=wire_inputs())
def test_hostile_wire_bytes_get_a_named_wire_error_and_nothing_else(
    case: tuple[WireDoor, bytes],
) -> None:
    door, data = case
    try:
        door.decode(data)
    except WireError as error:
        assert error.code and error.reason, door.name


# ---- the clinic configuration loader --------------------------------------------------------


def _clinic_file_lines() -> list[str]:
    """A clinic's own file as IT writes one: the defaults' settings, thresholds, a few rules and
    the consent header with one acknowledgement (the consent text itself is left out: parsing
    the whole 10 kB default file would spend the fuzzer's time in tomllib)."""
    lines = DEFAULTS_PATH.read_text("utf-8").splitlines()
    consent, text = lines.index("[consent]"), lines.index("[consent.text]")
    acknowledgement = lines.index("[[consent.acknowledgements]]")
    first_rules = lines.index('[rules."history.stroke"]')
    return lines[:first_rules] + lines[consent:text] + lines[acknowledgement : acknowledgement + 5]


_CLINIC_FILE_LINES = _clinic_file_lines()
_TOML_VALUES = st.sampled_from(
    [
        "0",
        "-1",
        "1e400",
        "nan",
        "inf",
        '""',
        '"\\u001b[31m"',
        '"\\u202eevil"',
        "[]",
        "{}",
        "true",
        "9223372036854775808",
        '"Mars/Olympus"',
        '"../../etc/passwd"',
        "1979-05-27T07:32:00Z",
        '"STOP"',
        '"MAYBE"',
    ]
) | st.text(max_size=24).map(lambda text: json.dumps(text))


@st.composite
def config_texts(draw: st.DrawFn) -> str:
    """A clinic file with a few lines changed, dropped, moved or added; or noise."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.text(max_size=300))
    lines = list(_CLINIC_FILE_LINES)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["value", "drop", "duplicate", "key", "noise"]))
        if action == "value" and "=" in lines[at]:
            lines[at] = lines[at].split("=", 1)[0] + "= " + draw(_TOML_VALUES)
        elif action == "drop":
            del lines[at]
        elif action == "duplicate":
            lines.insert(draw(st.integers(0, len(lines))), lines[at])
        elif action == "key":
            lines.insert(at, f"{json.dumps(draw(st.text(min_size=1, max_size=12)))} = 1")
        else:
            lines.insert(at, draw(st.text(max_size=40)))
    return "\n".join(lines)


@fuzz_settings()
@given(text=config_texts())
def test_a_hostile_configuration_loads_whole_or_is_refused_by_name(text: str) -> None:
    """A ClinicConfig, or a ConfigError whose message names the file."""
    try:
        config = load_config_text(text, "clinic.toml")
    except ConfigError as error:
        assert str(error).startswith("clinic.toml")
        return
    assert isinstance(config, ClinicConfig)


# ---- the sealed-queue import ----------------------------------------------------------------


@dataclass
class ClinicDesk:
    """A clinic server's storage with one enrolled kiosk, for imports."""

    store: ClinicStore
    clinic_key: RecipientPrivateKey


@pytest.fixture(scope="module")
def clinic_desk() -> Iterator[ClinicDesk]:
    # Why /dev/shm: 10,000 imports each commit with fsync; memory keeps the fuzzer fast.
    folder = Path(tempfile.mkdtemp(prefix="queue-fuzz-", dir="/dev/shm"))
    now = time.time()
    store = ClinicStore.open(f"sqlite:///{folder / 'clinic.db'}", now, create=True)
    store.add_enrolment_token("FUZZCODE", now, now + 3600)
    store.enrol("FUZZCODE", DEVICE_ID, DEVICE_KEY.verify_key().raw, "fuzz kiosk", now)
    yield ClinicDesk(store, CLINIC_KEY)
    store.close()
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()


_QUEUE_FILES = [
    encode_queue_file(ENVELOPES[:2]),
    encode_queue_file([ENVELOPES[0], ENVELOPES[0], ENVELOPES[2]]),
    encode_queue_file(
        [Sealer("kiosk-unknown", DEVICE_KEY, [CLINIC_KEY.public_key()]).seal("x", b"").envelope]
    ),
]


@fuzz_settings()
@given(data=mutated_bytes(_QUEUE_FILES))
def test_a_hostile_queue_file_imports_only_what_the_kiosk_signed(
    clinic_desk: ClinicDesk, data: bytes
) -> None:
    """Refused whole with a WireError, or one result per envelope where only signed envelopes
    sealed to the clinic are stored, byte for byte."""
    try:
        envelopes = decode_queue_file(data)
    except WireError as error:
        assert error.code == "malformed_body"
        return
    results = receive_envelopes(
        clinic_desk.store,
        clinic_desk.clinic_key.public_key(),
        envelopes,
        time.time(),
        requesting_device=None,
        source="import",
    )
    assert [result.index for result in results] == list(range(len(envelopes)))
    for envelope, result in zip(envelopes, results, strict=True):
        if result.status in (RecordStatus.ACCEPTED, RecordStatus.DUPLICATE):
            assert envelope in ENVELOPES
            stored = clinic_desk.store.stored_hash(str(result.record_id))
            assert stored == hashlib.sha256(envelope).hexdigest()
        else:
            assert result.code and result.reason
