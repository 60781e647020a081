"""Every tab stop on the nurse's screens shows that it has the focus, as the walk met them: after
"Add override" the focus was nowhere to be seen and the next Tab landed on another unseen stop;
the check-in page's scrolling body took the focus and looked the same as without it."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Select

from kiosk.desk.facade import Kiosk
from tests.staff.conftest import NURSE, NURSE_PIN, StaffHostApp, tap
from tests.staff.journeys import nurse_at_sign_off, open_only_checkin, submit_hana, unlock
from tests.waiting import wait_until


async def focus_is_seen(app: StaffHostApp, pilot: Pilot[None]) -> str:
    """The focused widget's id, after checking that the screen looks different without the
    focus there (the same picture would mean the nurse cannot see where the focus is)."""
    focused = app.screen.focused
    assert focused is not None, "the focus is on nothing"
    await pilot.pause()
    with_focus = app.export_screenshot()
    app.screen.set_focus(None)
    await pilot.pause()
    without_focus = app.export_screenshot()
    app.screen.set_focus(focused, scroll_visible=False)
    await pilot.pause()
    assert with_focus != without_focus, f"focus on {focused!r} does not show"
    return focused.id or type(focused).__name__


async def test_after_add_override_the_focus_shows_and_tab_goes_on_to_seen_stops(
    kiosk: Kiosk,
) -> None:
    async with nurse_at_sign_off(kiosk) as (app, pilot):
        await tap(pilot, "#override-flag")
        select = app.screen.query_one("#override-flag", Select)
        await wait_until(pilot, lambda: select.expanded, "the STOP flags to choose from")
        await pilot.press("down", "down", "enter")
        await tap(pilot, "#override-clinician")
        await pilot.press(*"Dr. Maria Chen")
        await tap(pilot, "#override-reason")
        await pilot.press(*"Repeat BP 168/96 after rest")
        await tap(pilot, "#override-add")
        seen = [await focus_is_seen(app, pilot)]
        for _ in range(3):
            await pilot.press("tab")
            seen.append(await focus_is_seen(app, pilot))
    assert seen[0] == "signoff-decision"  # on to the next thing to do: the decision


async def test_the_check_in_pages_scrolling_body_shows_its_focus(kiosk: Kiosk) -> None:
    submit_hana(kiosk)
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot, NURSE, NURSE_PIN)
        await open_only_checkin(app, pilot)
        app.screen.query_one("#nurse-checkin-back").focus()
        seen = []
        for _ in range(4):
            await pilot.press("tab")
            seen.append(await focus_is_seen(app, pilot))
    assert "nurse-checkin-body" in seen
