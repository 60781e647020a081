"""Larger text and high contrast, chosen on the welcome screen after the steps were built
ahead, reach every step the patient then sees; the next patient starts with the standard look.

(The step screens keep their styles between shows unless the App's look changed: this is the
story that proves a change of look is not missed.)"""

from __future__ import annotations

from textual.color import Color
from textual.widgets import Static

from kiosk.app import KioskApp
from kiosk.screens.step_screen import StepScreen
from kiosk.themes import HIGH_CONTRAST_THEME, KIOSK_THEMES, STANDARD_THEME
from tests.screens.conftest import click, ready


def background_of(theme_name: str) -> Color:
    [theme] = [t for t in KIOSK_THEMES if t.name == theme_name]
    return Color.parse(theme.variables["kiosk-background"])


def looks(app: KioskApp) -> tuple[Color, bool]:
    """The step's background colour and whether its introduction is drawn bold."""
    screen = app.screen
    assert isinstance(screen, StepScreen)
    intro = screen.query_one(".intro", Static)
    return screen.styles.background, bool(intro.rich_style.bold)


async def test_display_choices_reach_every_step_and_end_with_the_patient(app: KioskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)  # the steps are built before anything is chosen

        await click(pilot, "#high-contrast")
        await click(pilot, "#larger-text")
        await click(pilot, "#check-in")
        assert app.screen.name == "identity"
        assert looks(app) == (background_of(HIGH_CONTRAST_THEME), True)
        # A terminal's font cannot grow: the boxes grow taller instead (in a tablet's page the
        # font grows, tests/browser/test_larger_text.py).
        assert app.screen.query_one("#legal_name").region.height == 5

        # Another step, shown for the first time, has the same look.
        await app.show_step("medications")
        await pilot.pause()
        assert looks(app) == (background_of(HIGH_CONTRAST_THEME), True)

        # The wipe puts the standard look back for the next patient, on fresh steps.
        await app.end_session()
        await ready(app, pilot)
        await click(pilot, "#check-in")
        assert app.screen.name == "identity"
        assert looks(app) == (background_of(STANDARD_THEME), False)
