"""Which languages a clinic's patients are offered, and why: translations, reviews and drafts.

English is the source text. Every other language has a translation record beside its catalogs
(kiosk/locale/<language>/translation.toml: who translated, how, who reviewed it clinically). A
language is reviewed when a clinical review, the record's own or the clinic's
(`[languages.reviews.<language>]` in its configuration), names the SHA-256 of exactly the text
the kiosk shows now (`text_sha256`: the language's catalogs, consent and discharge instructions,
with the English they translate). Without such a review it is a draft, offered only where the
clinic turns drafts on
(`[languages] show_drafts`): machine translation of critical documents needs a qualified human
translator's review (Section 1557, 45 CFR 92.201(c)(3)). An edit after the review changes the
hash, and the language is a draft again until someone reviews the new text. Spanish was offered
before translation records existed and stays offered without a review on record (its record
says `offered_unreviewed`); the IT console says so. A language whose consent or discharge
instructions the clinic's configuration lacks is never offered.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from enum import Enum

from kiosk.intake.config import ClinicConfig
from kiosk.locale import FALLBACK_LANGUAGE, LANGUAGES, catalog
from kiosk.locale.translation_records import (
    LanguageReview,
    TranslationRecord,
    translation_record,
)


class LanguageState(Enum):
    """Where a language's text stands."""

    #: English: the text every translation is made from.
    SOURCE = "source"
    #: A clinical review covers exactly the text shown now.
    REVIEWED = "reviewed"
    #: No review on record, offered all the same (Spanish, offered before records existed).
    UNREVIEWED = "unreviewed"
    #: No review covers the text shown now: offered only where the clinic turns drafts on.
    DRAFT = "draft"
    #: The clinic's configuration lacks the consent or the discharge instructions in this
    #: language: never offered.
    MISSING_TEXT = "missing_text"


@dataclass(frozen=True)
class LanguageStatus:
    """One language at one clinic: its state, whether patients are offered it, and its record."""

    language: str
    state: LanguageState
    offered: bool
    #: None for English.
    record: TranslationRecord | None
    #: The review that covers the text shown now (None unless REVIEWED).
    review: LanguageReview | None
    #: A review of an earlier text: the text changed after it (None when there is none).
    outdated_review: LanguageReview | None


def text_sha256(language: str, config: ClinicConfig) -> str:
    """The SHA-256 (hex) of what a review of the language covers, as canonical JSON (UTF-8): its
    catalogs (every key and text), its consent text and acknowledgements, its discharge
    instructions, and the same of the English they translate, so an English edit calls for a
    new review too."""
    reviewed = {
        "language": language,
        "source": _texts(FALLBACK_LANGUAGE, config),
        "translation": _texts(language, config),
    }
    canonical = json.dumps(reviewed, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _texts(language: str, config: ClinicConfig) -> dict[str, object]:
    consent = config.consent
    return {
        "catalog": dict(catalog(language)),
        "consent": consent.text.get(language),
        "acknowledgements": [[ack.id, ack.text.get(language)] for ack in consent.acknowledgements],
        "discharge_instructions": config.chair.discharge_instructions.get(language),
    }


def _has_every_text(language: str, config: ClinicConfig) -> bool:
    """Whether the configuration gives the consent and the discharge instructions in it."""
    return config.consent.in_language(language) and language in config.chair.discharge_instructions


def language_status(language: str, config: ClinicConfig) -> LanguageStatus:
    """How one language stands at a clinic with this configuration."""
    record = translation_record(language)
    if language == FALLBACK_LANGUAGE:
        return LanguageStatus(language, LanguageState.SOURCE, True, None, None, None)
    reviews = [config.language_reviews.get(language), record.review if record else None]
    known = [review for review in reviews if review is not None]
    current = text_sha256(language, config) if known else ""
    covering = next((review for review in known if review.text_sha256 == current), None)
    outdated = None if covering else next(iter(known), None)
    if not _has_every_text(language, config):
        state = LanguageState.MISSING_TEXT
    elif covering is not None:
        state = LanguageState.REVIEWED
    elif record is not None and record.offered_unreviewed:
        state = LanguageState.UNREVIEWED
    else:
        state = LanguageState.DRAFT
    offered = state in (LanguageState.REVIEWED, LanguageState.UNREVIEWED) or (
        state is LanguageState.DRAFT and config.show_draft_languages
    )
    return LanguageStatus(language, state, offered, record, covering, outdated)


def offered_languages(config: ClinicConfig) -> tuple[str, ...]:
    """The languages the welcome screen offers, in the kiosk's order (English first)."""
    return tuple(language for language in LANGUAGES if language_status(language, config).offered)
