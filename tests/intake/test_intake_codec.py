"""The canonical payload: the same record always gives the same bytes, and bad bytes say why."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from datetime import UTC, date, datetime, timedelta, timezone
from enum import Enum
from typing import Any, Union

import pytest
from hypothesis import given
from hypothesis import strategies as st
from intake_hypothesis import ci_examples

from kiosk.intake.codec import (
    KIND_OF_TYPE,
    MAX_PAYLOAD_BYTES,
    PayloadError,
    Record,
    from_payload,
    kind_of,
    to_payload,
)
from kiosk.intake.records import (
    Answer,
    Medication,
    Severity,
)
from tests.examples import (
    example_checkin,
    example_consent_declined,
    example_decision,
    example_draft,
    example_medications,
    example_stop_override,
    example_vitals,
)

TEXT = st.text(max_size=30)  # hypothesis' default alphabet has no surrogates
MOMENTS = st.datetimes(
    min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
)


def strategy_for(hint: Any) -> st.SearchStrategy[Any]:
    """A strategy for any type used in records.py, built from the type hints."""
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        (inner,) = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return st.none() | strategy_for(inner)
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return st.lists(strategy_for(args[0]), max_size=3).map(tuple)
        return st.tuples(*(strategy_for(arg) for arg in args))
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        hints = typing.get_type_hints(hint)
        fields = {f.name: strategy_for(hints[f.name]) for f in dataclasses.fields(hint)}
        return st.fixed_dictionaries(fields).map(lambda values: hint(**values))
    if isinstance(hint, type) and issubclass(hint, Enum):
        return st.sampled_from(list(hint))
    simple: dict[Any, st.SearchStrategy[Any]] = {
        datetime: MOMENTS,
        date: st.dates(),
        bool: st.booleans(),
        int: st.integers(-(2**63), 2**63),
        float: st.floats(allow_nan=False, allow_infinity=False),
        str: TEXT,
    }
    return simple[hint]


#: Every record kind the codec writes, the infusion chair's included.
RECORDS = st.one_of(*(strategy_for(cls) for cls in KIND_OF_TYPE))


@pytest.mark.fuzz
@ci_examples(80)
@given(RECORDS)
def test_any_record_round_trips_exactly_and_canonically(record: Record) -> None:
    payload = to_payload(record)
    back = from_payload(payload)
    assert back == record
    assert to_payload(back) == payload


# Values of every kind a screen or a careless caller could put in the wrong field.
ANY_VALUE = st.one_of(
    TEXT,
    st.integers(),
    st.floats(),
    st.booleans(),
    st.none(),
    st.lists(TEXT, max_size=2),
    st.lists(TEXT, max_size=2).map(tuple),
    st.dates(),
    st.datetimes(),
    st.datetimes(timezones=st.just(UTC)),
    st.sampled_from([*Severity, *Answer]),
)


def _with_one_field_replaced(record: Any, data: st.DataObject) -> Any:
    """The record with one field, at any depth of nested records, set to any value."""
    field = data.draw(st.sampled_from(dataclasses.fields(record)))
    current = getattr(record, field.name)
    if dataclasses.is_dataclass(current) and data.draw(st.booleans()):
        value = _with_one_field_replaced(current, data)
    else:
        value = data.draw(ANY_VALUE)
    return dataclasses.replace(record, **{field.name: value})


@pytest.mark.fuzz
@ci_examples(300)
@given(RECORDS, st.data())
def test_a_record_with_any_field_mistyped_is_refused_or_reads_back_equal(
    record: Record, data: st.DataObject
) -> None:
    """Encoding checks types on the way, so the kiosk never needs to decode to find out."""
    changed = _with_one_field_replaced(record, data)
    try:
        payload = to_payload(changed)
    except PayloadError:
        return
    assert from_payload(payload) == changed


@pytest.mark.parametrize(
    "record",
    [
        example_checkin(),
        example_draft(),
        example_vitals(),
        example_consent_declined(),
        example_decision(),
        example_stop_override(),
    ],
)
def test_the_example_records_round_trip(record: Record) -> None:
    assert from_payload(to_payload(record)) == record


def test_a_medication_keeps_what_it_was_read_as_through_the_codec() -> None:
    read = Medication("Rivotril 2 mg", "2 mg", "por la noche", read_as=("Rivotril (clonazepam)",))
    checkin = example_checkin(medications=example_medications(medications=(read,)))
    assert from_payload(to_payload(checkin)) == checkin


def test_a_schema_1_check_in_from_before_read_as_still_reads_back() -> None:
    checkin = example_checkin()
    body = json.loads(to_payload(checkin))
    body["schema"] = 1
    for medication in body["medications"]["medications"]:
        del medication["read_as"]
    old = json.dumps(body).encode()
    assert from_payload(old) == checkin
    assert all(med.read_as == () for med in checkin.medications.medications)
    draft = json.loads(to_payload(example_draft()))
    draft["schema"] = 1
    for medication in draft["medications"]["medications"]:
        del medication["read_as"]
    assert from_payload(json.dumps(draft).encode()) == example_draft()


def test_a_schema_1_medication_with_read_as_is_refused() -> None:
    body = json.loads(to_payload(example_checkin()))
    body["schema"] = 1
    with pytest.raises(PayloadError, match=r"medications\[0\] has unknown field 'read_as'"):
        from_payload(json.dumps(body).encode())


def test_a_schema_2_medication_without_read_as_is_refused() -> None:
    body = json.loads(to_payload(example_checkin()))
    del body["medications"]["medications"][0]["read_as"]
    with pytest.raises(PayloadError, match="missing field 'read_as'"):
        from_payload(json.dumps(body).encode())


def test_the_payload_is_sorted_compact_utf8_json_with_kind_and_schema() -> None:
    payload = to_payload(example_vitals())
    text = payload.decode("utf-8")
    body = json.loads(text)
    assert (body["kind"], body["schema"]) == ("vitals", 3)
    assert text == json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert body["taken_at"] == "2025-03-14T14:50:00.000000Z"
    assert body["pregnancy_test"] == "negative"
    assert kind_of(example_checkin()) == "checkin"


def test_times_in_any_zone_are_written_as_utc() -> None:
    eastern = timezone(timedelta(hours=-4))
    local = datetime(2025, 3, 14, 10, 50, tzinfo=eastern)
    body = json.loads(to_payload(example_vitals(taken_at=local)))
    assert body["taken_at"] == "2025-03-14T14:50:00.000000Z"


def test_a_time_without_a_zone_cannot_be_written() -> None:
    with pytest.raises(PayloadError, match="taken_at"):
        to_payload(example_vitals(taken_at=datetime(2025, 3, 14, 10, 50)))


def test_text_with_unicode_is_kept_as_utf8_not_escaped() -> None:
    payload = to_payload(example_checkin())
    assert "María".encode() in payload


def body_of(record: Record) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(to_payload(record))
    return result


def encode(body: Any) -> bytes:
    return json.dumps(body).encode()


def without(body: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != key}


VITALS = body_of(example_vitals())
CHECKIN = body_of(example_checkin())


@pytest.mark.parametrize(
    ("data", "names"),
    [
        (b"\xff\xfe", "UTF-8"),
        (b"{", "JSON"),
        (b"[]", "object"),
        (encode({**VITALS, "kind": "pizza"}), "kind"),
        (encode(without(VITALS, "kind")), "kind"),
        (encode({**VITALS, "schema": 4}), "schema"),
        (encode({**VITALS, "schema": 0}), "schema"),
        (encode({**VITALS, "schema": "1"}), "schema"),
        (encode({**VITALS, "colour": "red"}), "unknown field 'colour'"),
        (encode(without(VITALS, "nurse_id")), "missing field 'nurse_id'"),
        (encode({**VITALS, "systolic_mmhg": "128"}), "vitals.systolic_mmhg"),
        (encode({**VITALS, "systolic_mmhg": True}), "vitals.systolic_mmhg"),
        (encode({**VITALS, "systolic_mmhg": 128.0}), "vitals.systolic_mmhg"),
        (encode({**VITALS, "temperature_c": "hot"}), "vitals.temperature_c"),
        (encode({**VITALS, "taken_at": "2025-03-14 14:50"}), "vitals.taken_at"),
        (encode({**VITALS, "taken_at": "2025-02-30T14:50:00.000000Z"}), "vitals.taken_at"),
        (encode({**VITALS, "pregnancy_test": "maybe"}), "vitals.pregnancy_test"),
        (b'{"kind":"vitals","kind":"vitals"}', "repeats a key"),
        (b'{"schema": NaN}', "NaN"),
        (encode({**VITALS, "nurse_id": "\ud800"}), "surrogate"),
        (
            encode({**CHECKIN, "phq9": {"items": [0, 0, 0]}}),
            "checkin.phq9.items must have exactly 9",
        ),
        (
            encode({**CHECKIN, "identity": {**CHECKIN["identity"], "date_of_birth": "84-7-2"}}),
            "checkin.identity.date_of_birth",
        ),
        (b"[" * 100_000 + b"]" * 100_000, "JSON"),
        (b" " * (MAX_PAYLOAD_BYTES + 1), "larger"),
        (b'{"a":' + b"9" * 5000 + b"}", "JSON"),
    ],
)
def test_a_bad_payload_is_refused_naming_the_place(data: bytes, names: str) -> None:
    with pytest.raises(PayloadError) as refused:
        from_payload(data)
    assert names in str(refused.value)


@pytest.mark.fuzz
@ci_examples(200)
@given(st.binary(max_size=400) | st.text(max_size=200).map(str.encode))
def test_any_bytes_give_a_record_or_a_payload_error(data: bytes) -> None:
    try:
        from_payload(data)
    except PayloadError:
        pass


@pytest.mark.fuzz
@ci_examples(100)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
        ),
        max_leaves=20,
    ),
    st.sampled_from(sorted(VITALS)),
)
def test_any_json_value_in_any_field_gives_a_record_or_a_payload_error(
    value: Any, key: str
) -> None:
    try:
        from_payload(json.dumps({**VITALS, key: value}).encode())
    except PayloadError:
        pass


@pytest.mark.parametrize("huge", [2**53 + 1, 10**400, -(10**400)])
def test_a_whole_number_too_large_for_a_decimal_field_is_refused_by_name(huge: int) -> None:
    vitals = dataclasses.replace(example_vitals(), temperature_c=huge)
    with pytest.raises(PayloadError, match="temperature_c is too large"):
        to_payload(vitals)
