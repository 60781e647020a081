"""The chair's entries are records like any other: canonical bytes, read back exactly, strict."""

from __future__ import annotations

import dataclasses
import json

import pytest

from kiosk.intake.chair.records import CHAIR_RECORD_KINDS, ChairLogRecord
from kiosk.intake.codec import KIND_OF_TYPE, PayloadError, from_payload, kind_of, to_payload
from tests.chair_examples import example_session

SESSION = [entry.record for entry in example_session().entries]


@pytest.mark.parametrize("record", SESSION, ids=lambda record: type(record).__name__)
def test_every_entry_of_a_whole_session_reads_back_as_itself(record: ChairLogRecord) -> None:
    payload = to_payload(record)
    assert from_payload(payload) == record
    assert json.loads(payload)["kind"] == CHAIR_RECORD_KINDS[type(record)]


def test_a_whole_session_uses_most_kinds_and_every_kind_has_its_own_name() -> None:
    assert len({kind_of(record) for record in SESSION}) >= 12
    assert len(set(CHAIR_RECORD_KINDS.values())) == len(CHAIR_RECORD_KINDS)


def test_both_times_of_an_entry_entered_late_are_kept() -> None:
    log = example_session()
    late = log.entry(type(SESSION[2]), 10, entered=25, **_fields_of(SESSION[2]))
    back = from_payload(to_payload(late.record))
    assert (back.happened_at, back.entered_at) == (log.at(10), log.at(25))


@pytest.mark.parametrize("schema", [1, 2])
def test_a_chair_entry_claiming_a_schema_from_before_the_chair_is_refused(schema: int) -> None:
    body = json.loads(to_payload(SESSION[3]))
    body["schema"] = schema
    data = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    with pytest.raises(PayloadError, match="payload.schema must be 3 to 3 for infusion_start"):
        from_payload(data)


def test_a_rate_in_an_unknown_unit_is_refused_naming_the_place() -> None:
    change = next(record for record in SESSION if kind_of(record) == "rate_change")
    body = json.loads(to_payload(change))
    body["rate"]["unit"] = "drops/min"
    data = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    with pytest.raises(PayloadError, match=r"rate_change\.rate\.unit must be one of"):
        from_payload(data)


def _fields_of(record: ChairLogRecord) -> dict[str, object]:
    common = {"checkin_id", "nurse_id", "happened_at", "entered_at"}
    return {k: v for k, v in vars(record).items() if k not in common}


def test_no_record_has_a_field_the_payload_uses_for_itself() -> None:
    """A field named "kind" or "schema" would be overwritten by the payload's own."""
    for record_type in KIND_OF_TYPE:
        names = {field.name for field in dataclasses.fields(record_type)}
        assert not names & {"kind", "schema"}, record_type.__name__
