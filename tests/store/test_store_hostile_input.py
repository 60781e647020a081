"""Whatever a person types or a damaged file holds, the answer is a clear refusal, never a crash."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.desk.errors import KioskError
from kiosk.desk.facade import Kiosk
from kiosk.desk.staff_rules import NewStaff
from kiosk.desk.unlock import LockedOut
from kiosk.intake.records import RecordKind, Severity
from kiosk.store import StoreError
from kiosk.store.nurse_table import RecordDigest
from kiosk.vault import WrongPin

HOSTILE_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80
) | st.sampled_from(["\x1b[2J", "\u202eevil", "\x00", "N100\n", "' OR 1=1 --", "🙂" * 40])


def ci_sized(count: int) -> settings:
    """`count` examples in CI; the fuzz profile's unbounded count under `make fuzz`."""
    if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz":
        return settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
    return settings(max_examples=count, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.fuzz
@ci_sized(200)
@given(st.binary(max_size=400))
def test_a_damaged_summary_is_refused_cleanly(data: bytes) -> None:
    try:
        RecordDigest.from_bytes(data)
    except StoreError:
        pass


def test_a_summary_round_trips_exactly() -> None:
    digest = RecordDigest(
        RecordKind.CHECKIN, "p", "Ann \x1b[2J", None, None, None, None, Severity.STOP, True, ("x",)
    )
    assert RecordDigest.from_bytes(digest.to_bytes()) == digest


@pytest.mark.fuzz
@ci_sized(100)
@given(staff_id=HOSTILE_TEXT, pin=HOSTILE_TEXT)
def test_any_typed_staff_id_and_pin_is_refused_as_a_wrong_pin(
    demo_kiosk: Kiosk, staff_id: str, pin: str
) -> None:
    if (staff_id, pin) in {("N100", "246810"), ("IT1", "135790")}:
        return
    with pytest.raises((WrongPin, LockedOut)):
        demo_kiosk.unlock(staff_id, pin)


@pytest.mark.fuzz
@ci_sized(100)
@given(staff_id=HOSTILE_TEXT, name=HOSTILE_TEXT, pin=HOSTILE_TEXT)
def test_enrolling_with_any_typed_values_enrols_or_says_why(
    demo_kiosk: Kiosk, staff_id: str, name: str, pin: str
) -> None:
    before = len(demo_kiosk.store.list_staff())
    try:
        demo_kiosk.add_staff(NewStaff(staff_id, name, "it", pin), actor="IT1")
    except KioskError as error:
        assert "\n" not in str(error)
        assert len(demo_kiosk.store.list_staff()) == before
