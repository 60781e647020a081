"""A box the patient ticks (consent acknowledgements, "I take no medications"), big enough to tap.

A `Button` three rows high whose label shows a tick mark, so it works by Space, click or touch
alike and never shrinks to the one-row target of a `Checkbox`. Enter never ticks: a patient
presses Enter to go on, so Enter is left to the step, which moves to the next question.
"""

from __future__ import annotations

from textual.actions import SkipAction
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import Button

_TICKED = "[X] "
_EMPTY = "[ ] "


class TickBox(Button):
    """A toggle drawn as a button: `ticked` flips on every press."""

    BINDINGS = [
        Binding("space", "press", "Tick or untick", show=False),
        Binding("enter", "go_on", show=False),
    ]

    DEFAULT_CSS = """
    TickBox {
        width: 100%;
        height: auto;
        min-height: 3;
        content-align: left middle;
        text-align: left;
        background: $kiosk-field;
        color: $kiosk-text;
        border: tall $kiosk-border;
        text-style: none;
    }
    TickBox:focus { background: $kiosk-focus; color: $kiosk-focus-text; text-style: bold; }
    TickBox:hover { background: $kiosk-field; }
    TickBox.-ticked { background: $kiosk-chosen; color: $kiosk-chosen-text; }
    TickBox.-ticked:focus { background: $kiosk-focus; color: $kiosk-focus-text; }
    """

    class Toggled(Message):
        """The patient ticked or unticked this box."""

        def __init__(self, box: TickBox) -> None:
            super().__init__()
            self.box = box

        @property
        def control(self) -> TickBox:
            return self.box

    def __init__(self, text: str, *, box_id: str, ticked: bool = False) -> None:
        self._text = text
        super().__init__(self._label_for(ticked), id=box_id, compact=False)
        self.ticked = ticked
        self.set_class(ticked, "-ticked")

    @property
    def words(self) -> str:
        """The box's words, without its tick mark."""
        return self._text

    def action_go_on(self) -> None:
        raise SkipAction()  # the step's Enter moves on; a box the patient passes stays as it is

    def _label_for(self, ticked: bool) -> Content:
        return Content((_TICKED if ticked else _EMPTY) + self._text)

    def set_ticked(self, ticked: bool) -> None:
        """Tick or untick without the patient pressing (wipe, mutually exclusive choices)."""
        self.ticked = ticked
        self.set_class(ticked, "-ticked")
        self.label = self._label_for(ticked)

    def relabel(self, text: str, ticked: bool) -> None:
        """New words (another language) and state."""
        self._text = text
        self.set_ticked(ticked)

    def press(self) -> TickBox:
        if self.disabled or not self.display:
            return self
        self.set_ticked(not self.ticked)
        self.post_message(self.Toggled(self))
        return self
