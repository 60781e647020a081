"""Each language's translation record: who wrote its text, how, and who reviewed it clinically.

The record is kiosk/locale/<language>/translation.toml, beside the catalogs it speaks for.
English is the source text and has none. A review names who reviewed, when, and the SHA-256 of
the exact text they read (kiosk/intake/languages.py computes it over the catalogs and the
consent); a record without a review leaves the language a draft. A clinic records its own
reviews in its configuration in the same shape (`parse_review`). Parsed strictly: a record that
cannot be read is a `LocaleError` naming the file and the field.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, Literal

from kiosk.locale import LOCALE_DIR, TRANSLATION_RECORD_NAME, LocaleError

#: How a translation was made: by a machine (machine translation or an AI model), by a person, or
#: not recorded (text written before records existed).
TranslationMethod = Literal["machine", "human", "unrecorded"]
_METHODS: tuple[TranslationMethod, ...] = ("machine", "human", "unrecorded")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_RECORD_KEYS = frozenset(
    {"translated_by", "translated_on", "method", "offered_unreviewed", "notes", "review"}
)
_REVIEW_KEYS = frozenset({"reviewed_by", "reviewed_on", "text_sha256"})


class RecordFieldError(ValueError):
    """One field of a record or review that cannot be used: which, and what is wrong."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


@dataclass(frozen=True)
class LanguageReview:
    """A clinical review of one language's text: who, when, and the SHA-256 of what they read."""

    reviewed_by: str
    reviewed_on: date
    text_sha256: str


@dataclass(frozen=True)
class TranslationRecord:
    """Who translated a language, how, and the clinical review of it (None: nobody yet)."""

    language: str
    translated_by: str
    translated_on: date
    method: TranslationMethod
    review: LanguageReview | None
    #: Offered to patients even without a review (Spanish: offered before records existed).
    offered_unreviewed: bool
    notes: str


@cache
def translation_record(language: str) -> TranslationRecord | None:
    """The record of a language; None for one without (English, the source text)."""
    path = LOCALE_DIR / language / TRANSLATION_RECORD_NAME
    if not path.is_file():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise LocaleError(f"{path}: is not valid TOML: {error}") from None
    try:
        return parse_record(language, data)
    except RecordFieldError as error:
        raise LocaleError(f"{path}: {error}") from None


def parse_record(language: str, data: dict[str, Any]) -> TranslationRecord:
    """A record from its TOML table; `RecordFieldError` for a field that is wrong."""
    unknown = sorted(set(data) - _RECORD_KEYS)
    if unknown:
        raise RecordFieldError(unknown[0], "is not a field of a translation record")
    method = _field(data, "method", str)
    if method not in _METHODS:
        raise RecordFieldError("method", f"must be one of: {', '.join(_METHODS)}")
    review = data.get("review")
    if review is not None and not isinstance(review, dict):
        raise RecordFieldError("review", "must be a table")
    return TranslationRecord(
        language=language,
        translated_by=_field(data, "translated_by", str),
        translated_on=_field(data, "translated_on", date),
        method=method,
        review=None if review is None else parse_review(review),
        offered_unreviewed=_field(data, "offered_unreviewed", bool, default=False),
        notes=_field(data, "notes", str, default=""),
    )


def parse_review(data: dict[str, Any]) -> LanguageReview:
    """A review from its TOML table; `RecordFieldError` for a field that is wrong."""
    unknown = sorted(set(data) - _REVIEW_KEYS)
    if unknown:
        raise RecordFieldError(unknown[0], "is not a field of a review")
    digest = _field(data, "text_sha256", str)
    if not _SHA256.fullmatch(digest):
        raise RecordFieldError("text_sha256", "must be 64 lower-case hex digits (a SHA-256)")
    return LanguageReview(
        reviewed_by=_field(data, "reviewed_by", str),
        reviewed_on=_field(data, "reviewed_on", date),
        text_sha256=digest,
    )


_TYPE_NAMES = {str: "text in quotes", date: "a date (2027-01-31)", bool: "true or false"}


def _field(data: dict[str, Any], key: str, kind: type, default: object = None) -> Any:
    value = data.get(key, default)
    if value is None:
        raise RecordFieldError(key, "is missing")
    # Why the type() check: TOML's 2027-01-31T10:00 is a datetime, itself a date subclass.
    if not isinstance(value, kind) or (kind is date and type(value) is not date):
        raise RecordFieldError(key, f"must be {_TYPE_NAMES[kind]}")
    if isinstance(value, str) and key != "notes" and not value.strip():
        raise RecordFieldError(key, "is empty")
    return value
