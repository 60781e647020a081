"""Waiting for what a person would wait for in Pilot tests, never for a fixed time.

A test that sleeps a guessed time passes on a quiet machine and fails on a busy one; these wait
for the thing itself (a screen, a focus, a scroll, a button ready again) up to a deadline, then
fail naming what never came.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import Button

#: Longer than anything a kiosk screen takes on a busy CI machine.
DEADLINE_S = 15.0
#: How often to look again while waiting: often enough, without spinning a core.
POLL_S = 0.01


async def wait_until(
    pilot: Pilot[None], condition: Callable[[], bool], what: str, timeout_s: float = DEADLINE_S
) -> None:
    """Let the app run until `condition()` holds; fail naming `what` after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    await pilot.pause()
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never saw {what} within {timeout_s:.0f} s")
        await pilot.pause(POLL_S)
    await pilot.pause()  # what the change set off (a refresh, a message) has run too


async def button_ready(pilot: Pilot[None], button: Button) -> None:
    """Wait until `button` no longer shows its last press: a Button ignores a click meanwhile,
    where a person's next press comes later."""
    await wait_until(pilot, lambda: not button.has_class("-active"), f"{button.id} ready again")


def wait_for(condition: Callable[[], bool], what: str, timeout_s: float = DEADLINE_S) -> None:
    """Outside an app (another process at work): wait until `condition()` holds; fail naming
    `what` after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never saw {what} within {timeout_s:.0f} s")
        time.sleep(POLL_S)
