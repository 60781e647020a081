"""The idle warning: "Are you still there?" with the seconds left before the check-in is wiped.

Any key or tap counts as "still here" (the App closes this screen on any activity).
"""

from __future__ import annotations

import math

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from kiosk.locale import translate
from kiosk.messages import PatientActivity, is_activity


class StillThereScreen(ModalScreen[None]):
    """Covers the step with a question and a countdown."""

    DEFAULT_CSS = """
    StillThereScreen { align: center middle; background: $kiosk-background 80%; }
    StillThereScreen #still-box {
        width: 60; max-width: 100%; height: auto; padding: 1 2;
        background: $kiosk-field; color: $kiosk-text; border: thick $kiosk-focus;
    }
    StillThereScreen Static { width: 100%; content-align: center middle; margin-bottom: 1; }
    StillThereScreen #still-title { text-style: bold; }
    StillThereScreen #still-here { width: 100%; }
    """

    def __init__(self, language: str, seconds_left: float) -> None:
        super().__init__()
        self.language = language
        self.seconds_left = seconds_left

    def compose(self) -> ComposeResult:
        with Vertical(id="still-box"):
            yield Static(self._text("title"), id="still-title", markup=False)
            yield Static(self._countdown(), id="still-countdown", markup=False)
            yield Button(self._text("here"), id="still-here")

    def _text(self, key: str, **params: object) -> str:
        return translate(f"screens.still_there.{key}", self.language, **params)

    def _countdown(self) -> str:
        return self._text("countdown", seconds=max(0, math.ceil(self.seconds_left)))

    def show_seconds(self, seconds_left: float) -> None:
        """Update the countdown."""
        self.seconds_left = seconds_left
        self.query_one("#still-countdown", Static).update(self._countdown())

    async def on_event(self, event: events.Event) -> None:
        if is_activity(event):
            self.post_message(PatientActivity())
        await super().on_event(event)

    @on(Button.Pressed, "#still-here")
    def _here(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(PatientActivity())
