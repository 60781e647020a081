"""Taps as a tablet sends them: the scrollbar handle must not stick to the finger, a box tapped
at a step's bottom edge comes into view, and taps that land together on the welcome screen
(Check in, a language, the staff line) start one check-in and break nothing.

A tablet's tap reaches the kiosk as one burst: the pointer moves there, the button goes down and
up at once (that is what the browser's terminal sends; tests/browser/test_touch_only.py checks it
in Chromium). Here the same burst is posted to the app as its driver would post it.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from kiosk.app import KioskApp
from kiosk.intake.checkin_steps import STEPS
from kiosk.screens.staff_unlock import StaffUnlockScreen
from tests.screens.conftest import ready
from tests.waiting import wait_until


def tap(app: KioskApp, x: int, y: int) -> None:
    """One finger tap at (x, y): move, press and release, posted together."""
    for kind, button in ((events.MouseMove, 0), (events.MouseDown, 1), (events.MouseUp, 1)):
        event = kind(None, x, y, 0, 0, button, False, False, False, screen_x=x, screen_y=y)
        app.post_message(event)


async def test_a_tap_after_tapping_the_scrollbar_handle_reaches_the_box_it_touches(
    app: KioskApp,
) -> None:
    # "About you" is a few rows longer than the screen (no keypad while a name is typed).
    async with app.run_test(size=(120, 21)) as pilot:
        await ready(app, pilot)
        await pilot.click("#check-in")
        await pilot.pause()
        body = app.screen.query_one("#step-body")
        bar = body.vertical_scrollbar
        assert body.max_scroll_y > 0, "the step fits: nothing to scroll"
        tap(app, bar.region.x, bar.region.bottom - 1)  # the track: down to the end
        await wait_until(pilot, lambda: body.scroll_y == body.max_scroll_y, "the form at its end")
        tap(app, bar.region.x, bar.region.bottom - 1)  # now on the handle
        await pilot.wait_for_scheduled_animations()
        visible = body.content_region
        high_box = next(  # the first box wholly on screen: far above the handle
            box
            for box in app.screen.query(Input)
            if visible.y <= box.region.y and box.region.bottom <= visible.bottom
        )
        scrolled_to = body.scroll_y

        tap(app, high_box.region.x + 4, high_box.region.y + 1)
        await wait_until(pilot, lambda: app.focused is high_box, f"the tap reach {high_box.id}")
        await pilot.wait_for_scheduled_animations()

        # A stuck handle would drag the form along with the finger, up toward its start.
        assert body.scroll_y >= scrolled_to, "the form followed the finger"
        assert app.focused is high_box, f"the tap reached {app.focused!r}"


async def test_a_box_tapped_at_the_bottom_edge_of_a_step_comes_into_view(app: KioskApp) -> None:
    async with app.run_test(size=(120, 24)) as pilot:
        await ready(app, pilot)
        await pilot.click("#check-in")
        await pilot.pause()
        body = app.screen.query_one("#step-body")
        visible = body.content_region
        box = next(
            box
            for box in app.screen.query(Input)
            if visible.y <= box.region.y < visible.bottom < box.region.bottom
        )  # the box whose label (top border) is the last row showing

        tap(app, box.region.x + 4, box.region.y)
        await wait_until(pilot, lambda: app.focused is box, f"the tap reach {box.id}")
        await pilot.wait_for_scheduled_animations()

        assert box.region.y >= visible.y and box.region.bottom <= visible.bottom, (
            f"{box.id} focused out of sight: {box.region} outside {visible}"
        )


async def test_taps_landing_together_on_welcome_start_one_check_in_and_break_nothing(
    app: KioskApp,
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        spots = [
            app.welcome.query_one(selector).region
            for selector in ("#check-in", "#check-in", "#language-es", "#staff-hint")
        ]
        for region in spots:  # a hand brushing the glass: all four before any is handled
            tap(app, region.x + 2, region.y + 1)
        await wait_until(
            pilot, lambda: isinstance(app.screen, StaffUnlockScreen), "the staff unlock"
        )
        await app.steps_built()
        await pilot.pause()

        assert app.screen_stack[1].name == "identity"  # one check-in, in English
        assert isinstance(app.screen, StaffUnlockScreen)  # the staff line was tapped too
        assert set(app.steps) == set(STEPS)
        await pilot.click("#staff-unlock-cancel")
        await pilot.pause()
        assert app.screen.name == "identity"
        assert app.steps["identity"] is app.screen


async def test_a_tap_on_the_scrollbar_track_moves_the_step_in_one_jump_not_under_the_finger(
    app: KioskApp,
) -> None:
    async with app.run_test(size=(120, 24)) as pilot:
        await ready(app, pilot)
        await pilot.click("#check-in")
        await pilot.pause()
        body = app.screen.query_one("#step-body")
        bar = body.vertical_scrollbar
        places: list[float] = []

        def seen(place: float) -> None:
            places.append(place)

        app.watch(body, "scroll_y", seen, init=False)

        tap(app, bar.region.x, bar.region.bottom - 1)  # the track: a page down
        await wait_until(pilot, lambda: body.scroll_y == body.scroll_target_y > 0, "a page down")

        assert places == [body.scroll_y], f"the step slid under the finger through {places}"
