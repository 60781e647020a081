"""A tap on a long step's scrollbar handle must not leave the form stuck to the finger.

A tablet's tap reaches the kiosk as one burst: the pointer moves there, the button goes down and
up at once (that is what the browser's terminal sends; tests/browser/test_touch_only.py checks it
in Chromium). Here the same burst is posted to the app as its driver would post it.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from kiosk.app import KioskApp
from tests.screens.conftest import ready


def tap(app: KioskApp, x: int, y: int) -> None:
    """One finger tap at (x, y): move, press and release, posted together."""
    for kind, button in ((events.MouseMove, 0), (events.MouseDown, 1), (events.MouseUp, 1)):
        event = kind(None, x, y, 0, 0, button, False, False, False, screen_x=x, screen_y=y)
        app.post_message(event)


async def test_a_tap_after_tapping_the_scrollbar_handle_reaches_the_box_it_touches(
    app: KioskApp,
) -> None:
    async with app.run_test(size=(120, 24)) as pilot:  # "about you" is longer than the screen
        await ready(app, pilot)
        await pilot.click("#check-in")
        await pilot.pause()
        body = app.screen.query_one("#step-body")
        bar = body.vertical_scrollbar
        assert body.max_scroll_y > 0, "the step fits: nothing to scroll"
        tap(app, bar.region.x, bar.region.bottom - 1)  # the track: down to the end
        await pilot.pause(0.2)
        assert body.scroll_y == body.max_scroll_y
        tap(app, bar.region.x, bar.region.bottom - 1)  # now on the handle
        await pilot.pause(0.2)
        last_box = app.screen.query_one("#emergency_contact_phone", Input)  # wholly on screen
        x, y = last_box.region.x + 4, last_box.region.y + 1
        scrolled_to = body.scroll_y

        tap(app, x, y)
        await pilot.pause(0.2)

        assert body.scroll_y == scrolled_to, "the form followed the finger"
        assert app.focused is last_box, f"the tap reached {app.focused!r}"
