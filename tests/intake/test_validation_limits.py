"""Limits a validator states: migraine days against headache days, and how long a vitals reading
may be (a far-too-big number names the plausibility limits; a huge paste is refused as too long,
at once)."""

from __future__ import annotations

import time

import pytest

from kiosk.intake.measures import measure
from kiosk.intake.validation import (
    SHORT_ANSWER_MAX,
    Invalid,
    Valid,
    validate_migraine_days,
    validate_vital,
)
from kiosk.locale import translate


def test_migraine_days_may_equal_but_not_exceed_headache_days() -> None:
    assert validate_migraine_days("8", 8) == Valid(8)
    assert validate_migraine_days("0", 0) == Valid(0)
    refused = validate_migraine_days("9", 8)
    assert isinstance(refused, Invalid)
    assert refused.problem.code == "migraine_days.more_than_headache_days"
    assert refused.problem.params == {"max": 8}
    assert refused.problem.field == "migraine_days_per_month"


def test_migraine_days_keep_the_month_limit_and_wait_for_a_valid_headache_count() -> None:
    assert validate_migraine_days("12", None) == Valid(12)
    over = validate_migraine_days("32", None)
    assert isinstance(over, Invalid) and over.problem.code == "number.range"
    assert over.problem.params == {"min": 0, "max": 31}
    also_over = validate_migraine_days("32", 20)
    assert isinstance(also_over, Invalid) and also_over.problem.code == "number.range"


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_migraine_days_message_names_the_headache_days_in_each_language(
    language: str,
) -> None:
    words = translate("migraine_days.more_than_headache_days", language, max=4)
    assert "(4)" in words and "{" not in words


@pytest.mark.parametrize(
    "typed, which",
    [
        ("17095", "systolic"),
        ("123456.5", "weight"),
        ("9" * SHORT_ANSWER_MAX, "heart_rate"),
        ("98765,4", "temperature"),
    ],
)
def test_a_reading_far_too_big_is_a_number_refused_by_its_limits(typed: str, which: str) -> None:
    result = validate_vital(typed, measure(which))
    assert isinstance(result, Invalid) and result.problem.code == "vitals.implausible"


def test_a_million_digit_paste_is_refused_as_too_long_at_once() -> None:
    started = time.perf_counter()
    result = validate_vital("9" * 10**6, measure("systolic"))
    assert time.perf_counter() - started < 0.05
    assert isinstance(result, Invalid) and result.problem.code == "text.too_long"
    assert result.problem.params == {"max": SHORT_ANSWER_MAX}
    assert "40" in translate("text.too_long", "en", **result.problem.params)


def test_more_than_two_decimals_is_still_not_a_reading() -> None:
    result = validate_vital("37.255", measure("temperature"))
    assert isinstance(result, Invalid) and result.problem.code == "vitals.format"
