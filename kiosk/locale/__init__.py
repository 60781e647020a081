"""Every word a patient reads, per language: kiosk/locale/<language>/*.toml, merged.

Keys are dotted paths ("dob.future", "questions.phq9.item9"); each TOML file in a language's
folder adds its keys, and the same key in two files is an error (one place per text). The
folder's translation record (translation.toml, kiosk/locale/translation_records.py) is not a
catalog. Text may hold {name} placeholders filled from the parameters of `translate`. A text that
depends on a count has one key per CLDR plural category the language has, "<key>_one" and
"<key>_other" (Chinese and Korean have "other" alone; a category without its key, such as
Spanish "many", uses "_other"), and is read with `translate_count`, which picks the key by
Babel's plural rules for the language. A key missing in a language falls back to English; a key
missing in English is a bug and raises `KeyError` (a test makes sure none is missing).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from string import Formatter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from babel.plural import PluralRule

#: Every language the kiosk has words for, as BCP 47 tags (the folder names here): English,
#: Spanish, Chinese (Simplified), Vietnamese, Korean, Tagalog. Which of them a clinic's patients
#: are offered is kiosk/intake/languages.py's business (a translation without review is a draft).
LANGUAGES = ("en", "es", "zh-Hans", "vi", "ko", "tl")
#: Each language's name in its own script, as the welcome screen's buttons show it.
LANGUAGE_NAMES = {
    "en": "English",
    "es": "Español",
    "zh-Hans": "中文(简体)",
    "vi": "Tiếng Việt",
    "ko": "한국어",
    "tl": "Tagalog",
}
FALLBACK_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).parent
#: The file beside a language's catalogs that records who translated and reviewed them.
TRANSLATION_RECORD_NAME = "translation.toml"


class LocaleError(ValueError):
    """A locale file that cannot be used: bad TOML, a non-text value, or a duplicate key."""


def translate(code: str, language: str, **params: object) -> str:
    """The text for a key in the language (English if missing there), placeholders filled."""
    texts = catalog(language) if language in LANGUAGES else {}
    text = texts.get(code)
    if text is None:
        text = catalog(FALLBACK_LANGUAGE)[code]
    return text.format_map(_Params(params)) if params else text


def translate_count(code: str, language: str, count: int, **params: object) -> str:
    """The text for `count` things ("falta 1", "faltan 2"): `<code>_<plural category>`."""
    known = language if language in LANGUAGES else FALLBACK_LANGUAGE
    key = f"{code}_{_plural_rule(known)(count)}"
    if key not in catalog(FALLBACK_LANGUAGE):
        key = f"{code}_other"
    return translate(key, known, count=count, **params)


@cache
def _plural_rule(language: str) -> PluralRule:
    # Why imported here: Babel takes ~70 ms to import, and the welcome screen counts nothing.
    from babel import Locale

    return Locale.parse(language, sep="-").plural_form


def plural_categories(language: str) -> frozenset[str]:
    """The CLDR plural categories the language's counted texts need ("other" always)."""
    return frozenset(_plural_rule(language).tags | {"other"})


class _Params(dict[str, object]):
    """Leaves an unknown {placeholder} as written instead of raising."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@cache
def catalog(language: str) -> Mapping[str, str]:
    """Every key of one language, from all its TOML files."""
    merged: dict[str, str] = {}
    origin: dict[str, str] = {}
    for path in sorted((LOCALE_DIR / language).glob("*.toml")):
        if path.name == TRANSLATION_RECORD_NAME:
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise LocaleError(f"{path}: is not valid TOML: {error}") from None
        for key, text in _flatten(data, "", path):
            if key in merged:
                raise LocaleError(f"{path}: key {key} is already defined in {origin[key]}")
            merged[key] = text
            origin[key] = path.name
    return merged


def _flatten(data: Mapping[str, Any], prefix: str, path: Path) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for key, value in data.items():
        full = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            pairs += _flatten(value, full, path)
        elif isinstance(value, str):
            pairs.append((full, value))
        else:
            raise LocaleError(f"{path}: key {full} must be text")
    return pairs


def placeholders(text: str) -> set[str]:
    """The {names} a text expects."""
    return {name for _, name, _, _ in Formatter().parse(text) if name}


def missing_translations() -> list[str]:
    """Keys present in one language but missing in another, as "<language>: <key>" lines. A
    counted text's form is needed only in the languages with that plural category (Chinese has
    no "_one")."""
    keys = {language: set(catalog(language)) for language in LANGUAGES}
    everything = set().union(*keys.values())
    counted = {key.rsplit("_", 1)[0] for key in everything if key.endswith("_other")}
    return sorted(
        f"{language}: {key}"
        for language in LANGUAGES
        for key in everything - keys[language]
        if not _form_not_needed(key, counted, language)
    )


def _form_not_needed(key: str, counted: set[str], language: str) -> bool:
    base, _, category = key.rpartition("_")
    return base in counted and category not in plural_categories(language)
