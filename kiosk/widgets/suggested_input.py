"""A text box with a few names offered under it, taken only when the patient picks one.

The screen shows the offered names (as buttons a finger can tap) and tells the box what they
are; keys never leave the box: Down moves onto the offered names one by one (the screen draws
the one moved onto in the focus colours), Up moves back, and Enter takes the name moved onto.
Enter with no name moved onto keeps exactly what was typed. Down past the last name, or Up from
the box itself, moves on to the step's other questions like any Down or Up.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.actions import SkipAction
from textual.binding import Binding
from textual.message import Message

from kiosk.widgets.patient_input import PatientInput


class SuggestedInput(PatientInput):
    """A `PatientInput` whose `offered` names the patient may move onto and take."""

    BINDINGS = [
        Binding("down", "move_onto(1)", show=False),
        Binding("up", "move_onto(-1)", show=False),
    ]

    class PointedAt(Message):
        """The offered name the patient moved onto changed (None: back in the box)."""

        def __init__(self, box: SuggestedInput, index: int | None) -> None:
            super().__init__()
            self.box = box
            self.index = index

        @property
        def control(self) -> SuggestedInput:
            return self.box

    #: The names shown under the box now, and which one the patient moved onto (None: none).
    offered: tuple[str, ...] = ()
    pointed: int | None = None

    def offer(self, names: Sequence[str]) -> None:
        """The names shown under the box now; none is moved onto."""
        self.offered = tuple(names)
        self._point(None)

    def action_move_onto(self, step: int) -> None:
        index = (-1 if self.pointed is None else self.pointed) + step
        if index >= len(self.offered) or (self.pointed is None and step < 0):
            self._point(None)
            raise SkipAction()  # on to the step's next (or previous) question
        self._point(index if index >= 0 else None)

    async def action_submit(self) -> None:
        if self.pointed is not None:
            self.value = self.offered[self.pointed]
            self.cursor_position = len(self.value)
        await super().action_submit()

    def _point(self, index: int | None) -> None:
        if index != self.pointed:
            self.pointed = index
            self.post_message(self.PointedAt(self, index))
