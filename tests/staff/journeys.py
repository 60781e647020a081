"""The nurse's way to the sign-off, driven with real keys and taps, for the tests that start there.

Hana checks in with a STOP (heart disease) and a CAUTION (alcohol in the last 24 h); the nurse
signs in, opens her check-in from today's list, types her vitals (a systolic past the hold
threshold), picks the pregnancy test's result and presses Sign off.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Select

from kiosk.desk.facade import Kiosk
from kiosk.intake.records import Answer, PregnancyTest
from kiosk.screens.nurse_checkin import NurseCheckInScreen
from kiosk.screens.nurse_signoff import NurseSignOffScreen
from kiosk.screens.nurse_vitals import NurseVitalsScreen
from tests.examples import example_checklist, example_history
from tests.staff.conftest import NURSE, NURSE_PIN, StaffHostApp, checkin_for
from tests.waiting import wait_until


async def unlock(pilot: Pilot[None], staff_id: str, pin: str) -> None:
    """F12, then the staff id and the PIN typed, each ended with Enter."""
    await pilot.press("f12")
    await pilot.pause()
    await pilot.press(*staff_id, "enter", *pin, "enter")
    await pilot.pause()


def submit_hana(kiosk: Kiosk) -> str:
    """A STOP (heart disease) and a CAUTION (alcohol in the last 24 h) from her answers."""
    return (
        kiosk.patient_desk()
        .submit_checkin(
            checkin_for(
                "Hana Hold",
                "p-hold",
                history=example_history(heart_disease=Answer.YES),
                checklist=example_checklist(alcohol_or_drugs_24h=Answer.YES),
            )
        )
        .record_id
    )


async def open_only_checkin(app: StaffHostApp, pilot: Pilot[None]) -> None:
    """Enter on today's list opens the check-in its cursor is on (the only one, or the top)."""
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, NurseCheckInScreen), "the check-in")


async def vitals_then_sign_off(
    app: StaffHostApp, pilot: Pilot[None], systolic: str = "165", diastolic: str = "85"
) -> None:
    """From an open check-in: Enter vitals, each reading typed and ended with Enter (which moves
    on to the next, then to the pregnancy test), "negative" picked with the arrows, Sign off."""
    await pilot.click("#nurse-checkin-vitals")
    await wait_until(pilot, lambda: isinstance(app.screen, NurseVitalsScreen), "vitals")
    await pilot.press(*systolic, "enter", *diastolic, "enter", *"72", "enter", *"97", "enter")
    await pilot.press(*"36.8", "enter", *"14", "enter", *"70", "enter", "3", "enter")
    test = app.screen.query_one("#vitals-pregnancy", Select)
    assert test.has_focus, "Enter after the last reading did not reach the pregnancy test"
    await pilot.press("enter")
    await wait_until(pilot, lambda: test.expanded, "the pregnancy test's results")
    await pilot.press("down", "enter")  # from "choose" down to "negative"
    await wait_until(pilot, lambda: test.value == PregnancyTest.NEGATIVE, "negative chosen")
    await pilot.click("#vitals-sign")
    await wait_until(pilot, lambda: isinstance(app.screen, NurseSignOffScreen), "sign-off")


@asynccontextmanager
async def nurse_at_sign_off(
    kiosk: Kiosk, submit: Callable[[Kiosk], object] = submit_hana, **run_options: Any
) -> AsyncIterator[tuple[StaffHostApp, Pilot[None]]]:
    """A patient checked in (Hana unless `submit` says who), and the nurse on the sign-off of
    that check-in, the only one today (see the module's story)."""
    submit(kiosk)
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 40), **run_options) as pilot:
        await unlock(pilot, NURSE, NURSE_PIN)
        await open_only_checkin(app, pilot)
        await vitals_then_sign_off(app, pilot)
        yield app, pilot
