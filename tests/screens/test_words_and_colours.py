"""Every word a patient reads exists in English and Spanish, and the high-contrast theme meets
WCAG AA (4.5:1) for every text colour on the background it is drawn on."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.color import Color

from kiosk.locale import LANGUAGES, catalog, missing_translations, placeholders
from kiosk.themes import HIGH_CONTRAST_THEME, KIOSK_THEMES, STANDARD_THEME, TEXT_PAIRS

SCREENS = Path(__file__).parents[2] / "kiosk" / "screens"
PATIENT_SCREENS = [
    "checklist.py",
    "consent.py",
    "done.py",
    "history.py",
    "identity.py",
    "medications.py",
    "migraine.py",
    "mood.py",
    "review.py",
    "step_screen.py",
    "still_there.py",
    "welcome.py",
]


def test_every_key_is_in_both_languages_with_the_same_placeholders() -> None:
    assert missing_translations() == []
    english, spanish = catalog("en"), catalog("es")
    for key in english:
        if key.startswith("screens."):
            assert placeholders(english[key]) == placeholders(spanish[key]), key
            assert spanish[key] != english[key] or key.startswith("screens.identity.date_hint")


@pytest.mark.parametrize("source", PATIENT_SCREENS)
def test_every_screens_key_a_patient_screen_names_exists(source: str) -> None:
    text = (SCREENS / source).read_text("utf-8")
    keys = set(re.findall(r'"(screens\.[a-z_.]+[a-z_])"', text))
    for language in LANGUAGES:
        known = set(catalog(language))
        # A text about a count (text_count) has one key per plural form: "<key>_one", "_other".
        known |= {key.removesuffix("_other") for key in known if key.endswith("_other")}
        assert keys <= known, sorted(keys - known)


def luminance(colour: Color) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.r) + 0.7152 * channel(colour.g) + 0.0722 * channel(colour.b)


def contrast(a: Color, b: Color) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("theme_name", [HIGH_CONTRAST_THEME, STANDARD_THEME])
def test_every_text_colour_passes_wcag_aa_on_its_background(theme_name: str) -> None:
    [theme] = [t for t in KIOSK_THEMES if t.name == theme_name]
    for text, background in TEXT_PAIRS:
        ratio = contrast(
            Color.parse(theme.variables[text]), Color.parse(theme.variables[background])
        )
        assert ratio >= 4.5, f"{theme_name}: {text} on {background} is {ratio:.2f}:1"


def test_the_high_contrast_theme_reaches_aaa_for_body_text() -> None:
    [theme] = [t for t in KIOSK_THEMES if t.name == HIGH_CONTRAST_THEME]
    body = contrast(
        Color.parse(theme.variables["kiosk-text"]), Color.parse(theme.variables["kiosk-background"])
    )
    assert body >= 7


@pytest.mark.parametrize(
    "source",
    [SCREENS / name for name in PATIENT_SCREENS]
    + sorted((SCREENS.parent / "widgets").glob("[!s]*.py"))
    + [SCREENS.parent / "app.py"],
    ids=lambda path: path.name,
)
def test_patient_styles_draw_text_only_in_the_checked_colours(source: Path) -> None:
    for _, value in re.findall(r"(?<![\w-])(color|background):\s*([^;]+);", source.read_text()):
        assert value.strip().startswith("$kiosk-"), f"{source.name}: {value}"
