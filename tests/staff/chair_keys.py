"""How the chair's tests drive the kiosk: as a nurse at the terminal, by keys through Pilot (Tab to
a field, type, Enter; a choice list opened with Enter and moved with the arrows), with clock
times typed as HH:MM in the clinic's zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Button, Static

from kiosk.desk.facade import Kiosk
from tests.chair_seating import NURSE, NURSE_PIN
from tests.waiting import button_ready, wait_until

#: How many Tab presses may separate two fields before the test gives up.
MOST_TABS = 80


async def unlock(pilot: Pilot[None]) -> None:
    """F12, then the demo nurse's id and PIN, as at the kiosk."""
    await pilot.press("f12")
    await pilot.pause()
    await pilot.press(*NURSE, "enter", *NURSE_PIN, "enter")
    await pilot.pause()


async def tab_to(pilot: Pilot[None], selector: str) -> None:
    """Press Tab until the widget has the focus."""
    app = pilot.app
    for _ in range(MOST_TABS):
        if app.focused is app.screen.query_one(selector):
            return
        await pilot.press("tab")
    raise AssertionError(f"Tab never reached {selector}")


async def type_into(pilot: Pilot[None], selector: str, text: str) -> None:
    await tab_to(pilot, selector)
    await pilot.press(*text)


async def choose(pilot: Pilot[None], selector: str, downs: int) -> None:
    """Open a choice list with Enter, move down `downs` times, choose with Enter."""
    await tab_to(pilot, selector)
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press(*(["down"] * downs), "enter")
    await pilot.pause()


async def press_button(pilot: Pilot[None], selector: str) -> None:
    """Tab to a button and press Enter on it, once it no longer shows a last press (a Button
    ignores Enter while it does, where a nurse's second press comes later)."""
    await tab_to(pilot, selector)
    await button_ready(pilot, pilot.app.screen.query_one(selector, Button))
    await pilot.press("enter")
    await pilot.pause()


async def save_at(pilot: Pilot[None], time_typed: str) -> None:
    """Type the time it happened and press Enter in the time box: the entry is saved."""
    await type_into(pilot, "#chair-entry-time", time_typed)
    await pilot.press("enter")
    await pilot.pause()


def clock_ago(kiosk: Kiosk, minutes: float, now: datetime | None = None) -> str:
    """The clinic's clock `minutes` ago, as a nurse types it ("14:05")."""
    moment = (now or datetime.now(UTC)) - timedelta(minutes=minutes)
    return moment.astimezone(ZoneInfo(kiosk.config.time_zone)).strftime("%H:%M")


async def on_screen(pilot: Pilot[None], kind: type[Screen[object]]) -> None:
    """Wait until the nurse sees a screen of `kind` (a push or a dismiss lands a moment later
    than the key that set it off, later still on a busy machine)."""
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, kind), f"the {kind.__name__}")


def shown(pilot: Pilot[None], selector: str) -> str:
    """The text a Static shows now."""
    return str(pilot.app.screen.query_one(selector, Static).render())


async def to_the_chair(pilot: Pilot[None]) -> None:
    """Unlock, open the check-in at the top of today's list, and go on to its chair."""
    await unlock(pilot)
    await pilot.press("enter")
    await press_button(pilot, "#nurse-checkin-chair")


async def record_vitals(
    pilot: Pilot[None], at: str, systolic: str = "128", moaa_s: int = 5
) -> None:
    """v, then the readings (Enter moves on), MOAA/S and dissociation (none), and the time."""
    await pilot.press("v")
    await pilot.pause()
    for value in (systolic, "80", "76", "98", "14"):
        await pilot.press(*value, "enter")
    await choose(pilot, "#chair-vitals-moaa-s", 6 - moaa_s)
    await choose(pilot, "#chair-vitals-dissociation", 1)
    await save_at(pilot, at)
