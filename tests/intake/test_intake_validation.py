"""Field validation as a patient or nurse meets it: a value, or one specific problem."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from intake_hypothesis import ci_examples

from kiosk.intake.measures import MEASURES, measure
from kiosk.intake.questions import MIDAS, MIGRAINE_HISTORY, PHQ9, Question
from kiosk.intake.validation import (
    Invalid,
    Valid,
    Validation,
    validate_date_of_birth,
    validate_days_per_month,
    validate_detail,
    validate_hours_ago,
    validate_person_name,
    validate_phone,
    validate_short_text,
    validate_signature,
    validate_substance_name,
    validate_time_of_day,
    validate_vital,
    validate_whole_number,
)
from kiosk.locale import catalog

TODAY = date(2025, 3, 14)
NOW = datetime(2025, 3, 14, 9, 0, tzinfo=ZoneInfo("America/New_York"))


def code_of(result: Validation[object]) -> str:
    assert isinstance(result, Invalid), result
    return result.problem.code


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", "text.required"),
        ("   ", "text.required"),
        ("x" * 101, "text.too_long"),
        ("Dana\x1b[31m", "text.escape_sequence"),
        ("Dana\u202eanaD", "text.bidi_control"),
        ("Dana\u2066", "text.bidi_control"),
        ("Da\x00na", "text.control_character"),
        ("Dana\nSmith", "text.control_character"),
        ("Dana\ud800", "text.invalid_character"),
        ("Dana 2", "name.characters"),
        ("Dana 🙂", "name.characters"),
        ("<script>", "name.characters"),
        ("---", "name.no_letters"),
    ],
)
def test_a_name_with_something_wrong_gets_a_specific_problem(typed: str, code: str) -> None:
    assert code_of(validate_person_name(typed, "legal_name")) == code


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("  Dana   María  ", "Dana María"),
        ("O'Brien-Núñez", "O'Brien-Núñez"),
        ("Jean-Luc Picard, Jr.", "Jean-Luc Picard, Jr."),
        ("José", "José"),
        ("Jose\u0301", "José"),
        ("王小明", "王小明"),
        ("محمد", "محمد"),
    ],
)
def test_real_names_in_many_scripts_are_kept_tidy(typed: str, kept: str) -> None:
    assert validate_person_name(typed, "legal_name") == Valid(kept)


def test_an_optional_name_may_be_blank() -> None:
    assert validate_person_name("", "preferred_name", required=False) == Valid("")


def test_a_medication_line_keeps_its_dose_text() -> None:
    assert validate_substance_name("Lamictal 100mg (XR) 1/2", "medication") == Valid(
        "Lamictal 100mg (XR) 1/2"
    )
    assert code_of(validate_substance_name("100", "medication")) == "name.no_letters"
    assert code_of(validate_substance_name("x;rm -rf", "medication")) == "medication.characters"


def test_free_text_detail_keeps_lines_and_emoji_but_never_escapes() -> None:
    assert validate_detail(" one in 2019\nanother 🙂 ", "detail") == Valid(
        "one in 2019\nanother 🙂"
    )
    assert code_of(validate_detail("\x1b]0;title\x07", "detail")) == "text.escape_sequence"
    assert code_of(validate_detail("y" * 1001, "detail")) == "text.too_long"
    assert validate_detail("", "detail") == Valid("")


def test_a_short_answer_such_as_a_dose() -> None:
    assert validate_short_text(" 100  mg ", "dose") == Valid("100 mg")
    assert code_of(validate_short_text("", "dose", required=True)) == "text.required"


@pytest.mark.parametrize(
    ("typed", "order", "born"),
    [
        ("1984-07-02", "MDY", date(1984, 7, 2)),
        ("1984/7/2", "DMY", date(1984, 7, 2)),
        ("07/02/1984", "MDY", date(1984, 7, 2)),
        ("02/07/1984", "DMY", date(1984, 7, 2)),
        ("07021984", "MDY", date(1984, 7, 2)),
        ("02071984", "DMY", date(1984, 7, 2)),
        ("2025-03-14", "MDY", TODAY),
    ],
)
def test_a_date_of_birth_in_any_documented_form(typed: str, order: str, born: date) -> None:
    assert validate_date_of_birth(typed, TODAY, order) == Valid(born)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", "text.required"),
        ("July 2nd", "dob.format"),
        ("1984-02-30", "dob.not_a_date"),
        ("13/01/1984", "dob.not_a_date"),
        ("2025-03-15", "dob.future"),
        ("1900-01-01", "dob.too_old"),
        ("0" * 41, "text.too_long"),
    ],
)
def test_a_wrong_date_of_birth_says_what_is_wrong(typed: str, code: str) -> None:
    assert code_of(validate_date_of_birth(typed, TODAY, "MDY")) == code


def test_the_date_problem_shows_the_clinic_s_order_as_an_example() -> None:
    result = validate_date_of_birth("soon", TODAY, "DMY")
    assert isinstance(result, Invalid) and result.problem.params == {"example": "DD/MM/YYYY"}


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("+1 (555) 010-2030", None),
        ("5550102", None),
        ("555 010", "phone.too_few_digits"),
        ("1234567890123456", "phone.too_many_digits"),
        ("555-CALL-NOW", "phone.characters"),
        ("555+0102030", "phone.characters"),
        ("", "text.required"),
    ],
)
def test_phone_numbers(typed: str, code: str | None) -> None:
    result = validate_phone(typed)
    if code is None:
        assert isinstance(result, Valid)
    else:
        assert code_of(result) == code


@pytest.mark.parametrize(
    ("typed", "hour", "minute", "day"),
    [
        ("7:30", 7, 30, 14),
        ("7:30 am", 7, 30, 14),
        ("7pm", 19, 0, 13),
        ("22:00", 22, 0, 13),
        ("12:15 a.m.", 0, 15, 14),
    ],
)
def test_a_clock_time_later_than_now_means_yesterday(
    typed: str, hour: int, minute: int, day: int
) -> None:
    result = validate_time_of_day(typed, NOW, "last_food")
    assert isinstance(result, Valid)
    assert (result.value.day, result.value.hour, result.value.minute) == (day, hour, minute)
    assert result.value.utcoffset() is not None


@pytest.mark.parametrize(
    ("typed", "code"),
    [("25:00", "time.not_a_time"), ("13pm", "time.not_a_time"), ("soon", "time.format")],
)
def test_a_wrong_time_of_day(typed: str, code: str) -> None:
    assert code_of(validate_time_of_day(typed, NOW, "last_food")) == code


def test_hours_ago_in_several_forms() -> None:
    for typed in ("3", "3h", "3 hours ago", "hace 3 horas", "3,0"):
        result = validate_hours_ago(typed, NOW, "last_food")
        assert isinstance(result, Valid) and (NOW - result.value).total_seconds() == 3 * 3600
    assert code_of(validate_hours_ago("100", NOW, "last_food")) == "hours_ago.range"
    assert code_of(validate_hours_ago("yesterday", NOW, "last_food")) == "hours_ago.format"


def answered_in_range(question: Question) -> Callable[[str, str], Validation[int]]:
    """A number typed for `question`, checked as the migraine step checks it."""
    return lambda raw, field_id: validate_whole_number(raw, field_id, question.low, question.high)


MIDAS_DAYS = answered_in_range(MIDAS.question("item1"))
PAIN = answered_in_range(MIGRAINE_HISTORY.question("typical_pain"))
PHQ9_ITEM = answered_in_range(PHQ9.questions[0])


@pytest.mark.parametrize(
    ("check", "low", "high"),
    [
        (MIDAS_DAYS, 0, 90),
        (PAIN, 0, 10),
        (validate_days_per_month, 0, 31),
        (PHQ9_ITEM, 0, 3),
    ],
)
def test_number_ranges_accept_their_ends_and_refuse_beyond(
    check: Callable[[str, str], Validation[int]], low: int, high: int
) -> None:
    assert check(str(low), "q") == Valid(low)
    assert check(f" {high} ", "q") == Valid(high)
    assert code_of(check(str(high + 1), "q")) == "number.range"
    assert code_of(check("-1", "q")) == "number.not_whole"
    assert code_of(check("1.5", "q")) == "number.not_whole"
    assert code_of(check("two", "q")) == "number.format"
    assert check("２", "q") == Valid(2) or high < 2


def test_the_signature_must_match_the_legal_name_ignoring_case_and_spacing() -> None:
    legal = "Dana María Example-Patient"
    assert isinstance(validate_signature("dana maría  example-patient", legal), Valid)
    assert isinstance(validate_signature("DANAMARI\u0301AEXAMPLE-PATIENT", legal), Valid)
    assert code_of(validate_signature("Dana Example", legal)) == "signature.mismatch"
    assert code_of(validate_signature("", legal)) == "text.required"


def test_vitals_outside_plausibility_are_refused_naming_the_limit() -> None:
    result = validate_vital("400", measure("systolic"))
    assert isinstance(result, Invalid)
    assert result.problem.params == {"min": "50", "max": "300", "unit": "mmHg"}
    assert code_of(validate_vital("120.5", measure("systolic"))) == "vitals.not_whole"
    assert code_of(validate_vital("abc", measure("heart_rate"))) == "vitals.format"


def test_fahrenheit_is_converted_and_refusals_speak_fahrenheit() -> None:
    assert validate_vital("100.4", measure("temperature"), "F") == Valid(38.0)
    assert validate_vital("37.2", measure("temperature")) == Valid(37.2)
    refused = validate_vital("120", measure("temperature"), "F")
    assert isinstance(refused, Invalid)
    assert refused.problem.params == {"min": "86.0", "max": "113.0", "unit": "°F"}


def test_pounds_are_converted_to_kilograms() -> None:
    assert validate_vital("150", measure("weight"), "lb") == Valid(68.0)
    refused = validate_vital("40", measure("weight"), "lb")
    assert isinstance(refused, Invalid) and refused.problem.params["unit"] == "lb"


# --- Property tests: any string at all gives a value or a problem the locale can show. ---

ANY_TEXT = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(codec=None, categories=None)),
    st.text(alphabet="0123456789/-.:+() apmhAPMH,\x1b\u202e\ud800"),
    st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=5), st.integers(1, 50_000)),
)
NAMED_VALIDATORS: list[Callable[[str], Validation[object]]] = [
    lambda s: validate_person_name(s, "legal_name"),
    lambda s: validate_person_name(s, "preferred_name", required=False),
    lambda s: validate_substance_name(s, "medication"),
    lambda s: validate_detail(s, "detail"),
    lambda s: validate_short_text(s, "dose"),
    lambda s: validate_date_of_birth(s, TODAY, "MDY"),
    lambda s: validate_date_of_birth(s, TODAY, "DMY"),
    lambda s: validate_phone(s),
    lambda s: validate_time_of_day(s, NOW, "last_food"),
    lambda s: validate_hours_ago(s, NOW, "last_food"),
    lambda s: MIDAS_DAYS(s, "q"),
    lambda s: PAIN(s, "q"),
    lambda s: validate_days_per_month(s, "q"),
    lambda s: PHQ9_ITEM(s, "q"),
    lambda s: validate_signature(s, "Dana Example"),
    *[lambda s, m=m: validate_vital(s, m) for m in MEASURES],
    lambda s: validate_vital(s, measure("temperature"), "F"),
    lambda s: validate_vital(s, measure("weight"), "lb"),
]


@pytest.mark.fuzz
@ci_examples(150)
@given(typed=ANY_TEXT, which=st.integers(0, len(NAMED_VALIDATORS) - 1))
def test_any_input_gives_a_value_or_a_problem_with_text(typed: str, which: int) -> None:
    result = NAMED_VALIDATORS[which](typed)
    if isinstance(result, Invalid):
        assert result.problem.code in catalog("en")
        assert result.problem.code in catalog("es")
    else:
        assert isinstance(result, Valid)
        if isinstance(result.value, str):
            assert "\x1b" not in result.value
            assert not any("\u202a" <= ch <= "\u202e" for ch in result.value)
            result.value.encode("utf-8")


@pytest.mark.fuzz
@ci_examples(60)
@given(st.datetimes(min_value=datetime(1905, 1, 1), max_value=datetime(2025, 3, 14)))
def test_a_date_of_birth_written_any_documented_way_comes_back_the_same(when: datetime) -> None:
    born = when.date()
    for typed, order in (
        (born.isoformat(), "MDY"),
        (born.strftime("%m/%d/%Y"), "MDY"),
        (born.strftime("%d%m%Y"), "DMY"),
    ):
        assert validate_date_of_birth(typed, TODAY, order) == Valid(born)  # type: ignore[arg-type]


def test_now_must_be_clinic_local_time_for_clock_answers() -> None:
    utc_now = NOW.astimezone(UTC)
    result = validate_time_of_day("7:30", utc_now, "last_food")
    assert isinstance(result, Valid) and result.value.tzinfo is UTC
