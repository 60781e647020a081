"""A stand-in kiosk for testing the serving machinery alone: a name field, a button, a reply.

It shows its own process id so a test can tell that each tab runs its own kiosk process.
"""

import os
from collections.abc import Sequence

from textual.app import App, ComposeResult
from textual.widgets import Button, Input, Label


class TinyKioskApp(App[None]):
    """Asks a name; Continue answers with a greeting naming this session's process."""

    def compose(self) -> ComposeResult:
        yield Label(f"Welcome, session {os.getpid()}", id="welcome")
        name = Input(placeholder="Your name", id="name")
        # Why: like the kiosk's own text boxes (PatientInput), it never blinks. A blinking
        # cursor redraws every half second, so the tab (which waits for 0.5 s without output
        # after a tap) saw a still screen only if one gap happened to run long.
        name.cursor_blink = False
        yield name
        yield Button("Continue", id="continue")

    def on_button_pressed(self) -> None:
        name = self.query_one("#name", Input).value
        self.query_one("#welcome", Label).update(f"Thank you {name}, session {os.getpid()}")


def main(_argv: Sequence[str]) -> int:
    """What the session forker runs in each forked session."""
    TinyKioskApp().run()
    return 0
