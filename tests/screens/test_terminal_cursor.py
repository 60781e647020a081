"""The terminal's own cursor sits in the box the patient is typing in, wherever the box moves.

In a tablet's browser the terminal cursor is hidden, but the page's keyboard input (and any
input method's composition window) sits where it is; the browser tests find the focused box by
it too. A step moves its boxes after focusing the first one (the keypad comes up, a long step
scrolls a tapped box into view), so the cursor must follow the box, not stay where it was.
"""

from __future__ import annotations

from textual.widgets import Input

from kiosk.app import KioskApp
from tests.screens.test_patient_polish import at_step
from tests.waiting import wait_until


def cursor_in_focused_box(app: KioskApp) -> bool:
    focused = app.focused
    return isinstance(focused, Input) and app.cursor_position == focused.cursor_screen_offset


async def test_the_cursor_is_in_the_first_box_of_a_step_once_the_step_is_drawn(
    app: KioskApp,
) -> None:
    async with app.run_test(size=(140, 42)) as pilot:
        await at_step(app, pilot, "en", "migraine")
        await wait_until(pilot, lambda: isinstance(app.focused, Input), "a box focused")

        assert cursor_in_focused_box(app), (
            f"cursor parked at {app.cursor_position}, the box's is at "
            f"{app.focused.cursor_screen_offset if isinstance(app.focused, Input) else None}"
        )


async def test_the_cursor_follows_a_box_that_the_step_scrolls(app: KioskApp) -> None:
    async with app.run_test(size=(120, 24)) as pilot:
        await at_step(app, pilot, "en", "migraine")
        boxes = list(app.screen.query(Input))
        await pilot.click(f"#{boxes[2].id}")
        await wait_until(pilot, lambda: app.focused is boxes[2], "the third box focused")
        body = app.screen.query_one("#step-body")

        body.scroll_to(y=body.scroll_y + 3, animate=False)  # a finger swipe under the box
        await wait_until(pilot, lambda: body.scroll_y > 0, "the step scrolled")

        assert cursor_in_focused_box(app)
