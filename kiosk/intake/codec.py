"""Canonical JSON for the records: the exact bytes the vault seals and the server stores.

One generic converter walks the frozen dataclasses in records.py by their type hints, so a
field added there is serialised without touching this file. Encoding is canonical (sorted keys,
no whitespace, UTF-8, UTC times with microseconds) so the same record always gives the same
bytes; decoding is strict and turns every defect into a `PayloadError` naming the place.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
import types
import typing
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any, Union

from kiosk.intake.records import (
    AuditEntry,
    CheckIn,
    ConsentDeclined,
    Draft,
    RecordKind,
    Vitals,
)

SCHEMA_VERSION = 1
# Why: a check-in is a few kilobytes; anything far larger is hostile or corrupt.
MAX_PAYLOAD_BYTES = 1_048_576

Record = CheckIn | Draft | Vitals | ConsentDeclined | AuditEntry

#: The "kind" string written into every payload, per record type.
KIND_OF_TYPE: dict[type[Any], str] = {
    CheckIn: RecordKind.CHECKIN.value,
    Draft: RecordKind.DRAFT.value,
    Vitals: RecordKind.VITALS.value,
    ConsentDeclined: RecordKind.CONSENT_DECLINED.value,
    AuditEntry: "audit_entry",
}
TYPE_OF_KIND: dict[str, type[Any]] = {kind: cls for cls, kind in KIND_OF_TYPE.items()}

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
    """The canonical UTF-8 JSON of a record, with its kind and the schema version."""
    cls = type(record)
    if cls not in KIND_OF_TYPE:
        raise PayloadError(f"{cls.__name__} is not a record kind the codec knows")
    body = _encode(record, cls, cls.__name__)
    body["kind"] = KIND_OF_TYPE[cls]
    body["schema"] = SCHEMA_VERSION
    try:
        text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return text.encode("utf-8")
    except (ValueError, UnicodeEncodeError) as error:
        # Why: a lone surrogate or NaN cannot be canonical JSON; say so without echoing it.
        raise PayloadError(f"{cls.__name__} holds a value JSON cannot carry") from error


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
    if type(schema) is not int or schema != SCHEMA_VERSION:
        raise PayloadError(f"payload.schema must be {SCHEMA_VERSION}")
    fields = {key: value for key, value in body.items() if key not in _ENVELOPE_KEYS}
    record: Record = _decode(fields, TYPE_OF_KIND[kind], kind)
    return record


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise PayloadError("payload repeats a key in one object")
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise PayloadError(f"payload holds {name}, which is not a JSON number")


_HINTS: dict[type[Any], dict[str, Any]] = {}


def _hints(cls: type[Any]) -> dict[str, Any]:
    # Why: resolving string annotations is slow; the record classes never change at run time.
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _encode(value: Any, hint: Any, place: str) -> Any:
    """Turn a typed value into JSON-ready data, guided by its declared type."""
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        if value is None:
            return None
        (inner,) = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return _encode(value, inner, place)
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return [_encode(item, args[0], f"{place}[{i}]") for i, item in enumerate(value)]
        pairs = enumerate(zip(value, args, strict=True))
        return [_encode(item, arg, f"{place}[{i}]") for i, (item, arg) in pairs]
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        hints = _hints(hint)
        return {
            f.name: _encode(getattr(value, f.name), hints[f.name], f"{place}.{f.name}")
            for f in dataclasses.fields(hint)
        }
    if isinstance(hint, type) and issubclass(hint, Enum):
        return value.value
    if hint is datetime:
        if value.tzinfo is None or value.utcoffset() is None:
            raise PayloadError(f"{place} is a time without a time zone")
        return value.astimezone(UTC).strftime(_DATETIME_FORMAT)
    if hint is date:
        return value.isoformat()
    if hint is float:
        if not math.isfinite(value):
            raise PayloadError(f"{place} is not a finite number")
        return float(value)
    return value


def _decode(data: Any, hint: Any, place: str) -> Any:
    """Turn JSON data into the declared type, or raise `PayloadError` naming the place."""
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        if data is None:
            return None
        (inner,) = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return _decode(data, inner, place)
    if origin is tuple:
        return _decode_tuple(data, typing.get_args(hint), place)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _decode_dataclass(data, hint, place)
    if isinstance(hint, type) and issubclass(hint, Enum):
        allowed = [member.value for member in hint]
        if not isinstance(data, str) or data not in allowed:
            raise PayloadError(f"{place} must be one of: {', '.join(allowed)}")
        return hint(data)
    if hint is datetime:
        if not isinstance(data, str) or not _DATETIME_SHAPE.fullmatch(data):
            raise PayloadError(f"{place} must be a UTC time like 2025-01-31T09:30:00.000000Z")
        try:
            return datetime.strptime(data, _DATETIME_FORMAT).replace(tzinfo=UTC)
        except ValueError:
            raise PayloadError(f"{place} is not a real date and time") from None
    if hint is date:
        if not isinstance(data, str) or not _DATE_SHAPE.fullmatch(data):
            raise PayloadError(f"{place} must be a date like 2025-01-31")
        try:
            return date.fromisoformat(data)
        except ValueError:
            raise PayloadError(f"{place} is not a real date") from None
    if hint is bool:
        if type(data) is not bool:
            raise PayloadError(f"{place} must be true or false")
        return data
    if hint is int:
        if type(data) is not int:
            raise PayloadError(f"{place} must be a whole number")
        return data
    if hint is float:
        if type(data) not in (int, float) or not math.isfinite(data):
            raise PayloadError(f"{place} must be a number")
        return float(data)
    if hint is str:
        if not isinstance(data, str):
            raise PayloadError(f"{place} must be text")
        if any("\ud800" <= ch <= "\udfff" for ch in data):
            raise PayloadError(f"{place} holds an unpaired surrogate, which is not text")
        return data
    raise PayloadError(f"{place} has a type the codec does not know")


def _decode_tuple(data: Any, args: tuple[Any, ...], place: str) -> tuple[Any, ...]:
    if not isinstance(data, list):
        raise PayloadError(f"{place} must be a list")
    if len(args) == 2 and args[1] is Ellipsis:
        return tuple(_decode(item, args[0], f"{place}[{i}]") for i, item in enumerate(data))
    if len(data) != len(args):
        raise PayloadError(f"{place} must have exactly {len(args)} entries")
    pairs = enumerate(zip(data, args, strict=True))
    return tuple(_decode(item, arg, f"{place}[{i}]") for i, (item, arg) in pairs)


def _decode_dataclass(data: Any, cls: type[Any], place: str) -> Any:
    if not isinstance(data, dict):
        raise PayloadError(f"{place} must be an object")
    hints = _hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    unknown = sorted(set(data) - set(names))
    if unknown:
        raise PayloadError(f"{place} has unknown field {unknown[0][:40]!r}")
    missing = [name for name in names if name not in data]
    if missing:
        raise PayloadError(f"{place} is missing field {missing[0]!r}")
    values = {name: _decode(data[name], hints[name], f"{place}.{name}") for name in names}
    return cls(**values)
