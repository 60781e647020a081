"""Done: "Thank you, please have a seat" (or, after a declined consent, "please see the front
desk"); the App returns to welcome by itself after a few seconds, or at a tap on "Finish"."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Static

from kiosk.locale import translate
from kiosk.messages import FinishPressed


class DoneScreen(Screen[None]):
    """The last screen of every check-in; holds no answer, only which message to show."""

    DEFAULT_CSS = """
    DoneScreen { background: $kiosk-background; color: $kiosk-text; align: center middle; }
    DoneScreen #done-box { width: 70; max-width: 100%; height: auto; }
    DoneScreen Static { width: 100%; content-align: center middle; margin-bottom: 1; }
    DoneScreen #done-title { text-style: bold; }
    DoneScreen #finish { width: 100%; }
    """

    def __init__(self, language: str) -> None:
        super().__init__(name="done")
        self.language = language
        self.declined = False

    def compose(self) -> ComposeResult:
        with Vertical(id="done-box"):
            yield Static("", id="done-title", markup=False)
            yield Static("", id="done-message", markup=False)
            yield Static("", id="done-returning", markup=False)
            yield Button("", id="finish")

    def on_mount(self) -> None:
        self._draw()

    def show(self, language: str, declined: bool) -> None:
        """Thank-you (or front-desk) words in `language`."""
        self.language, self.declined = language, declined
        if self.is_mounted:
            self._draw()

    def _draw(self) -> None:
        outcome = "declined" if self.declined else "thanks"

        def text(key: str) -> str:
            return translate(f"screens.done.{key}", self.language)

        self.query_one("#done-title", Static).update(text(f"{outcome}_title"))
        self.query_one("#done-message", Static).update(text(f"{outcome}_message"))
        self.query_one("#done-returning", Static).update(text("returning"))
        self.query_one("#finish", Button).label = text("finish")

    @on(Button.Pressed, "#finish")
    def _finish(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(FinishPressed())
