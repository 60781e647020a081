"""The next patient: sits down at the kiosk right after someone else and tries everything.

The earlier patient typed canary words into the check-in and left (Done, or walked away and the
idle wipe ran). The next one presses every key, with every modifier, and taps every spot of every
patient screen. No key or tap may show an earlier answer or reach a staff screen other than the
PIN-guarded unlock; and afterwards no object reachable from the app (widgets, screens installed
or stacked, workers, messages, the session) may still hold an earlier answer.
"""

from __future__ import annotations

import gc
import inspect
import types
from collections import deque
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Static

from kiosk.app import IdleTimeouts, KioskApp
from kiosk.desk.facade import Kiosk
from kiosk.intake.checkin_session import CheckInSession
from kiosk.intake.checkin_steps import STEPS
from kiosk.screens.staff_screen import StaffOnly
from kiosk.screens.staff_unlock import StaffUnlockScreen
from kiosk.screens.welcome import WelcomeScreen
from tests.sync.clinic_harness import CHEAP_SLOTS

# Kept in pieces so that the only whole copies are the ones the earlier patient types.
_PIECES = (("Quor", "bilaxt"), ("Vemb", "rocanary"), ("Zint", "ellomycin"))
SIZE = (80, 24)
KEYS = [
    *"abcdefghijklmnopqrstuvwxyz0123456789",
    *(f"f{n}" for n in range(1, 25) if n != 12),
    "escape",
    "tab",
    "enter",
    "space",
    "backspace",
    "delete",
    "insert",
    "home",
    "end",
    "pageup",
    "pagedown",
    "up",
    "down",
    "left",
    "right",
]
MODIFIERS = ("", "ctrl+", "alt+", "shift+", "ctrl+shift+", "ctrl+alt+")
TAP_GRID = [(x, y) for x in range(3, SIZE[0], 13) for y in range(1, SIZE[1], 4)]
_CHARACTERS = {"space": " ", "enter": "\r", "tab": "\t", "escape": "\x1b", "backspace": "\x7f"}


def _canaries() -> list[str]:
    return ["".join(pieces) for pieces in _PIECES]


@pytest.fixture
def kiosk(tmp_path: Path) -> Iterator[Kiosk]:
    opened = Kiosk.init(tmp_path / "kiosk", demo=True, keyslot_cost=CHEAP_SLOTS)
    yield opened
    opened.close()


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def app(kiosk: Kiosk) -> KioskApp:
    return KioskApp(
        kiosk,
        timeouts=IdleTimeouts(idle_seconds=90, warning_seconds=30, done_seconds=10),
        clock=_Clock(),
        wall_clock=lambda: datetime(2025, 3, 14, 14, 30, tzinfo=UTC),
    )


async def _settle(app: KioskApp, pilot: Pilot[None]) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def _tap(pilot: Pilot[None], selector: str) -> None:
    """Tap a button, scrolling it into view first as a finger would."""
    widget = pilot.app.screen.query_one(selector)
    widget.scroll_visible(animate=False, immediate=True)
    await pilot.pause()
    assert await pilot.click(widget), selector
    await pilot.pause()


async def _type(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*("space" if char == " " else char for char in text))


async def _earlier_patient_types_and_leaves(app: KioskApp, pilot: Pilot[None], how: str) -> None:
    """Canaries in the name, the emergency contact and a medication; then Done or walk away."""
    await _settle(app, pilot)
    await _tap(pilot, "#check-in")
    await _settle(app, pilot)
    first, second, third = _canaries()
    for field_id, value in (
        ("legal_name", f"{first} Person"),
        ("date_of_birth", "07/02/1984"),
        ("phone", "555 010 2030"),
        ("emergency_contact_name", f"{second} Friend"),
        ("emergency_contact_phone", "555 010 4050"),
    ):
        app.screen.query_one(f"#{field_id}", Input).focus()
        await _type(pilot, value)
    await _tap(pilot, "#next")
    await _settle(app, pilot)
    assert app.screen.name == "medications"
    await _type(pilot, third)
    clock = app.clock
    assert isinstance(clock, _Clock)
    if how == "done":
        await app.show_step("consent")
        await pilot.pause()
        await _tap(pilot, "#decline")
        await _tap(pilot, "#decline-confirm")  # "Are you sure?": yes
        await _settle(app, pilot)
        assert app.screen.name == "done"
        clock.now += app.timeouts.done_seconds
    else:
        clock.now += app.timeouts.idle_seconds + app.timeouts.warning_seconds + 1
    app.check_patient_idle()
    await _settle(app, pilot)
    assert isinstance(app.screen, WelcomeScreen)


def _shown_text(screen: Screen[Any]) -> Iterator[str]:
    for node in screen.walk_children(with_self=True):
        if isinstance(node, Input):
            yield node.value
        if isinstance(node, Static):
            yield str(node.render())


def _assert_nothing_earlier_or_staff(app: KioskApp) -> None:
    for screen in app.screen_stack:
        assert not isinstance(screen, StaffOnly) or isinstance(screen, StaffUnlockScreen), screen
        for text in _shown_text(screen):
            assert not any(c.casefold() in text.casefold() for c in _canaries()), screen


async def _leave_staff_unlock(app: KioskApp, pilot: Pilot[None]) -> None:
    """A stray F12 opened the PIN pad: it holds nothing of a patient; tap its Cancel."""
    while isinstance(app.screen, StaffUnlockScreen):
        await _tap(pilot, "#staff-unlock-cancel")
        await pilot.pause()


async def _hammer(app: KioskApp, pilot: Pilot[None], keys: list[str]) -> None:
    """Keys as fast as a hand on the keyboard sends them: posted at once, then let settle."""
    for key in keys:
        character = (key if len(key) == 1 else _CHARACTERS.get(key)) if "+" not in key else None
        app.post_message(events.Key(key, character))
    await pilot.pause()
    await pilot.pause()


async def _tap_at(app: KioskApp, pilot: Pilot[None], spots: list[tuple[int, int]]) -> None:
    """Fingers on the glass: down, up and click at each spot, as the terminal driver sends them."""
    for x, y in spots:
        for kind in (events.MouseDown, events.MouseUp, events.Click):
            app.post_message(kind(None, x, y, 0, 0, 1, False, False, False, screen_x=x, screen_y=y))
    await pilot.pause()
    await pilot.pause()


async def _storm(app: KioskApp, pilot: Pilot[None]) -> int:
    """Every key with every modifier, then F12, then a tap on every spot of the screen."""
    pressed = 0
    for modifier in MODIFIERS:
        keys = [f"{modifier}{key}" for key in KEYS if not (modifier and key == "space")]
        await _hammer(app, pilot, keys)
        pressed += len(keys)
        assert app.is_running
        _assert_nothing_earlier_or_staff(app)
        await _leave_staff_unlock(app, pilot)
    await pilot.press("f12", "2", "4", "6", "enter", "escape")
    pressed += 6
    _assert_nothing_earlier_or_staff(app)
    await _leave_staff_unlock(app, pilot)
    for row in range(0, len(TAP_GRID), 6):
        await _tap_at(app, pilot, TAP_GRID[row : row + 6])
        _assert_nothing_earlier_or_staff(app)
        await _leave_staff_unlock(app, pilot)
    return pressed + len(TAP_GRID)


def _reachable_canaries(root: object) -> list[str]:
    """Walk every object reachable from root (not through modules, classes, functions or this
    test's own frames) and return the type of whatever holds a canary string."""
    canaries = [c.casefold() for c in _canaries()]
    here = inspect.getsourcefile(_reachable_canaries)
    seen: set[int] = set()
    queue: deque[tuple[object, object]] = deque([(root, root)])
    holders: list[str] = []
    skip = (types.ModuleType, type, types.FunctionType, types.BuiltinFunctionType, types.CodeType)
    while queue:
        value, parent = queue.popleft()
        if id(value) in seen:
            continue
        seen.add(id(value))
        if isinstance(value, str):
            if any(c in value.casefold() for c in canaries):
                holders.append(type(parent).__name__)
            continue
        if isinstance(value, (*skip, bytes, int, float)):
            continue
        if isinstance(value, types.FrameType) and value.f_code.co_filename == here:
            continue
        queue.extend((child, value) for child in gc.get_referents(value))
    return holders


@pytest.mark.parametrize("earlier_left_by", ["done", "idle wipe"])
async def test_the_next_patient_reaches_no_earlier_answer_and_no_staff_screen(
    app: KioskApp, earlier_left_by: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await _earlier_patient_types_and_leaves(app, pilot, earlier_left_by)
        actions = await _storm(app, pilot)
        app.session = CheckInSession("en", datetime.now(UTC))
        for step in STEPS:
            await app.show_step(step)
            await pilot.pause()
            actions += await _storm(app, pilot)
        await app.end_session()
        await _settle(app, pilot)
        gc.collect()
        assert _reachable_canaries(app) == []
    print(f"\nnext patient after {earlier_left_by}: {actions} keys and taps on {1 + len(STEPS)}")
