# Over 400 lines: the encoder and its strict decoder mirror each other, changed together.
"""Canonical JSON for the records: the exact bytes the vault seals and the server stores.

One converter per type is built from the frozen dataclasses in records.py by their type hints
(once, on first use), so a field added there is serialised without touching this file.
Encoding is canonical (sorted keys, no whitespace, UTF-8, UTC times with microseconds) so the
same record always gives the same bytes; decoding is strict and turns every defect into a
`PayloadError` naming the place.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
import types
import typing
from collections.abc import Callable
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any, Union

from kiosk.intake.chair.records import CHAIR_RECORD_KINDS, ChairLogRecord
from kiosk.intake.records import (
    AuditEntry,
    CheckIn,
    ConsentDeclined,
    Draft,
    NurseDecision,
    RecordKind,
    StopOverride,
    Vitals,
)

#: The payload schema written now. 2: `Medication.read_as`. 3: the checklist's pregnancy answer
#: may be "not_applicable" and health history holds the two-step blood pressure and thyroid
#: questions; the infusion chair's kinds first appear. Every earlier schema still reads back.
SCHEMA_VERSION = 3
# Why: a check-in is a few kilobytes; anything far larger is hostile or corrupt.
MAX_PAYLOAD_BYTES = 1_048_576

Record = (
    CheckIn
    | Draft
    | Vitals
    | ConsentDeclined
    | NurseDecision
    | StopOverride
    | AuditEntry
    | ChairLogRecord
)

#: The "kind" string written into every payload, per record type.
KIND_OF_TYPE: dict[type[Any], str] = {
    CheckIn: RecordKind.CHECKIN.value,
    Draft: RecordKind.DRAFT.value,
    Vitals: RecordKind.VITALS.value,
    ConsentDeclined: RecordKind.CONSENT_DECLINED.value,
    NurseDecision: RecordKind.NURSE_DECISION.value,
    StopOverride: RecordKind.STOP_OVERRIDE.value,
    AuditEntry: "audit_entry",
    **CHAIR_RECORD_KINDS,
}
TYPE_OF_KIND: dict[str, type[Any]] = {kind: cls for cls, kind in KIND_OF_TYPE.items()}
#: The schema each kind first appeared in; a payload claiming an earlier one is refused.
FIRST_SCHEMA_OF_KIND: dict[str, int] = dict.fromkeys(CHAIR_RECORD_KINDS.values(), 3)

_DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
_DATETIME_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")
_DATE_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ENVELOPE_KEYS = ("kind", "schema")


class PayloadError(ValueError):
    """A payload that is not exactly one well-formed record; the message names the place."""


def kind_of(record: Record) -> str:
    """The payload kind of a record ("checkin", "vitals", ...)."""
    return KIND_OF_TYPE[type(record)]


def to_payload(record: Record) -> bytes:
    """The canonical UTF-8 JSON of a record, with its kind and the schema version.

    Every value is checked against its declared type on the way, so whatever this returns
    `from_payload` reads back as an equal record; anything else is a `PayloadError` naming the
    place (a record is encoded once, never encoded and decoded to find out).
    """
    cls = type(record)
    if cls not in KIND_OF_TYPE:
        raise PayloadError(f"{cls.__name__} is not a record kind the codec knows")
    body = _encoder(cls)(record, cls.__name__)
    body["kind"] = KIND_OF_TYPE[cls]
    body["schema"] = SCHEMA_VERSION
    try:
        text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        data = text.encode("utf-8")
    except (ValueError, UnicodeEncodeError) as error:
        # Why: a lone surrogate or NaN cannot be canonical JSON; say so without echoing it.
        raise PayloadError(f"{cls.__name__} holds a value JSON cannot carry") from error
    if len(data) > MAX_PAYLOAD_BYTES:
        raise PayloadError(f"{cls.__name__} is larger than {MAX_PAYLOAD_BYTES} bytes")
    return data


def from_payload(data: bytes) -> Record:
    """Parse bytes made by `to_payload` back into the same record, or raise `PayloadError`."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise PayloadError("payload must be bytes")
    if len(data) > MAX_PAYLOAD_BYTES:
        raise PayloadError(f"payload is larger than {MAX_PAYLOAD_BYTES} bytes")
    try:
        text = bytes(data).decode("utf-8")
    except UnicodeDecodeError as error:
        raise PayloadError(f"payload is not UTF-8 (byte {error.start})") from None
    try:
        body = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constant)
    except PayloadError:
        raise
    except (ValueError, RecursionError) as error:
        raise PayloadError(f"payload is not valid JSON ({type(error).__name__})") from None
    if not isinstance(body, dict):
        raise PayloadError("payload must be a JSON object")
    kind = body.get("kind")
    if not isinstance(kind, str) or kind not in TYPE_OF_KIND:
        known = ", ".join(sorted(TYPE_OF_KIND))
        raise PayloadError(f"payload.kind must be one of: {known}")
    schema = body.get("schema")
    if type(schema) is not int or not 1 <= schema <= SCHEMA_VERSION:
        raise PayloadError(f"payload.schema must be 1 to {SCHEMA_VERSION}")
    first = FIRST_SCHEMA_OF_KIND.get(kind, 1)
    if schema < first:
        raise PayloadError(f"payload.schema must be {first} to {SCHEMA_VERSION} for {kind}")
    fields = {key: value for key, value in body.items() if key not in _ENVELOPE_KEYS}
    if schema == 1:
        _medications_read_as_nothing(fields, kind)
    record: Record = _decoder(TYPE_OF_KIND[kind])(fields, kind)
    return record


def _medications_read_as_nothing(fields: dict[str, Any], kind: str) -> None:
    """Schema 1 had no Medication.read_as: such a medication was read as nothing recorded.

    A schema 1 medication that has the field is refused like any unknown field; anything
    malformed is left for the strict decoder to refuse with its place.
    """
    medication_list = fields.get("medications")
    listed = medication_list.get("medications") if isinstance(medication_list, dict) else None
    for index, medication in enumerate(listed if isinstance(listed, list) else ()):
        if isinstance(medication, dict):
            if "read_as" in medication:
                place = f"{kind}.medications.medications[{index}]"
                raise PayloadError(f"{place} has unknown field 'read_as' (schema 1)")
            medication["read_as"] = []


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise PayloadError("payload repeats a key in one object")
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise PayloadError(f"payload holds {name}, which is not a JSON number")


# One converter per declared type, built on first use: walking type hints on every call made
# the round trip cost milliseconds per check-in; the record classes never change at run time.
Converter = Callable[[Any, str], Any]
_ENCODERS: dict[Any, Converter] = {}
_DECODERS: dict[Any, Converter] = {}


def _encoder(hint: Any) -> Converter:
    """The function that turns a value of type `hint` into JSON-ready data."""
    found = _ENCODERS.get(hint)
    if found is None:
        found = _ENCODERS[hint] = _build_encoder(hint)
    return found


def _decoder(hint: Any) -> Converter:
    """The function that turns JSON data into type `hint`, or raises `PayloadError`."""
    found = _DECODERS.get(hint)
    if found is None:
        found = _DECODERS[hint] = _build_decoder(hint)
    return found


def _optional_inner(hint: Any) -> Any:
    (inner,) = [arg for arg in typing.get_args(hint) if arg is not type(None)]
    return inner


def _dataclass_fields(cls: type[Any]) -> list[tuple[str, Any]]:
    hints = typing.get_type_hints(cls)
    return [(f.name, hints[f.name]) for f in dataclasses.fields(cls)]


def _build_encoder(hint: Any) -> Converter:
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        inner = _encoder(_optional_inner(hint))
        return lambda value, place: None if value is None else inner(value, place)
    if origin is tuple:
        return _tuple_encoder(typing.get_args(hint))
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _dataclass_encoder(hint)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return _enum_encoder(hint)
    return _SCALAR_ENCODERS.get(hint, _encode_unknown)


def _tuple_encoder(args: tuple[Any, ...]) -> Converter:
    if len(args) == 2 and args[1] is Ellipsis:
        item = _encoder(args[0])

        def encode_list(value: Any, place: str) -> list[Any]:
            if not isinstance(value, tuple):
                raise PayloadError(f"{place} must be a tuple")
            return [item(v, f"{place}[{i}]") for i, v in enumerate(value)]

        return encode_list
    items = [_encoder(arg) for arg in args]

    def encode_fixed(value: Any, place: str) -> list[Any]:
        if not isinstance(value, tuple) or len(value) != len(items):
            raise PayloadError(f"{place} must be a tuple of {len(items)} entries")
        pairs = enumerate(zip(value, items, strict=True))
        return [encode(v, f"{place}[{i}]") for i, (v, encode) in pairs]

    return encode_fixed


def _dataclass_encoder(cls: type[Any]) -> Converter:
    # Why: filled in after the dict is registered, so a record type may refer to itself.
    fields: list[tuple[str, Converter]] = []

    def encode_dataclass(value: Any, place: str) -> dict[str, Any]:
        if type(value) is not cls:
            raise PayloadError(f"{place} must be a {cls.__name__}")
        return {name: encode(getattr(value, name), f"{place}.{name}") for name, encode in fields}

    _ENCODERS[cls] = encode_dataclass
    fields.extend((name, _encoder(hint)) for name, hint in _dataclass_fields(cls))
    return encode_dataclass


def _enum_encoder(cls: type[Enum]) -> Converter:
    def encode_enum(value: Any, place: str) -> Any:
        if not isinstance(value, cls):
            raise PayloadError(f"{place} must be a {cls.__name__}")
        return value.value

    return encode_enum


def _encode_datetime(value: Any, place: str) -> str:
    if not isinstance(value, datetime):
        raise PayloadError(f"{place} must be a time")
    if value.tzinfo is None or value.utcoffset() is None:
        raise PayloadError(f"{place} is a time without a time zone")
    try:
        utc = value.astimezone(UTC)
    except OverflowError:
        raise PayloadError(f"{place} is a time out of range") from None
    if utc.year < 1000:
        # Why: the canonical form has a four-digit year; strftime would write fewer digits.
        raise PayloadError(f"{place} is a time out of range")
    text: str = utc.strftime(_DATETIME_FORMAT)
    return text


def _encode_date(value: Any, place: str) -> str:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise PayloadError(f"{place} must be a date")
    return value.isoformat()


def _encode_bool(value: Any, place: str) -> bool:
    if type(value) is not bool:
        raise PayloadError(f"{place} must be true or false")
    return value


def _encode_int(value: Any, place: str) -> int:
    if type(value) is not int:
        raise PayloadError(f"{place} must be a whole number")
    return value


#: Past 2**53 a whole number in a decimal field would not read back as itself.
_LARGEST_EXACT_WHOLE_FLOAT = 2**53


def _encode_float(value: Any, place: str) -> float:
    if type(value) not in (int, float):
        raise PayloadError(f"{place} must be a number")
    if type(value) is int and abs(value) > _LARGEST_EXACT_WHOLE_FLOAT:
        raise PayloadError(f"{place} is too large to store exactly")
    if not math.isfinite(value):
        raise PayloadError(f"{place} is not a finite number")
    return float(value)


def _encode_str(value: Any, place: str) -> str:
    # Why: surrogates are caught when the whole payload is encoded as UTF-8.
    if not isinstance(value, str):
        raise PayloadError(f"{place} must be text")
    return value


def _encode_unknown(value: Any, place: str) -> Any:
    raise PayloadError(f"{place} has a type the codec does not know")


_SCALAR_ENCODERS: dict[Any, Converter] = {
    datetime: _encode_datetime,
    date: _encode_date,
    bool: _encode_bool,
    int: _encode_int,
    float: _encode_float,
    str: _encode_str,
}


def _build_decoder(hint: Any) -> Converter:
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        inner = _decoder(_optional_inner(hint))
        return lambda data, place: None if data is None else inner(data, place)
    if origin is tuple:
        return _tuple_decoder(typing.get_args(hint))
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _dataclass_decoder(hint)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return _enum_decoder(hint)
    return _SCALAR_DECODERS.get(hint, _decode_unknown)


def _tuple_decoder(args: tuple[Any, ...]) -> Converter:
    if len(args) == 2 and args[1] is Ellipsis:
        item = _decoder(args[0])

        def decode_list(data: Any, place: str) -> tuple[Any, ...]:
            if not isinstance(data, list):
                raise PayloadError(f"{place} must be a list")
            return tuple(item(v, f"{place}[{i}]") for i, v in enumerate(data))

        return decode_list
    items = [_decoder(arg) for arg in args]

    def decode_fixed(data: Any, place: str) -> tuple[Any, ...]:
        if not isinstance(data, list):
            raise PayloadError(f"{place} must be a list")
        if len(data) != len(items):
            raise PayloadError(f"{place} must have exactly {len(items)} entries")
        pairs = enumerate(zip(data, items, strict=True))
        return tuple(decode(v, f"{place}[{i}]") for i, (v, decode) in pairs)

    return decode_fixed


def _dataclass_decoder(cls: type[Any]) -> Converter:
    fields: list[tuple[str, Converter]] = []
    names: list[str] = []
    known: set[str] = set()

    def decode_dataclass(data: Any, place: str) -> Any:
        if not isinstance(data, dict):
            raise PayloadError(f"{place} must be an object")
        if len(data) != len(names) or not known.issuperset(data):
            unknown = sorted(set(data) - known)
            if unknown:
                raise PayloadError(f"{place} has unknown field {unknown[0][:40]!r}")
            missing = [name for name in names if name not in data]
            raise PayloadError(f"{place} is missing field {missing[0]!r}")
        return cls(**{name: decode(data[name], f"{place}.{name}") for name, decode in fields})

    _DECODERS[cls] = decode_dataclass
    fields.extend((name, _decoder(hint)) for name, hint in _dataclass_fields(cls))
    names.extend(name for name, _ in fields)
    known.update(names)
    return decode_dataclass


def _enum_decoder(cls: type[Enum]) -> Converter:
    members = {member.value: member for member in cls}
    allowed = ", ".join(members)

    def decode_enum(data: Any, place: str) -> Enum:
        if not isinstance(data, str) or data not in members:
            raise PayloadError(f"{place} must be one of: {allowed}")
        return members[data]

    return decode_enum


def _decode_datetime(data: Any, place: str) -> datetime:
    if not isinstance(data, str) or not _DATETIME_SHAPE.fullmatch(data):
        raise PayloadError(f"{place} must be a UTC time like 2025-01-31T09:30:00.000000Z")
    try:
        # Why: the shape is checked above; fromisoformat reads it several times faster.
        return datetime.fromisoformat(data)
    except ValueError:
        raise PayloadError(f"{place} is not a real date and time") from None


def _decode_date(data: Any, place: str) -> date:
    if not isinstance(data, str) or not _DATE_SHAPE.fullmatch(data):
        raise PayloadError(f"{place} must be a date like 2025-01-31")
    try:
        return date.fromisoformat(data)
    except ValueError:
        raise PayloadError(f"{place} is not a real date") from None


def _decode_bool(data: Any, place: str) -> bool:
    if type(data) is not bool:
        raise PayloadError(f"{place} must be true or false")
    return data


def _decode_int(data: Any, place: str) -> int:
    if type(data) is not int:
        raise PayloadError(f"{place} must be a whole number")
    return data


def _decode_float(data: Any, place: str) -> float:
    if type(data) not in (int, float) or not math.isfinite(data):
        raise PayloadError(f"{place} must be a number")
    return float(data)


def _decode_str(data: Any, place: str) -> str:
    if not isinstance(data, str):
        raise PayloadError(f"{place} must be text")
    try:
        data.encode("utf-8")
    except UnicodeEncodeError:
        # Why: strict UTF-8 refuses exactly the surrogate code points, in C, without a scan.
        raise PayloadError(f"{place} holds an unpaired surrogate, which is not text") from None
    return data


def _decode_unknown(data: Any, place: str) -> Any:
    raise PayloadError(f"{place} has a type the codec does not know")


_SCALAR_DECODERS: dict[Any, Converter] = {
    datetime: _decode_datetime,
    date: _decode_date,
    bool: _decode_bool,
    int: _decode_int,
    float: _decode_float,
    str: _decode_str,
}
