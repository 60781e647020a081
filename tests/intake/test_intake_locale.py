"""Every word a patient reads exists in English and Spanish, with the same placeholders, and a
text about a count takes the words for its number in each language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kiosk.intake.questions import ANSWER_KEYS, DETAIL_PROMPT_KEY, QUESTION_SETS
from kiosk.locale import (
    LANGUAGES,
    catalog,
    missing_translations,
    placeholders,
    plural_categories,
    translate,
    translate_count,
)

VALIDATION_SOURCE = Path("kiosk/intake/validation.py")


def test_no_key_is_missing_in_either_language() -> None:
    assert missing_translations() == []


def test_each_text_has_the_same_placeholders_in_every_language() -> None:
    english = catalog("en")
    for language in LANGUAGES:
        for key, text in catalog(language).items():
            assert placeholders(text) == placeholders(english[key]), (language, key)


def test_every_problem_code_the_validators_use_has_its_text() -> None:
    source = (Path(__file__).parents[2] / VALIDATION_SOURCE).read_text("utf-8")
    codes = set(re.findall(r'"([a-z_]+\.[a-z_]+)"', source)) - {"validation.toml"}
    codes = {code for code in codes if not code.endswith(".py") and not code.endswith(".toml")}
    assert {"dob.future", "signature.mismatch", "vitals.implausible"} <= codes
    for language in LANGUAGES:
        assert codes <= set(catalog(language)), sorted(codes - set(catalog(language)))


def test_every_question_title_option_and_attribution_has_text() -> None:
    keys = [*ANSWER_KEYS, DETAIL_PROMPT_KEY]
    for question_set in QUESTION_SETS:
        keys += [question_set.title_key, *question_set.option_keys]
        keys += [question.text_key for question in question_set.questions]
        keys += [k for k in (question_set.intro_key, question_set.attribution_key) if k]
    for language in LANGUAGES:
        for key in keys:
            assert catalog(language)[key].strip(), (language, key)


def test_midas_keeps_its_attribution() -> None:
    assert "Stewart" in translate("questions.midas.attribution", "en")
    assert "Lipton" in translate("questions.midas.attribution", "es")


def test_a_patient_reading_spanish_sees_spanish_with_the_numbers_filled_in() -> None:
    assert translate("number.range", "es", min=0, max=90) == "Escriba un número de 0 a 90."
    assert translate("number.range", "en", min=0, max=90) == "Please enter a number from 0 to 90."


def test_an_unknown_language_falls_back_to_english() -> None:
    assert translate("dob.future", "fr") == translate("dob.future", "en")


def test_an_unknown_key_is_a_bug_the_tests_catch() -> None:
    with pytest.raises(KeyError):
        translate("no.such.key", "en")


def test_one_question_left_is_falta_1_and_two_are_faltan_2() -> None:
    def left(language: str, count: int) -> str:
        return translate_count("screens.choices.unanswered", language, count)

    assert left("es", 1) == "Por favor, conteste todas las preguntas (falta 1)."
    assert left("es", 2) == "Por favor, conteste todas las preguntas (faltan 2)."
    assert left("es", 0) == "Por favor, conteste todas las preguntas (faltan 0)."
    # Spanish has a "many" form (a million); without a key of its own it reads as "_other".
    assert left("es", 1_000_000).endswith("(faltan 1000000).")
    assert left("en", 1) == "Please answer every question (1 left)."
    assert left("fr", 1) == left("en", 1)


def test_every_counted_text_has_a_form_for_each_plural_category_of_every_language() -> None:
    for language in LANGUAGES:
        keys = set(catalog(language))
        counted = {key.rsplit("_", 1)[0] for key in keys if key.endswith(("_one", "_other"))}
        assert counted >= {"screens.choices.unanswered", "screens.consent.tick_all"}
        for key in counted:
            # A category without its key reads as "_other" (Spanish "many", for a million).
            categories = plural_categories(language) & {"one", "other"}
            assert {f"{key}_{category}" for category in categories} <= keys, (language, key)
    # Chinese and Korean have one form; Vietnamese (CLDR 47: 0 and 1) and Tagalog have two.
    assert {language: sorted(plural_categories(language)) for language in LANGUAGES} == {
        "en": ["one", "other"],
        "es": ["many", "one", "other"],
        "zh-Hans": ["other"],
        "vi": ["one", "other"],
        "ko": ["other"],
        "tl": ["one", "other"],
    }


def test_a_count_reads_in_the_forms_of_the_patients_language() -> None:
    def left(language: str, count: int) -> str:
        return translate_count("screens.choices.unanswered", language, count)

    assert left("zh-Hans", 1) == "请回答所有问题（还剩1个）。"
    assert left("ko", 2) == "모든 질문에 답해 주십시오 (2개 남음)."
    assert left("vi", 1) == "Vui lòng trả lời tất cả các câu hỏi (còn 1 câu)."
    assert left("tl", 4) == "Pakisagot ang bawat tanong (4 pa ang natitira)."
