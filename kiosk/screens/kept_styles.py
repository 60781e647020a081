"""Screens that keep their computed styles when shown again, unless the App's look changed.

Textual 8.2.8 recomputes every style of a screen each time it is shown (in case the theme or
the App's classes changed while it was hidden). The patient screens are built ahead and shown
many times; recomputing costs ~1 ms per widget, so they skip it when the App's theme and
classes (larger text, contrast) are the ones their styles were computed for.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual import events, on
from textual.screen import Screen


class KeptStylesScreen(Screen[None]):
    """A screen whose styles are recomputed on show only after the App's look changed.

    A subclass's `compose` starts with `self.styled_look = self.app_look()`: its widgets are
    styled as they mount, right after (a look changed in between only costs a recompute).
    """

    #: The App's look (theme and classes) this screen's styles were computed for.
    styled_look: Hashable = None

    def app_look(self) -> Hashable:
        """What the App's CSS depends on: its theme and its classes."""
        return (self.app.theme, frozenset(self.app.classes))

    @on(events.ScreenResume)
    def _keep_current_styles(self, event: events.ScreenResume) -> None:
        look = self.app_look()
        if look == self.styled_look:
            event.refresh_styles = False
        self.styled_look = look
