"""Every vital at its edges, as the nurse types it: just inside and just outside the
plausibility limits (refused, naming the limit), exactly at each hold threshold (accepted,
with its flag beside it), and the C/F and kg/lb conversions."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from textual.widgets import Input, Select, Static

from kiosk.desk.facade import Kiosk
from kiosk.desk.staff_shift import StaffShift
from kiosk.intake.records import PregnancyTest
from kiosk.screens.nurse_vitals import NurseVitalsScreen
from kiosk.widgets.staff_display import VITAL_UNITS
from tests.staff.conftest import NURSE, NURSE_PIN, StaffHostApp

ACCEPTED, REFUSED = "accepted", "refused"

# (measure, unit typed or None, typed, outcome, flag word or "" for no flag)
CASES = [
    ("systolic", None, "49", REFUSED, ""),
    ("systolic", None, "50", ACCEPTED, "CAUTION"),
    ("systolic", None, "89", ACCEPTED, "CAUTION"),
    ("systolic", None, "90", ACCEPTED, ""),
    ("systolic", None, "159", ACCEPTED, ""),
    ("systolic", None, "160", ACCEPTED, "CAUTION"),
    ("systolic", None, "179", ACCEPTED, "CAUTION"),
    ("systolic", None, "180", ACCEPTED, "STOP"),
    ("systolic", None, "300", ACCEPTED, "STOP"),
    ("systolic", None, "301", REFUSED, ""),
    ("diastolic", None, "19", REFUSED, ""),
    ("diastolic", None, "20", ACCEPTED, ""),
    ("diastolic", None, "99", ACCEPTED, ""),
    ("diastolic", None, "100", ACCEPTED, "CAUTION"),
    ("diastolic", None, "110", ACCEPTED, "STOP"),
    ("diastolic", None, "200", ACCEPTED, "STOP"),
    ("diastolic", None, "201", REFUSED, ""),
    ("heart_rate", None, "19", REFUSED, ""),
    ("heart_rate", None, "20", ACCEPTED, "CAUTION"),
    ("heart_rate", None, "49", ACCEPTED, "CAUTION"),
    ("heart_rate", None, "50", ACCEPTED, ""),
    ("heart_rate", None, "120", ACCEPTED, ""),
    ("heart_rate", None, "121", ACCEPTED, "CAUTION"),
    ("heart_rate", None, "250", ACCEPTED, "CAUTION"),
    ("heart_rate", None, "251", REFUSED, ""),
    ("spo2", None, "49", REFUSED, ""),
    ("spo2", None, "50", ACCEPTED, "STOP"),
    ("spo2", None, "89", ACCEPTED, "STOP"),
    ("spo2", None, "90", ACCEPTED, "CAUTION"),
    ("spo2", None, "93", ACCEPTED, "CAUTION"),
    ("spo2", None, "94", ACCEPTED, ""),
    ("spo2", None, "100", ACCEPTED, ""),
    ("spo2", None, "101", REFUSED, ""),
    ("temperature", None, "29.9", REFUSED, ""),
    ("temperature", None, "30", ACCEPTED, ""),
    ("temperature", None, "37.9", ACCEPTED, ""),
    ("temperature", None, "38.0", ACCEPTED, "CAUTION"),
    ("temperature", None, "45", ACCEPTED, "CAUTION"),
    ("temperature", None, "45.1", REFUSED, ""),
    ("temperature", "F", "85.9", REFUSED, ""),
    ("temperature", "F", "86", ACCEPTED, ""),
    ("temperature", "F", "100.2", ACCEPTED, ""),
    ("temperature", "F", "100.4", ACCEPTED, "CAUTION"),
    ("temperature", "F", "113.2", REFUSED, ""),
    ("respiratory_rate", None, "3", REFUSED, ""),
    ("respiratory_rate", None, "4", ACCEPTED, "CAUTION"),
    ("respiratory_rate", None, "9", ACCEPTED, "CAUTION"),
    ("respiratory_rate", None, "10", ACCEPTED, ""),
    ("respiratory_rate", None, "24", ACCEPTED, ""),
    ("respiratory_rate", None, "25", ACCEPTED, "CAUTION"),
    ("respiratory_rate", None, "60", ACCEPTED, "CAUTION"),
    ("respiratory_rate", None, "61", REFUSED, ""),
    ("weight", None, "24.9", REFUSED, ""),
    ("weight", None, "25", ACCEPTED, ""),
    ("weight", None, "350", ACCEPTED, ""),
    ("weight", None, "350.1", REFUSED, ""),
    ("weight", "lb", "55", REFUSED, ""),
    ("weight", "lb", "56", ACCEPTED, ""),
    ("weight", "lb", "771.6", ACCEPTED, ""),
    ("weight", "lb", "772", REFUSED, ""),
    ("pain_now", None, "-1", REFUSED, ""),
    ("pain_now", None, "0", ACCEPTED, ""),
    ("pain_now", None, "10", ACCEPTED, ""),
    ("pain_now", None, "11", REFUSED, ""),
    ("systolic", None, "12O", REFUSED, ""),
    ("systolic", None, "120.5", REFUSED, ""),
    ("systolic", None, "\x1b[31m120", REFUSED, ""),
]


@pytest.fixture
async def vitals_screen(kiosk: Kiosk) -> AsyncIterator[NurseVitalsScreen]:
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        shift = StaffShift(kiosk, kiosk.unlock(NURSE, NURSE_PIN), idle_seconds=600)
        screen = NurseVitalsScreen(shift, "checkin-under-test")
        await app.push_screen(screen)
        await pilot.pause()
        yield screen


def type_reading(screen: NurseVitalsScreen, measure: str, unit: str | None, typed: str) -> str:
    """Put a reading in its box as the nurse would, returns the note shown beside it."""
    screen.switch_unit(measure, unit or VITAL_UNITS[measure][0])
    screen.query_one(f"#vital-{measure}", Input).value = typed
    screen.check(measure)
    return str(screen.query_one(f"#note-{measure}", Static).render())


async def test_every_vital_is_refused_or_flagged_exactly_at_its_edges(
    vitals_screen: NurseVitalsScreen,
) -> None:
    wrong = []
    for measure, unit, typed, outcome, flag in CASES:
        note = type_reading(vitals_screen, measure, unit, typed)
        refused = measure in vitals_screen.problems
        if refused != (outcome == REFUSED) or (flag and flag not in note):
            wrong.append((measure, unit, typed, note))
        if not flag and not refused and note:
            wrong.append((measure, unit, typed, f"unexpected flag: {note}"))
    assert wrong == []


async def test_a_refusal_names_the_limits_in_the_unit_typed(
    vitals_screen: NurseVitalsScreen,
) -> None:
    note = type_reading(vitals_screen, "systolic", None, "301")
    assert "50" in note and "300" in note
    note = type_reading(vitals_screen, "temperature", "F", "120")
    assert "86.0" in note and "113.0" in note and "°F" in note
    note = type_reading(vitals_screen, "weight", "lb", "900")
    assert "lb" in note


async def test_fahrenheit_and_pounds_are_stored_as_celsius_and_kilograms(
    vitals_screen: NurseVitalsScreen,
) -> None:
    type_reading(vitals_screen, "temperature", "F", "98.6")
    type_reading(vitals_screen, "weight", "lb", "150")
    assert vitals_screen.values["temperature"] == 37.0
    assert vitals_screen.values["weight"] == 68.0


async def test_a_positive_pregnancy_test_is_a_stop_flag_on_the_spot(
    vitals_screen: NurseVitalsScreen,
) -> None:
    vitals_screen.query_one("#vitals-pregnancy", Select).value = PregnancyTest.POSITIVE
    vitals_screen.show_flags()
    assert "STOP" in str(vitals_screen.query_one("#note-pregnancy_test", Static).render())


async def test_sign_off_says_which_readings_are_still_missing(
    vitals_screen: NurseVitalsScreen,
) -> None:
    type_reading(vitals_screen, "systolic", None, "120")
    vitals_screen.sign_off()
    status = str(vitals_screen.query_one("#vitals-status", Static).render())
    assert "Diastolic" in status and "Pregnancy test" in status and "Systolic" not in status
