"""A text box for patient answers that draws whatever is typed inertly and never blinks.

What is typed is kept exactly in `value` (validation decides what may be stored); only the
drawing changes: each control character shows as its visible "control picture" and each
invisible formatting or text-direction character as a replacement mark, one cell for one
character, so a pasted escape sequence or bidi override cannot move or restyle other cells.
"""

from __future__ import annotations

import unicodedata

from rich.cells import cell_len
from rich.text import Text
from textual.suggester import Suggester
from textual.widgets import Input

_DEL = 0x7F
_CONTROL_PICTURES = 0x2400  # U+2400..U+241F picture the C0 controls, U+2421 pictures DEL


def visible_character(char: str) -> str:
    """The character itself if it is safe to draw, else a one-cell visible stand-in."""
    code = ord(char)
    if code < 0x20:
        return chr(_CONTROL_PICTURES + code)
    if code == _DEL:
        return "\u2421"
    if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
        return "\N{REPLACEMENT CHARACTER}"
    return char


def visible_text(value: str) -> str:
    """`value` with every unsafe character replaced one for one (same length, same indices)."""
    return "".join(visible_character(char) for char in value)


class PatientInput(Input):
    """An `Input` with its label in the border, drawn inertly, with a steady cursor."""

    DEFAULT_CSS = """
    PatientInput {
        height: 3;
        background: $kiosk-field;
        color: $kiosk-text;
        border: tall $kiosk-border;
        border-title-color: $kiosk-text;
        border-title-style: bold;
    }
    PatientInput:focus { border: tall $kiosk-focus; }
    PatientInput > .input--placeholder { color: $kiosk-muted; }
    PatientInput.-problem { border: tall $kiosk-problem; }
    PatientInput.-problem:focus { border: tall $kiosk-focus; }  /* its message stays under it */
    """

    def __init__(
        self,
        label: str,
        *,
        field_id: str,
        placeholder: str = "",
        suggester: Suggester | None = None,
    ) -> None:
        super().__init__(
            placeholder=placeholder, id=field_id, select_on_focus=False, suggester=suggester
        )
        self.border_title = label
        self.cursor_blink = False

    @property
    def _value(self) -> Text:
        # Why: the drawn text must never hold a control or bidi character a terminal obeys.
        return Text(visible_text(self.value), no_wrap=True, overflow="ignore", end="")

    def _position_to_cell(self, position: int) -> int:
        return cell_len(visible_text(self.value[:position]))
