"""Wrong PINs at the staff unlock slow the kiosk's PIN pad down but lock no one out: a patient
guessing at a nurse's id from the waiting room gets at most 2 guesses a minute, each one a full
Argon2id derivation, and the nurse's right PIN still opens within 30 s. Driven with keystrokes
in the real kiosk App, on a clock the test moves (no real waiting)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from kiosk.app import KioskApp
from kiosk.desk.facade import Kiosk
from kiosk.desk.unlock import LockedOut
from kiosk.screens.nurse_queue import NurseQueueScreen
from kiosk.screens.staff_unlock import StaffUnlockScreen
from tests.staff.conftest import NURSE, NURSE_PIN

START = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
LONGEST_WAIT = timedelta(seconds=30)


class WallClock:
    """The kiosk's wall clock, moved by the test."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


async def try_pin(pilot: Pilot[None], staff_id: str, pin: str) -> str:
    """Type an id and a PIN at the unlock (F12 first if needed); what the screen says back."""
    app = pilot.app
    if not isinstance(app.screen, StaffUnlockScreen):
        await pilot.press("f12")
        await pilot.pause()
    app.screen.query_one("#staff-id", Input).value = ""
    app.screen.query_one("#staff-id", Input).focus()
    await pilot.press(*staff_id, "enter", *pin, "enter")
    await pilot.pause()
    if not isinstance(app.screen, StaffUnlockScreen):
        return ""
    return str(app.screen.query_one("#staff-unlock-problem", Static).render())


def waited_seconds(said: str) -> int:
    """The N of "... the next try is possible in N s ..." (0 when the screen asks no wait)."""
    if "next try is possible in" not in said:
        return 0
    return int(said.split("next try is possible in ")[1].split(" s")[0])


def pins_checked(kiosk: Kiosk) -> int:
    """How many PINs the kiosk really tried (each an Argon2id derivation), from its audit."""
    return sum(1 for e in kiosk.store.audit_entries() if e.action == "staff.unlock_failed")


async def guess_as_fast_as_allowed(
    pilot: Pilot[None], clock: WallClock, until: datetime, kiosk: Kiosk
) -> list[int]:
    """A patient at F12 tries PIN after PIN for N100, each as soon as the pad allows it (and
    one more try in the middle of every wait). Returns each wait the pad asked for."""
    waits: list[int] = []
    guess = 100000
    while clock.now < until:
        guess += 1
        said = await try_pin(pilot, NURSE, str(guess))
        assert said.startswith("Unknown staff id or wrong PIN"), said
        wait = waited_seconds(said)
        waits.append(wait)
        if wait > 1:
            checked = pins_checked(kiosk)
            clock.advance(wait / 2)
            early = await try_pin(pilot, NURSE, NURSE_PIN)  # even the right PIN, too early
            assert "This PIN was not checked" in early
            assert pins_checked(kiosk) == checked
            clock.advance(wait / 2)
        else:
            clock.advance(wait or 1)  # a person's next try takes a second at least
    return waits


@pytest.fixture
def clock() -> WallClock:
    return WallClock()


@pytest.fixture
def app(kiosk: Kiosk, clock: WallClock) -> KioskApp:
    return KioskApp(kiosk, wall_clock=clock, sync_interval=None)


async def test_a_patient_guessing_a_nurses_pin_gets_at_most_two_guesses_a_minute(
    app: KioskApp, kiosk: Kiosk, clock: WallClock
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await guess_as_fast_as_allowed(pilot, clock, START + timedelta(minutes=10), kiosk)
    minutes = (clock.now - START) / timedelta(minutes=1)
    checked = pins_checked(kiosk)
    # Three free tries, three shorter waits (5, 10 and 20 s), then one guess per 30 s.
    assert checked <= 3 + 3 + 2 * minutes
    failures = [e for e in kiosk.store.audit_entries() if e.action == "staff.unlock_failed"]
    assert all(e.actor == NURSE for e in failures)
    assert not any("100001" in e.detail or NURSE_PIN in e.detail for e in failures)
    next_try = kiosk.store.next_unlock_try()
    assert next_try is not None

    restarted = Kiosk.open(kiosk.data_dir)  # a restart (or a new tab) is no way around it
    with pytest.raises(LockedOut):
        restarted.unlock(NURSE, NURSE_PIN, next_try - timedelta(seconds=1))
    assert restarted.unlock(NURSE, NURSE_PIN, next_try).staff_id == NURSE
    restarted.close()


async def test_the_nurses_right_pin_opens_within_30_s_of_a_patients_guessing(
    app: KioskApp, kiosk: Kiosk, clock: WallClock
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        waits = await guess_as_fast_as_allowed(pilot, clock, START + timedelta(minutes=5), kiosk)
        assert max(waits) <= LONGEST_WAIT.total_seconds()
        await try_pin(pilot, NURSE, "999999")  # one last guess, and the patient walks away
        await pilot.press("escape")
        await pilot.pause()

        said = await try_pin(pilot, NURSE, NURSE_PIN)  # the nurse arrives at once
        wait = waited_seconds(said)
        assert 0 < wait <= LONGEST_WAIT.total_seconds()
        clock.advance(wait)
        assert await try_pin(pilot, NURSE, NURSE_PIN) == ""
        assert isinstance(app.screen, NurseQueueScreen)
    assert kiosk.store.next_unlock_try() is None  # the right PIN starts the count again
