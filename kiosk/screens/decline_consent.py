"""The one question before a consent is declined: declining ends the check-in and erases the
answers, so "I do not agree" asks once, with going back to the consent focused (Enter keeps
the check-in; only a deliberate choice ends it)."""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from kiosk.locale import translate
from kiosk.messages import PatientActivity, is_activity


class DeclineConsentScreen(ModalScreen[bool]):
    """Covers the consent with "Are you sure?"; dismissed with True only to decline."""

    AUTO_FOCUS = "#decline-keep"

    DEFAULT_CSS = """
    DeclineConsentScreen { align: center middle; background: $kiosk-background 80%; }
    DeclineConsentScreen #decline-box {
        width: 64; max-width: 100%; height: auto; padding: 1 2;
        background: $kiosk-field; color: $kiosk-text; border: thick $kiosk-focus;
    }
    DeclineConsentScreen Static { width: 100%; margin-bottom: 1; }
    DeclineConsentScreen #decline-title { text-style: bold; }
    DeclineConsentScreen Button { width: 100%; margin-bottom: 1; }
    """

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language

    def compose(self) -> ComposeResult:
        with Vertical(id="decline-box"):
            yield Static(self._text("title"), id="decline-title", markup=False)
            yield Static(self._text("message"), id="decline-message", markup=False)
            yield Button(self._text("keep"), id="decline-keep")
            yield Button(self._text("confirm"), id="decline-confirm")

    def _text(self, key: str) -> str:
        return translate(f"screens.decline_consent.{key}", self.language)

    async def on_event(self, event: events.Event) -> None:
        # Why: clicks reach the screen without passing the App, so activity is counted here too.
        if is_activity(event):
            self.post_message(PatientActivity())
        await super().on_event(event)

    @on(Button.Pressed, "#decline-keep")
    def _keep(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(False)

    @on(Button.Pressed, "#decline-confirm")
    def _confirm(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(True)
