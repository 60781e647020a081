"""How staff screens draw patient text and flags: inert text, badges readable without colour.

Patient text is shown exactly but inertly: it is never parsed as markup, control characters become
visible placeholders and bidi overrides are dropped, so nothing a patient typed can restyle the
nurse's screen. A flag badge carries a marker and a word, so STOP and URGENT stand out in every
theme, high contrast and monochrome included.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from rich.text import Text

from kiosk.intake.measures import MEASURES
from kiosk.intake.records import Flag, Severity
from kiosk.locale.staff import staff_text

# Bidi embedding/override/isolate controls: they could reorder what the nurse reads.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
#: The units each measure can be typed in; the first is the one it is stored in.
VITAL_UNITS: dict[str, tuple[str, ...]] = {
    m.id: {"temperature": ("C", "F"), "weight": ("kg", "lb"), "pain_now": ("/10",)}.get(
        m.id, (m.unit,)
    )
    for m in MEASURES
}

# Long enough for any real name or answer; a 100 KB paste must not swamp the screen.
DISPLAY_LIMIT = 400


def display_text(value: str, limit: int = DISPLAY_LIMIT) -> str:
    """`value` made safe to draw: controls as visible placeholders, bidi controls dropped."""
    shown: list[str] = []
    for char in value[: limit + 1]:
        if char in _BIDI_CONTROLS:
            continue
        if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn") and char != " ":
            shown.append("\N{REPLACEMENT CHARACTER}")
        else:
            shown.append(char)
    text = "".join(shown)
    return text if len(text) <= limit else text[:limit] + "\N{HORIZONTAL ELLIPSIS}"


def inert(value: str, style: str = "") -> Text:
    """Patient text as a Rich Text that is never read as markup."""
    return Text(display_text(value), style=style, no_wrap=False)


_BADGES: dict[Severity, tuple[str, str]] = {
    Severity.STOP: ("\u25a0\u25a0 STOP", "bold reverse"),
    Severity.CAUTION: ("\u25b2 CAUTION", "bold"),
    Severity.INFO: ("\u00b7 info", ""),
}


def flag_badge(severity: Severity | None, urgent: bool = False) -> Text:
    """The marker and word for a flag level: URGENT and STOP are reversed and bold."""
    if urgent:
        return Text("\u203c URGENT", style="bold reverse")
    if severity is None:
        return Text("  none")
    label, style = _BADGES[severity]
    return Text(label, style=style)


def flags_text(flags: Sequence[Flag]) -> Text:
    """Every flag on its own line: badge, reason, and the answer that raised it."""
    if not flags:
        return Text(staff_text("checkin.no_flags"))
    text = Text()
    for flag in flags:
        text.append_text(flag_badge(flag.severity, flag.urgent))
        text.append(f"  {flag.reason}", style="bold")
        text.append(f"\n    {staff_text('checkin.answer')}: ")
        text.append_text(inert(flag.answer))
        text.append(f"   [{flag.code}]\n")
    return text
