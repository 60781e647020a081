"""An on-screen digit pad for staff PINs on a tablet: it types into the focused box.

Its keys never take the focus, so the text box the nurse tapped last keeps it and receives the
digits; every key is three rows high so a finger can hit it.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, VerticalScroll
from textual.widgets import Button, Input, Static

_BACKSPACE = "\u232b"
# A PIN is digits only, so the pad has no decimal point: its corner stays empty.
_KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "", "0", _BACKSPACE)


class StaffPinPad(Grid):
    """Ten digit keys and backspace, laid out as on a phone."""

    DEFAULT_CSS = """
    StaffPinPad { grid-size: 3 4; grid-gutter: 0 1; height: 12; width: 40; margin: 0 0 1 0; }
    StaffPinPad Button { width: 100%; height: 3; min-width: 6; }
    """

    def compose(self) -> ComposeResult:
        for key in _KEYS:
            if not key:
                yield Static("")
                continue
            name = "back" if key == _BACKSPACE else key
            button = Button(key, id=f"pad-{name}", classes="staff-pad-key")
            button.can_focus = False
            yield button

    @on(Button.Pressed, ".staff-pad-key")
    def _key_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        target = self.screen.focused
        if not isinstance(target, Input):
            return
        key = str(event.button.label)
        if key == _BACKSPACE:
            target.action_delete_left()
        else:
            target.insert_text_at_cursor(key)


class PinPadForm(VerticalScroll):
    """A scrolling form with a PIN pad in it. A tap on it leaves the focus where it was: a key of
    the pad never takes the focus, so Textual gave it to this form, the nearest widget under the
    finger that takes it; the form then scrolled to show itself, the finger was lifted over
    another widget, and the tap was lost, and the next one's digit reached no box."""

    FOCUS_ON_CLICK = False
