"""The welcome screen: the clinic's name, a big "Check in", language, larger text, contrast."""

from __future__ import annotations

from collections.abc import Mapping

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from kiosk.locale import LANGUAGES, translate
from kiosk.messages import CheckInPressed, DisplayToggled, LanguageChosen, StaffLineTapped
from kiosk.screens.kept_styles import KeptStylesScreen
from kiosk.widgets.tick_box import TickBox

#: Each language's own name, shown on its button in that language.
LANGUAGE_NAMES = {"en": "English", "es": "Español"}


class WelcomeScreen(KeptStylesScreen):
    """Shown between patients; nothing on it belongs to anyone."""

    DEFAULT_CSS = """
    WelcomeScreen { background: $kiosk-background; color: $kiosk-text; align: center middle; }
    WelcomeScreen #welcome-box { width: 70; max-width: 100%; height: auto; }
    WelcomeScreen #clinic-name { text-style: bold; content-align: center middle; width: 100%; }
    WelcomeScreen #welcome-text { content-align: center middle; width: 100%; margin: 1 0; }
    WelcomeScreen #check-in { width: 100%; height: 5; text-style: bold; }
    WelcomeScreen #languages { height: 3; margin: 1 0; }
    WelcomeScreen #languages Button { width: 1fr; }
    WelcomeScreen #staff-hint {
        color: $kiosk-muted; content-align: center middle; width: 100%; height: 3;
    }
    """

    def __init__(self, clinic_name: Mapping[str, str], language: str) -> None:
        super().__init__(name="welcome")
        self.clinic_name = clinic_name
        self.language = language

    def compose(self) -> ComposeResult:
        self.styled_look = self.app_look()
        text = self._text
        with Vertical(id="welcome-box"):
            yield Static(self.clinic_name[self.language], id="clinic-name", markup=False)
            yield Static(text("welcome.greeting"), id="welcome-text", markup=False)
            yield Button(text("welcome.check_in"), id="check-in", classes="primary")
            with Horizontal(id="languages"):
                for language in LANGUAGES:
                    chosen = "-chosen" if language == self.language else ""
                    name = LANGUAGE_NAMES[language]
                    yield Button(name, id=f"language-{language}", classes=chosen)
            yield TickBox(text("welcome.larger_text"), box_id="larger-text")
            yield TickBox(text("welcome.high_contrast"), box_id="high-contrast")
            yield Static(text("welcome.staff_hint"), id="staff-hint", markup=False)

    def _text(self, key: str) -> str:
        return translate(f"screens.{key}", self.language)

    def set_clinic_name(self, clinic_name: Mapping[str, str]) -> None:
        """Show `clinic_name` (the published configuration may name the clinic differently)."""
        self.clinic_name = clinic_name
        if self.is_mounted:
            self.query_one("#clinic-name", Static).update(clinic_name[self.language])

    def show(self, language: str, larger_text: bool, high_contrast: bool) -> None:
        """Redraw in `language` with the toggles as given (after a wipe: the defaults)."""
        self.language = language
        self.query_one("#clinic-name", Static).update(self.clinic_name[language])
        self.query_one("#welcome-text", Static).update(self._text("welcome.greeting"))
        self.query_one("#check-in", Button).label = self._text("welcome.check_in")
        larger = self.query_one("#larger-text", TickBox)
        larger.relabel(self._text("welcome.larger_text"), larger_text)
        contrast = self.query_one("#high-contrast", TickBox)
        contrast.relabel(self._text("welcome.high_contrast"), high_contrast)
        self.query_one("#staff-hint", Static).update(self._text("welcome.staff_hint"))
        self._show_language()

    def _show_language(self) -> None:
        for language in LANGUAGES:
            button = self.query_one(f"#language-{language}", Button)
            button.set_class(language == self.language, "-chosen")

    @on(Button.Pressed, "#check-in")
    def _start(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(CheckInPressed())

    @on(Button.Pressed, "#languages Button")
    def _language(self, event: Button.Pressed) -> None:
        event.stop()
        language = (event.button.id or "").removeprefix("language-")
        if language in LANGUAGES:
            self.post_message(LanguageChosen(language))

    @on(events.Click, "#staff-hint")
    def _staff(self, event: events.Click) -> None:
        event.stop()
        self.post_message(StaffLineTapped())

    @on(TickBox.Toggled)
    def _display(self, event: TickBox.Toggled) -> None:
        event.stop()
        self.post_message(
            DisplayToggled(
                self.query_one("#larger-text", TickBox).ticked,
                self.query_one("#high-contrast", TickBox).ticked,
            )
        )
