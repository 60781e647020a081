"""An on-screen keypad for dates, times, phone numbers and counts, for tablets without keyboards.

One widget, one row of keys three rows high, drawn by itself and hit-tested by itself: it types
into the text box the patient was last in, and never takes the focus away from it.
"""

from __future__ import annotations

from rich.segment import Segment
from textual import events
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input

BACKSPACE = "\u232b"
KEYS: tuple[str, ...] = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "/", ":", BACKSPACE)
_ROWS = 3


class Keypad(Widget, can_focus=False):
    """Digits, '/', ':' and backspace; `target` is the text box the keys type into."""

    COMPONENT_CLASSES = {"keypad--key"}

    DEFAULT_CSS = """
    Keypad { height: 3; width: 100%; background: $kiosk-background; }
    Keypad > .keypad--key {
        background: $kiosk-button; color: $kiosk-button-text; text-style: bold;
    }
    Keypad:disabled > .keypad--key { background: $kiosk-disabled; color: $kiosk-disabled-text; }
    """

    def __init__(self, *, keypad_id: str = "keypad") -> None:
        super().__init__(id=keypad_id)
        self.target: Input | None = None

    def _key_width(self) -> int:
        return max(3, self.size.width // len(KEYS))

    def render_line(self, y: int) -> Strip:
        width = self._key_width()
        style = self.get_component_rich_style("keypad--key")
        segments: list[Segment] = []
        for key in KEYS:
            inner = width - 1
            if y == 1:
                face = key.center(inner)
            else:
                face = " " * inner
            segments += [Segment(face, style), Segment(" ", self.rich_style)]
        return Strip(segments).extend_cell_length(self.size.width, self.rich_style)

    def key_at(self, x: int) -> str | None:
        """The key drawn at column `x`, or None in a gap."""
        width = self._key_width()
        index, within = divmod(x, width)
        if index >= len(KEYS) or within == width - 1:
            return None
        return KEYS[index]

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or not 0 <= offset.y < _ROWS:
            return
        key = self.key_at(offset.x)
        if key is not None:
            self.tap(key)

    def tap(self, key: str) -> None:
        """Type one key into the target text box, as a finger on the screen would."""
        target = self.target
        if target is None or not target.is_mounted:
            return
        if key == BACKSPACE:
            target.action_delete_left()
        else:
            target.insert_text_at_cursor(key)
        # Why no scroll: Textual's focus scrolls, animated, a box it judges not wholly in view
        # to the middle of the step, and the step then slid on under the patient's next tap
        # (a tap on the box below landed on the one after it). A box partly in view is scrolled
        # into view by the step as soon as it is tapped (StepScreen._whole_in_view).
        target.focus(scroll_visible=False)
