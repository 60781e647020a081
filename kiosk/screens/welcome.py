"""The welcome screen: the clinic's name, a big "Check in", language, larger text, contrast,
read aloud (offered only in a language this host has a voice for).

Each language the clinic offers (kiosk/intake/languages.py) has a button named in its own script;
up to three sit on a row, so six take two rows and still fit 80x24.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Button, Static

from kiosk.locale import LANGUAGE_NAMES, translate
from kiosk.messages import (
    CheckInPressed,
    DisplayToggled,
    LanguageChosen,
    ReadAloudToggled,
    StaffLineTapped,
)
from kiosk.screens.kept_styles import KeptStylesScreen
from kiosk.widgets.tick_box import TickBox

#: The most language buttons on one row; more wrap onto the next.
_LANGUAGES_PER_ROW = 3


class WelcomeScreen(KeptStylesScreen):
    """Shown between patients; nothing on it belongs to anyone."""

    DEFAULT_CSS = """
    WelcomeScreen { background: $kiosk-background; color: $kiosk-text; align: center middle; }
    WelcomeScreen #welcome-box { width: 70; max-width: 100%; height: auto; }
    WelcomeScreen #clinic-name { text-style: bold; content-align: center middle; width: 100%; }
    WelcomeScreen #welcome-text { content-align: center middle; width: 100%; margin: 1 0; }
    WelcomeScreen #check-in { width: 100%; height: 5; text-style: bold; }
    WelcomeScreen #languages { height: auto; margin: 1 0; grid-rows: 3; }
    WelcomeScreen #languages Button { width: 100%; }
    WelcomeScreen #display-choices { height: auto; }
    WelcomeScreen #display-choices TickBox { width: 1fr; }
    WelcomeScreen #staff-hint {
        color: $kiosk-muted; content-align: center middle; width: 100%; height: 3;
    }
    """

    def __init__(
        self,
        clinic_name: Mapping[str, str],
        language: str,
        languages: Sequence[str],
        read_aloud_in: Collection[str] = (),
    ) -> None:
        super().__init__(name="welcome")
        self.clinic_name = clinic_name
        self.language = language
        #: The languages offered, in order: a button each.
        self.languages = tuple(languages)
        #: The languages this host can read aloud (the choice shows only in them).
        self.read_aloud_in = frozenset(read_aloud_in)

    def compose(self) -> ComposeResult:
        self.styled_look = self.app_look()
        text = self._text
        with Vertical(id="welcome-box"):
            yield Static(self.clinic_name[self.language], id="clinic-name", markup=False)
            yield Static(text("welcome.greeting"), id="welcome-text", markup=False)
            yield Button(text("welcome.check_in"), id="check-in", classes="primary")
            yield Grid(*self._language_buttons(), id="languages")
            # One row: six languages, these three and the staff line still fit 80x24.
            with Horizontal(id="display-choices"):
                yield TickBox(text("welcome.larger_text"), box_id="larger-text")
                yield TickBox(text("welcome.high_contrast"), box_id="high-contrast")
                read_aloud = TickBox(text("welcome.read_aloud"), box_id="read-aloud")
                read_aloud.display = self.reads_aloud(self.language)
                yield read_aloud
            yield Static(text("welcome.staff_hint"), id="staff-hint", markup=False)

    def _text(self, key: str) -> str:
        return translate(f"screens.{key}", self.language)

    def _language_buttons(self) -> list[Button]:
        return [
            Button(
                LANGUAGE_NAMES[language],
                id=f"language-{language}",
                classes="-chosen" if language == self.language else "",
            )
            for language in self.languages
        ]

    def _lay_out_languages(self) -> None:
        grid = self.query_one("#languages", Grid)
        grid.styles.grid_size_columns = min(len(self.languages), _LANGUAGES_PER_ROW)

    def on_mount(self) -> None:
        self._lay_out_languages()

    async def offer(self, clinic_name: Mapping[str, str], languages: Sequence[str]) -> None:
        """Show the clinic's name and offer these languages (the published configuration may
        name the clinic differently, or turn draft languages on or off)."""
        self.clinic_name = clinic_name
        changed = tuple(languages) != self.languages
        self.languages = tuple(languages)
        if not self.is_mounted:
            return
        self.query_one("#clinic-name", Static).update(clinic_name[self.language])
        if changed:
            grid = self.query_one("#languages", Grid)
            await grid.remove_children()
            await grid.mount_all(self._language_buttons())
            self._lay_out_languages()

    def reads_aloud(self, language: str) -> bool:
        """Whether read aloud is offered in `language` (this host has its voice)."""
        return language in self.read_aloud_in

    def show(
        self, language: str, larger_text: bool, high_contrast: bool, read_aloud: bool = False
    ) -> None:
        """Redraw in `language` with the toggles as given (after a wipe: the defaults)."""
        self.language = language
        self.query_one("#clinic-name", Static).update(self.clinic_name[language])
        self.query_one("#welcome-text", Static).update(self._text("welcome.greeting"))
        self.query_one("#check-in", Button).label = self._text("welcome.check_in")
        larger = self.query_one("#larger-text", TickBox)
        larger.relabel(self._text("welcome.larger_text"), larger_text)
        contrast = self.query_one("#high-contrast", TickBox)
        contrast.relabel(self._text("welcome.high_contrast"), high_contrast)
        speech = self.query_one("#read-aloud", TickBox)
        speech.relabel(self._text("welcome.read_aloud"), read_aloud)
        speech.display = self.reads_aloud(language)
        self.query_one("#staff-hint", Static).update(self._text("welcome.staff_hint"))
        self._show_language()

    def _show_language(self) -> None:
        for language in self.languages:
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
        if language in self.languages:
            self.post_message(LanguageChosen(language))

    @on(events.Click, "#staff-hint")
    def _staff(self, event: events.Click) -> None:
        event.stop()
        self.post_message(StaffLineTapped())

    @on(TickBox.Toggled, "#read-aloud")
    def _read_aloud(self, event: TickBox.Toggled) -> None:
        event.stop()
        self.post_message(ReadAloudToggled(event.box.ticked))

    @on(TickBox.Toggled, "#larger-text, #high-contrast")
    def _display(self, event: TickBox.Toggled) -> None:
        event.stop()
        self.post_message(
            DisplayToggled(
                self.query_one("#larger-text", TickBox).ticked,
                self.query_one("#high-contrast", TickBox).ticked,
            )
        )
