"""A patient walks away mid check-in: "Are you still there?", then everything they typed is gone.

After the wipe no widget on any screen (shown, built ahead, or modal) holds a typed value, no
attribute of any widget mentions it, and no check-in session is left in memory. The same
happens by itself after the Done screen.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from dataclasses import fields, is_dataclass
from typing import Any

from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Input, Static

from kiosk.app import KioskApp
from kiosk.intake.checkin_session import CheckInSession
from kiosk.intake.records import Identity
from kiosk.screens.still_there import StillThereScreen
from kiosk.screens.welcome import WelcomeScreen
from tests.screens.conftest import CALM, FakeClock, ready, type_text

# Built at run time so the only copies are the ones the test types.
MARKER = "".join(("Zel", "dawipe"))


def every_screen(app: KioskApp) -> list[Screen[Any]]:
    screens: list[Screen[Any]] = list(app.screen_stack)
    screens += [s for s in app._installed_screens.values() if isinstance(s, Screen)]
    screens += list(app.steps.values())
    return screens


def mentions(value: object, depth: int = 0) -> bool:
    """Whether a value (or what it holds, a few levels down) contains the marker."""
    if isinstance(value, str):
        return MARKER.casefold() in value.casefold()
    if depth > 3:
        return False
    if isinstance(value, dict):
        return any(mentions(v, depth + 1) for v in value.values())
    if isinstance(value, list | tuple | set | frozenset):
        return any(mentions(v, depth + 1) for v in value)
    if is_dataclass(value) and not isinstance(value, type):
        return any(mentions(getattr(value, f.name), depth + 1) for f in fields(value))
    return False


def nodes(screens: list[Screen[Any]]) -> Iterator[DOMNode]:
    for screen in screens:
        yield screen
        yield from screen.walk_children(with_self=False)


def assert_nothing_left(app: KioskApp) -> None:
    assert app.session is None
    for node in nodes(every_screen(app)):
        if isinstance(node, Input):
            assert node.value == "", f"{node!r} still holds text"
        if isinstance(node, Static):
            assert not mentions(str(node.render())), f"{node!r} still shows it"
        assert not mentions(vars(node)), f"{node!r} still remembers it"
    gc.collect()
    assert not [o for o in gc.get_objects() if isinstance(o, CheckInSession)]
    assert not [o for o in gc.get_objects() if isinstance(o, Identity) and mentions(o)]


async def start_typing(app: KioskApp, pilot: Any) -> None:
    """Check in, finish "about you" with the marker as a name, type it on the next step too."""
    await ready(app, pilot)
    await pilot.click("#check-in")
    await pilot.pause()
    identity = app.screen
    for field_id, value in (
        ("legal_name", f"{MARKER} Person"),
        ("date_of_birth", "07/02/1984"),
        ("phone", "555 010 2030"),
        ("emergency_contact_name", f"{MARKER} Friend"),
        ("emergency_contact_phone", "555 010 4050"),
    ):
        identity.query_one(f"#{field_id}", Input).focus()
        await type_text(pilot, value)
    await pilot.click("#next")
    await app.seals_settled()
    await pilot.pause()
    assert app.screen.name == "medications"
    await type_text(pilot, f"{MARKER}mycin")
    await pilot.pause()


async def let_time_pass(app: KioskApp, pilot: Any, clock: FakeClock, seconds: float) -> None:
    """Nobody touches the kiosk for this long, and it looks whether the patient has gone."""
    clock.advance(seconds)
    app.check_patient_idle()
    await pilot.pause()


async def assert_wiped_back_at_welcome(app: KioskApp, pilot: Any) -> None:
    """Once the next patient's steps are built: the welcome screen, and nothing typed is left."""
    await app.steps_built()
    await pilot.pause()
    assert isinstance(app.screen, WelcomeScreen)
    assert_nothing_left(app)


async def test_after_the_idle_time_a_warning_counts_down_then_everything_typed_is_wiped(
    app: KioskApp, clock: FakeClock
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await start_typing(app, pilot)

        await let_time_pass(app, pilot, clock, CALM.idle_seconds + 1)
        assert isinstance(app.screen, StillThereScreen)
        countdown = str(app.screen.query_one("#still-countdown", Static).render())
        assert "29" in countdown

        await let_time_pass(app, pilot, clock, CALM.warning_seconds)
        await assert_wiped_back_at_welcome(app, pilot)


async def test_a_touch_during_the_warning_keeps_the_answers(
    app: KioskApp, clock: FakeClock
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await start_typing(app, pilot)
        await let_time_pass(app, pilot, clock, CALM.idle_seconds + 5)
        assert isinstance(app.screen, StillThereScreen)
        await pilot.click("#still-here")
        await pilot.pause()
        assert app.screen.name == "medications"
        assert app.screen.query_one("#med_name", Input).value == f"{MARKER}mycin"
        await let_time_pass(app, pilot, clock, CALM.warning_seconds)
        assert app.screen.name == "medications"


async def test_the_done_screen_returns_to_welcome_by_itself_and_keeps_nothing(
    app: KioskApp, clock: FakeClock
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await start_typing(app, pilot)
        # Declining the consent is the shortest honest way to the Done screen.
        await app.show_step("consent")
        await pilot.pause()
        await pilot.click("#decline")
        await pilot.pause()
        await pilot.click("#decline-confirm")  # "Are you sure?": yes
        await app.seals_settled()
        await pilot.pause()
        assert app.screen.name == "done"
        await let_time_pass(app, pilot, clock, CALM.done_seconds)
        await assert_wiped_back_at_welcome(app, pilot)


async def test_full_garbage_collection_waits_for_the_wipe_then_runs_as_usual(
    app: KioskApp, clock: FakeClock
) -> None:
    usual = gc.get_threshold()
    async with app.run_test(size=(120, 40)) as pilot:
        await start_typing(app, pilot)
        # Held off mid check-in: a full collection would freeze a step switch.
        assert gc.get_threshold()[:2] == usual[:2] and gc.get_threshold()[2] > usual[2]
        await let_time_pass(app, pilot, clock, CALM.idle_seconds + CALM.warning_seconds + 1)
        await app.steps_built()
        assert gc.get_threshold() == usual
