"""The toast a chair's entry leaves ("Saved to the chair's log ...") never lies over a button.

The chair has two to four rows of action buttons at the bottom; the staff screens' toasts sat
four lines up, right over the second row, for the five seconds they show: on a tablet, the
nurse's tap on Discharge right after saving the stop landed on the toast. Seen in Chromium at
1280x1024 (128x42 cells): "Override (c)", "Discharge (d)" and "Correct" under the toast.
"""

from __future__ import annotations

import pytest
from textual.widgets import Button

from kiosk.app import KioskApp
from kiosk.cli.demo_chairs import seed_demo_chairs
from kiosk.desk.facade import Kiosk
from kiosk.screens.chair import ChairScreen
from kiosk.screens.chair_board import ChairBoardScreen
from tests.staff.chair_keys import unlock
from tests.waiting import wait_until


@pytest.mark.parametrize("size", [(100, 30), (128, 42), (160, 50)])
async def test_the_saved_toast_leaves_every_action_of_the_chair_free(
    kiosk: Kiosk, size: tuple[int, int]
) -> None:
    seed_demo_chairs(kiosk)
    app = KioskApp(kiosk)
    async with app.run_test(size=size, notifications=True) as pilot:
        await unlock(pilot)
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, ChairBoardScreen), "the board")
        await pilot.press("down", "enter")  # Ken, under Rosa's overdue vitals
        await wait_until(pilot, lambda: isinstance(app.screen, ChairScreen), "Ken's chair")
        await pilot.press("x")  # the stop, completed as ordered, now
        await wait_until(pilot, lambda: not isinstance(app.screen, ChairScreen), "the stop form")
        await pilot.click("#chair-entry-save")

        await wait_until(
            pilot,
            lambda: isinstance(app.screen, ChairScreen) and bool(app.screen.query("Toast")),
            "the chair again, with the saved toast",
        )
        await pilot.pause()
        toasts = [toast.region for toast in app.screen.query("Toast")]
        covered = [
            str(button.label)
            for button in app.screen.query("#chair-actions Button").results(Button)
            if any(toast.overlaps(button.region) for toast in toasts)
        ]
        assert covered == [], f"the toast lies over {covered} at {size}"
