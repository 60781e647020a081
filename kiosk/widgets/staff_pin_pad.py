"""An on-screen digit pad for staff ids, PINs and vitals on a tablet: it types into the focused box.

Its keys never take the focus, so the text box the nurse tapped last keeps it and receives the
digits; every key is three rows high so a finger can hit it.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import Button, Input

_KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", ".", "0", "\u232b")


class StaffPinPad(Grid):
    """Twelve keys: digits, a decimal point (for vitals) and backspace."""

    DEFAULT_CSS = """
    StaffPinPad { grid-size: 3 4; grid-gutter: 0 1; height: 12; width: 40; margin: 0 0 1 0; }
    StaffPinPad Button { width: 100%; height: 3; min-width: 6; }
    """

    def compose(self) -> ComposeResult:
        for index, key in enumerate(_KEYS):
            button = Button(key, id=f"pad-{index}", classes="staff-pad-key")
            button.can_focus = False
            yield button

    @on(Button.Pressed, ".staff-pad-key")
    def _key_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        target = self.screen.focused
        if not isinstance(target, Input):
            return
        key = str(event.button.label)
        if key == "\u232b":
            target.action_delete_left()
        else:
            target.insert_text_at_cursor(key)
