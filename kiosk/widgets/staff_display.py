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


#: Where the answer behind a flag was given, by the first part of its code (staff.toml keys).
_FLAG_SOURCES = {
    "history": "section.history",
    "checklist": "section.checklist",
    "med": "section.medications",
    "allergy": "section.medications",
    "phq9": "section.phq9",
    "vitals": "vitals.title",
}


def flag_source(flag: Flag) -> str:
    """Where the flag's answer was given ("Health history"), in the nurse's words: two flags with
    the same reason (pregnancy, asked in the history before it moved to today's checklist) read
    apart by it, never by their codes. "answer" for a kind of flag not listed here."""
    return staff_text(_FLAG_SOURCES.get(flag.code.partition(".")[0], "checkin.answer"))


def flag_answer(flag: Flag) -> Text:
    """Where and what was answered: "Health history: yes"."""
    return Text(f"{flag_source(flag)}: ").append_text(inert(flag.answer))


def flag_words(flag: Flag) -> Text:
    """One flag in one line, as the sign-off names it: the reason, then where and what was
    answered ("Reports seizures or epilepsy. (Health history: yes)")."""
    return Text(f"{flag.reason} (").append_text(flag_answer(flag)).append(")")


def flags_text(flags: Sequence[Flag]) -> Text:
    """Every flag on its own lines: badge and reason, then where and what was answered. Codes
    are for the sealed record, not for the nurse's eyes."""
    if not flags:
        return Text(staff_text("checkin.no_flags"))
    text = Text()
    for flag in flags:
        text.append_text(flag_badge(flag.severity, flag.urgent))
        text.append(f"  {flag.reason}", style="bold")
        text.append("\n    ").append_text(flag_answer(flag)).append("\n")
    return text
