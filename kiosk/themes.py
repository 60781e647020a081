"""The kiosk's two looks: the everyday theme and a high-contrast one (WCAG AA for every text).

Every colour the patient screens use for text comes from a `kiosk-*` variable defined here, and
`TEXT_PAIRS` lists each text colour with the background it is drawn on, so a test can compute
every contrast ratio from these very values.
"""

from __future__ import annotations

from textual.theme import Theme

STANDARD_THEME = "kiosk-standard"
HIGH_CONTRAST_THEME = "kiosk-high-contrast"

#: (text variable, background variable): every pairing the patient screens draw.
TEXT_PAIRS: tuple[tuple[str, str], ...] = (
    ("kiosk-text", "kiosk-background"),
    ("kiosk-text", "kiosk-field"),
    ("kiosk-muted", "kiosk-background"),
    ("kiosk-muted", "kiosk-field"),
    ("kiosk-problem", "kiosk-background"),
    ("kiosk-notice", "kiosk-background"),
    ("kiosk-button-text", "kiosk-button"),
    ("kiosk-chosen-text", "kiosk-chosen"),
    ("kiosk-focus-text", "kiosk-focus"),
    ("kiosk-disabled-text", "kiosk-disabled"),
)

_STANDARD = {
    "kiosk-background": "#1b2330",
    "kiosk-field": "#263245",
    "kiosk-text": "#f2f5f9",
    "kiosk-muted": "#b9c3d1",
    "kiosk-problem": "#ffb4a8",
    "kiosk-notice": "#ffe08a",
    "kiosk-button": "#2f5d9e",
    "kiosk-button-text": "#ffffff",
    "kiosk-chosen": "#cfe3ff",
    "kiosk-chosen-text": "#10233f",
    "kiosk-focus": "#ffd166",
    "kiosk-focus-text": "#1b1b1b",
    "kiosk-disabled": "#3a4454",
    "kiosk-disabled-text": "#d3d9e2",
    "kiosk-border": "#7f8ea3",
}

_HIGH_CONTRAST = {
    "kiosk-background": "#000000",
    "kiosk-field": "#000000",
    "kiosk-text": "#ffffff",
    "kiosk-muted": "#e6e6e6",
    "kiosk-problem": "#ffd0c8",
    "kiosk-notice": "#ffff00",
    "kiosk-button": "#ffffff",
    "kiosk-button-text": "#000000",
    "kiosk-chosen": "#ffff00",
    "kiosk-chosen-text": "#000000",
    "kiosk-focus": "#00ffff",
    "kiosk-focus-text": "#000000",
    "kiosk-disabled": "#000000",
    "kiosk-disabled-text": "#c8c8c8",
    "kiosk-border": "#ffffff",
}


def _theme(name: str, colours: dict[str, str]) -> Theme:
    return Theme(
        name=name,
        primary=colours["kiosk-button"],
        accent=colours["kiosk-focus"],
        error=colours["kiosk-problem"],
        warning=colours["kiosk-notice"],
        foreground=colours["kiosk-text"],
        background=colours["kiosk-background"],
        surface=colours["kiosk-field"],
        panel=colours["kiosk-field"],
        dark=True,
        variables=dict(colours),
    )


KIOSK_THEMES: tuple[Theme, ...] = (
    _theme(STANDARD_THEME, _STANDARD),
    _theme(HIGH_CONTRAST_THEME, _HIGH_CONTRAST),
)
