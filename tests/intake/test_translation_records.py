"""Each language carries a translation record; a language without a clinical review of exactly
the text shown is a draft, offered only where the clinic turns drafts on; a review recorded for
the text turns it on, and any edit after the review turns the language back into a draft."""

from __future__ import annotations

from datetime import date

import pytest

import kiosk.intake.languages as languages_module
from kiosk.intake.config import ConfigError, default_config, load_config_text
from kiosk.intake.languages import (
    LanguageState,
    language_status,
    offered_languages,
    text_sha256,
)
from kiosk.locale import LANGUAGES, catalog
from kiosk.locale.translation_records import (
    RecordFieldError,
    parse_record,
    translation_record,
)

NEW_LANGUAGES = ("zh-Hans", "vi", "ko", "tl")


def review_of(language: str, digest: str) -> str:
    return (
        f"[languages.reviews.{language}]\n"
        'reviewed_by = "Lan Tran, CMI (Vietnamese), RN"\n'
        "reviewed_on = 2027-01-15\n"
        f'text_sha256 = "{digest}"\n'
    )


def test_the_four_new_languages_ship_as_machine_drafted_drafts_nobody_has_reviewed() -> None:
    config = default_config()
    assert offered_languages(config) == ("en", "es")
    for language in NEW_LANGUAGES:
        status = language_status(language, config)
        assert (status.state, status.offered) == (LanguageState.DRAFT, False), language
        record = translation_record(language)
        assert record is not None and record.method == "machine" and record.review is None
        assert "AI" in record.translated_by
    # English is the source; Spanish stays offered as before, with no review on record.
    assert language_status("en", config).state is LanguageState.SOURCE
    spanish = language_status("es", config)
    assert (spanish.state, spanish.offered) == (LanguageState.UNREVIEWED, True)


def test_a_clinic_that_turns_drafts_on_offers_all_six_languages() -> None:
    config = load_config_text("[languages]\nshow_drafts = true\n", "clinic.toml")
    assert offered_languages(config) == LANGUAGES
    assert language_status("ko", config).state is LanguageState.DRAFT


def test_a_review_of_exactly_the_text_shown_offers_the_language_without_drafts() -> None:
    digest = text_sha256("vi", default_config())
    config = load_config_text(review_of("vi", digest), "clinic.toml")
    status = language_status("vi", config)
    assert (status.state, status.offered) == (LanguageState.REVIEWED, True)
    assert status.review is not None and status.review.reviewed_on == date(2027, 1, 15)
    assert offered_languages(config) == ("en", "es", "vi")


def test_an_edit_to_the_consent_after_the_review_turns_the_language_back_into_a_draft() -> None:
    defaults = default_config().consent
    digest = text_sha256("vi", default_config())
    # The clinic's own consent: the same texts, one Vietnamese word changed after the review.
    edited = {lang: text for lang, text in defaults.text.items()}
    edited["vi"] = edited["vi"].replace("30 phút", "45 phút")
    table = "[consent.text]\n" + "".join(
        f'"{lang}" = """{text}"""\n' for lang, text in edited.items()
    )
    config = load_config_text(review_of("vi", digest) + table, "clinic.toml")
    status = language_status("vi", config)
    assert (status.state, status.offered) == (LanguageState.DRAFT, False)
    assert status.outdated_review is not None and status.review is None
    assert "vi" not in offered_languages(config)


def test_an_edit_to_a_catalog_or_to_the_english_after_the_review_changes_the_hash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    defaults = default_config()
    reviewed = text_sha256("ko", defaults)
    config = load_config_text(review_of("ko", reviewed), "clinic.toml")
    assert language_status("ko", config).state is LanguageState.REVIEWED

    def edited(language: str, key: str) -> dict[str, str]:
        texts = dict(catalog(language))
        texts[key] += "!"
        return texts

    for language, key in (("ko", "questions.answer.yes"), ("en", "screens.welcome.check_in")):
        monkeypatch.setattr(
            languages_module,
            "catalog",
            lambda wanted, language=language, key=key: (
                edited(language, key) if wanted == language else catalog(wanted)
            ),
        )
        assert text_sha256("ko", defaults) != reviewed, (language, key)
        assert language_status("ko", config).state is LanguageState.DRAFT
    monkeypatch.undo()
    # Another language's text is not part of Korean's review.
    assert text_sha256("ko", defaults) == reviewed


def test_a_language_without_its_consent_or_discharge_instructions_is_never_offered() -> None:
    defaults = default_config()
    consent = "[consent.text]\n" + "".join(
        f'"{lang}" = """{defaults.consent.text[lang]}"""\n' for lang in ("en", "es")
    )
    config = load_config_text("[languages]\nshow_drafts = true\n" + consent, "clinic.toml")
    assert offered_languages(config) == ("en", "es")
    assert language_status("tl", config).state is LanguageState.MISSING_TEXT
    # A clinic's own discharge instructions replace the default's whole, every language.
    instructions = "[chair.discharge_instructions]\n" + "".join(
        f'"{lang}" = """{defaults.chair.discharge_instructions[lang]}"""\n'
        for lang in ("en", "es", "ko")
    )
    config = load_config_text("[languages]\nshow_drafts = true\n" + instructions, "clinic.toml")
    assert offered_languages(config) == ("en", "es", "ko")


def test_an_edit_to_the_discharge_instructions_after_the_review_changes_the_hash() -> None:
    defaults = default_config()
    reviewed = text_sha256("tl", defaults)
    edited = dict(defaults.chair.discharge_instructions)
    edited["tl"] = edited["tl"].replace("Uminom ng tubig.", "Uminom ng maraming tubig.")
    table = "[chair.discharge_instructions]\n" + "".join(
        f'"{lang}" = """{text}"""\n' for lang, text in edited.items()
    )
    config = load_config_text(review_of("tl", reviewed) + table, "clinic.toml")
    assert language_status("tl", config).state is LanguageState.DRAFT


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[languages.reviews.fr]\nreviewed_by = "X"\n',
            "languages.reviews.fr (line 1): is not a translated language of the kiosk",
        ),
        (
            '[languages.reviews.en]\nreviewed_by = "X"\n',
            "languages.reviews.en (line 1): is not a translated language of the kiosk",
        ),
        (
            review_of("vi", "abc"),
            "languages.reviews.vi.text_sha256 (line 4): must be 64 lower-case hex digits",
        ),
        (
            review_of("vi", "0" * 64).replace("2027-01-15", '"January"'),
            "languages.reviews.vi.reviewed_on (line 3): must be a date (2027-01-31)",
        ),
        (
            '[languages.reviews.ko]\nreviewed_on = 2027-01-15\ntext_sha256 = "' + "0" * 64 + '"',
            "languages.reviews.ko.reviewed_by: is missing",
        ),
        ("[languages]\nshow_drafts = 1\n", "languages.show_drafts (line 2): must be true or false"),
    ],
    ids=["unknown language", "english", "short hash", "date as text", "no reviewer", "bool"],
)
def test_a_review_or_draft_setting_that_cannot_be_used_is_refused_saying_where(
    text: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_config_text(text, "clinic.toml")


def test_a_translation_record_is_read_strictly() -> None:
    good = {"translated_by": "A translator", "translated_on": date(2026, 12, 3), "method": "human"}
    assert parse_record("vi", good).review is None
    for broken, field in (
        ({**good, "reviewer": "typo"}, "reviewer"),
        ({**good, "method": "magic"}, "method"),
        ({**good, "translated_on": "2026-12-03"}, "translated_on"),
        ({**good, "review": {"reviewed_by": "X", "reviewed_on": date(2027, 1, 1)}}, "text_sha256"),
    ):
        with pytest.raises(RecordFieldError) as refused:
            parse_record("vi", broken)
        assert refused.value.field == field
