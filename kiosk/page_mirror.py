"""The page's mirror of the screen for screen readers, in the browser kiosk.

The terminal in a tablet's page is a grid of characters to a screen reader. So a served kiosk
sends its page the words of the question the patient is on (kiosk/screens/step_words.py: the
screen's title, the current question with its answer options and which is chosen, or the
focused box with its label and what is typed, the focused tick box or button, and every message
shown) whenever they change, as a `step_words` page message (kiosk/page_channel.py).
The page shows them in an `aria-live="polite"` region, so a screen reader announces the step as
the patient moves (kiosk-page.js). A staff screen on top clears the mirror: no nurse's list is
copied into the page. A kiosk in a terminal sends nothing.
"""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.screen import Screen

from kiosk.page_channel import PageMessageRefused, send_to_page
from kiosk.screens.step_words import PartKind, StepPart, StepWords, step_words

#: How often a served kiosk looks whether the words on screen changed.
MIRROR_SECONDS = 0.25
#: The longest words or typed value one part keeps when a message would be too large (a
#: patient who pasted a book into a box still hears the question).
_CUT_TO = 200


def mirror_parts(words: StepWords) -> list[StepPart]:
    """What the mirror says of a screen: its title, the question the patient is on, and every
    message on the screen, in reading order."""
    current = words.current()
    return [
        part
        for part in words.parts
        if part.kind is PartKind.TITLE or part in current or part.kind is PartKind.MESSAGE
    ]


def mirror_body(
    screen: str, language: str, parts: list[StepPart], cut_to: int | None = None
) -> dict[str, object]:
    """The `step_words` message's body; `cut_to` shortens long words and values."""

    def cut(text: str) -> str:
        return text if cut_to is None or len(text) <= cut_to else text[:cut_to] + "…"

    return {
        "screen": screen,
        "language": language,
        "parts": [
            {
                "kind": str(part.kind),
                "words": cut(part.words),
                "focused": part.focused,
                "chosen": part.chosen,
                "value": cut(part.value),
                "hint": part.hint,
            }
            for part in parts
        ],
    }


class PageMirror:
    """Sends the page the words of the screen on top when they change."""

    def __init__(self, app: App[Any]) -> None:
        self._app = app
        self._shown: dict[str, object] | None = None

    def show(self, screen: Screen[Any] | None, language: str) -> None:
        """Mirror `screen`'s words, in `language` (None: a staff screen, the mirror empties)."""
        if not self._app.is_web:
            return
        words = StepWords("", ()) if screen is None else step_words(screen)
        parts = mirror_parts(words)
        body = mirror_body(words.screen, language, parts)
        if body == self._shown:
            return
        try:
            send_to_page(self._app, "step_words", body)
        except PageMessageRefused:
            send_to_page(
                self._app, "step_words", mirror_body(words.screen, language, parts, _CUT_TO)
            )
        self._shown = body
