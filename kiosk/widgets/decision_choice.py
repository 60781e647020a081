"""The nurse's decision as a radio set whose choice shows by shape, and that does not wrap.

Textual's RadioButton draws the same "▐●▌" whether chosen or not and tells them apart by colour
alone (WCAG 1.4.1 asks for more than colour); here the chosen one has the dot and the others an
empty box. Textual's RadioSet wraps from the last choice to the first: Up on "Cleared" would
silently move to "Hold"; here Up stops at the first choice and Down at the last.
"""

from __future__ import annotations

from textual.widgets import RadioButton, RadioSet

#: Inside the box of the chosen option, and of every other one.
CHOSEN_MARK = "●"
NOT_CHOSEN_MARK = " "


class DecisionButton(RadioButton):
    """One choice: "▐●▌" when chosen, "▐ ▌" when not, whatever the colours."""

    BUTTON_INNER = NOT_CHOSEN_MARK

    def watch_value(self) -> None:
        self.BUTTON_INNER = CHOSEN_MARK if self.value else NOT_CHOSEN_MARK
        super().watch_value()


class DecisionChoice(RadioSet):
    """A RadioSet of DecisionButtons whose arrow keys stop at either end."""

    def _highlighted_at(self, index: int) -> bool:
        buttons = list(self.query(RadioButton))
        # "-selected" is the class RadioSet gives the highlighted choice (and styles it by).
        return bool(buttons) and buttons[index].has_class("-selected")

    def action_previous_button(self) -> None:
        if not self._highlighted_at(0):
            super().action_previous_button()

    def action_next_button(self) -> None:
        if not self._highlighted_at(-1):
            super().action_next_button()
