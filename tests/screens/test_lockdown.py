"""No key a patient can press leaves the kiosk, suspends it, or opens anything but the staff
unlock: on every screen, Ctrl+C, Ctrl+Q, Ctrl+Z, Ctrl+\\, Ctrl+P, Ctrl+D and an Escape storm
change nothing; F12 opens the staff unlock, which the nurse's lock closes again."""

from __future__ import annotations

from datetime import UTC, datetime

from textual import events
from textual.command import CommandPalette

from kiosk.app import KioskApp
from kiosk.intake.checkin_session import CheckInSession
from kiosk.intake.checkin_steps import STEPS
from kiosk.screens.staff_unlock import StaffUnlockScreen
from kiosk.screens.still_there import StillThereScreen
from tests.screens.conftest import ready

QUIT_AND_SUSPEND_KEYS = ("ctrl+c", "ctrl+q", "ctrl+z", "ctrl+backslash", "ctrl+p", "ctrl+d")
ESCAPE_STORM = ("escape",) * 20


async def assert_keys_change_nothing(app: KioskApp, pilot: object) -> None:
    before = app.screen
    # Posted as a storm, without waiting between keys, the way a leaning elbow sends them.
    for key in (*QUIT_AND_SUSPEND_KEYS, *ESCAPE_STORM):
        app.post_message(events.Key(key, None))
    await pilot.pause()  # type: ignore[attr-defined]
    assert app.is_running
    assert app.return_code is None
    assert app.screen is before, f"{before} gave way to {app.screen}"
    assert not any(isinstance(screen, CommandPalette) for screen in app.screen_stack)


async def test_no_quit_or_suspend_key_leaves_any_screen(app: KioskApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await assert_keys_change_nothing(app, pilot)
        app.session = CheckInSession("en", datetime.now(UTC))
        for step in STEPS:
            await app.show_step(step)
            await pilot.pause()
            await assert_keys_change_nothing(app, pilot)
        app.push_screen(StillThereScreen("en", 30))
        await pilot.pause()
        assert isinstance(app.screen, StillThereScreen)
        before = app.screen
        await pilot.press("ctrl+c", "ctrl+q", "ctrl+z")
        # A key on the warning means "still here": it closes, and the step is still there.
        assert app.is_running and app.screen is not before
        await app.end_session()
        await pilot.pause()
        app.done.show("en", declined=False)
        await app.switch_screen("done")
        await pilot.pause()
        await assert_keys_change_nothing(app, pilot)


async def test_the_staff_key_opens_the_staff_unlock_and_cancel_returns(app: KioskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        app.session = CheckInSession("en", datetime.now(UTC))
        await app.show_step("history")
        await pilot.pause()
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, StaffUnlockScreen)
        await pilot.press("ctrl+c", "ctrl+q", "ctrl+z")
        assert app.is_running
        await pilot.click("#staff-unlock-cancel")
        await pilot.pause()
        assert app.screen.name == "history"
