"""Textual's private API, where the kiosk leans on it: each test fails when a Textual upgrade
changes what it touches, before a patient feels it as a slow step (kiosk/offscreen.py says why).

`mount_offscreen` and `lay_out_offscreen` build and lay out the next step while another screen
shows; the last test names the private methods kiosk widgets override and the test helpers read.
"""

from __future__ import annotations

import inspect

from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Input, Label, Static
from textual_serve.app_service import AppService

from kiosk.offscreen import lay_out_offscreen, mount_offscreen
from kiosk.screens.kept_styles import KeptStylesScreen
from tests.waiting import wait_until

SIZE = (100, 30)


class Shown(KeptStylesScreen):
    def compose(self) -> ComposeResult:
        self.styled_look = self.app_look()
        yield Label("the screen the patient sees meanwhile")


class Ahead(KeptStylesScreen):
    """A step's shape: a title, a scrolling body of questions and boxes, a bottom row."""

    def compose(self) -> ComposeResult:
        self.styled_look = self.app_look()
        yield Static("Title", id="title")
        with VerticalScroll(id="body"):
            for number in range(12):
                yield Static(f"Question {number}: " + "words " * 30, classes="question")
                yield Input(id=f"box-{number}")
        yield Static("Next", id="nav")


def laid_out(screen: Screen[None]) -> dict[Widget, object]:
    return {widget: widget.region for widget in screen.query("*")}


async def test_a_screen_built_off_screen_is_mounted_laid_out_and_drawn_while_another_shows() -> (
    None
):
    app: App[None] = App()
    async with app.run_test(size=SIZE) as pilot:
        shown = Shown()
        app.install_screen(shown, "shown")  # installed, as welcome and every step are
        await app.push_screen("shown")
        ahead = Ahead()
        app.install_screen(ahead, "ahead")

        await mount_offscreen(app, ahead)
        assert ahead.is_mounted and app.screen is shown
        assert len(ahead.query(Input)) == 12

        await lay_out_offscreen(ahead, app.size)
        assert app.screen is shown
        assert ahead.size == app.size
        regions = laid_out(ahead)
        title = ahead.query_one("#title")
        assert title.region.width == SIZE[0] and title.region.height == 1
        assert all(widget.region for widget in ahead.query(".question")[:3])
        # The flags lay_out_offscreen clears are the ones Textual itself sets.
        assert not ahead._layout_required and not ahead._dirty_widgets

        layouts: list[object] = []
        textual_layout = ahead._refresh_layout

        def counted_layout(*args: object, **kwargs: object) -> None:
            layouts.append(args)
            textual_layout(*args, **kwargs)  # type: ignore[arg-type]

        ahead._refresh_layout = counted_layout  # type: ignore[method-assign]
        await app.switch_screen("ahead")
        await pilot.pause()
        assert app.screen is ahead
        assert layouts == []  # shown as laid out ahead: no layout on the switch
        assert laid_out(ahead) == regions


async def test_the_flags_lay_out_offscreen_reads_are_textuals_own() -> None:
    app: App[None] = App()
    async with app.run_test(size=SIZE) as pilot:
        app.install_screen(Shown(), "shown")
        await app.push_screen("shown")
        ahead = Ahead()
        app.install_screen(ahead, "ahead")
        await mount_offscreen(app, ahead)
        await lay_out_offscreen(ahead, app.size)
        title = ahead.query_one("#title", Static)

        title.update("A longer title " * 20)  # wraps: the layout must change
        await wait_until(pilot, lambda: ahead._layout_required, "Textual asking for a layout")
        title.refresh()
        await wait_until(pilot, lambda: title in ahead._dirty_widgets, "the title to redraw")

        await lay_out_offscreen(ahead, app.size)
        assert title.region.height > 1 and not ahead._layout_required
        await app.switch_screen("ahead")
        await pilot.pause()
        assert title.region.height > 1


def test_the_private_methods_kiosk_code_and_its_tests_override_or_read_are_still_there() -> None:
    # kiosk/widgets/patient_input.py draws control characters as placeholders through these.
    assert isinstance(inspect.getattr_static(Input, "_value"), property)
    assert list(inspect.signature(Input._position_to_cell).parameters) == ["self", "position"]
    # kiosk/widgets/staff_queue_table.py: a tap on a row opens it.
    assert inspect.iscoroutinefunction(DataTable._on_click)
    # kiosk/browser/forked_sessions.py: the tab's kiosk process comes from the session forker.
    opener = inspect.signature(AppService._open_app_process).parameters
    assert list(opener) == ["self", "width", "height"]
    # tests/screens/conftest.py screen_lines: the rows as drawn.
    assert callable(Screen()._compositor.render_strips)
