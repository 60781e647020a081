"""What real keyboards type: a signature without accents or with a curly apostrophe, a time
written "7.30", and a date of birth under the clinic's minimum age."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from intake_hypothesis import ci_examples

from kiosk.intake.config import ConfigError, default_config, load_config_text
from kiosk.intake.validation import (
    Invalid,
    Valid,
    signature_key,
    validate_date_of_birth,
    validate_signature,
    validate_time_taken,
)

ZONE = ZoneInfo("America/New_York")
NOW = datetime(2025, 3, 14, 9, 0, tzinfo=ZONE)
TODAY = NOW.date()


def matches(typed: str, legal: str) -> bool:
    return isinstance(validate_signature(typed, legal), Valid)


@pytest.mark.parametrize(
    ("typed", "legal"),
    [
        ("ana lucia gomez", "Ana Lucía Gómez"),
        ("O\u2019Brien", "O'Brien"),  # the curly apostrophe tablet keyboards type
        ("O'Brien", "O\u2019Brien"),
        ("O\u02bcBrien", "O'Brien"),  # the modifier-letter apostrophe
        ("obrien", "O'Brien"),
        ("Jean\u2010Luc Picard", "Jean-Luc Picard"),  # a hyphen that is not the ASCII one
        ("jean luc picard", "Jean-Luc Picard"),
        ("Jean\u2013Luc Picard", "Jean-Luc Picard"),  # an en dash
        ("JOSE\u0301 NU\u0303N\u0303EZ", "José Núñez"),  # decomposed accents
        ("Zoë  Saldaña", "Zoe Saldana"),
        ("Strasse", "Straße"),
    ],
)
def test_a_signature_typed_on_a_real_keyboard_matches_the_legal_name(
    typed: str, legal: str
) -> None:
    assert matches(typed, legal)


@pytest.mark.parametrize(
    ("typed", "legal"),
    [
        ("Ana Gomez", "Ana Lucía Gómez"),
        ("ana lucia gomes", "Ana Lucía Gómez"),
        ("O'Brian", "O'Brien"),
        ("'-. ,", "O'Brien"),
    ],
)
def test_a_signature_with_other_letters_is_still_refused(typed: str, legal: str) -> None:
    result = validate_signature(typed, legal)
    assert isinstance(result, Invalid) and result.problem.code == "signature.mismatch"


LETTERS = "abcdefghijklmnopqrstuvwxyzáéíóúñüçøåłß"
WORD = st.text(alphabet=LETTERS, min_size=1, max_size=8)


def _without_accents(text: str) -> str:
    return "".join(
        ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn"
    )


@ci_examples(200)
@given(
    words=st.lists(WORD, min_size=1, max_size=4),
    joiners=st.lists(st.sampled_from([" ", "-", "'"]), min_size=3, max_size=3),
    swaps=st.lists(st.sampled_from([" ", "  ", "\u2010", "\u2019", "\u2013", ""]), min_size=3),
    upper=st.booleans(),
    strip=st.booleans(),
)
def test_case_accents_spacing_apostrophes_and_dashes_never_matter(
    words: list[str], joiners: list[str], swaps: list[str], upper: bool, strip: bool
) -> None:
    legal = words[0].capitalize() + "".join(
        joiners[i % 3] + word.capitalize() for i, word in enumerate(words[1:])
    )
    typed = words[0] + "".join(swaps[i % len(swaps)] + word for i, word in enumerate(words[1:]))
    typed = typed.upper() if upper else typed
    typed = _without_accents(typed) if strip else typed
    assert signature_key(typed) == signature_key(legal)
    assert matches(typed, legal) or not typed.strip()


@ci_examples(200)
@given(name=st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=20), at=st.data())
def test_a_different_letter_is_never_taken_for_the_same_name(name: str, at: st.DataObject) -> None:
    position = at.draw(st.integers(0, len(name) - 1))
    other = at.draw(
        st.sampled_from([ch for ch in "abcdefghijklmnopqrstuvwxyz" if ch != name[position]])
    )
    changed = name[:position] + other + name[position + 1 :]
    assert not matches(changed, name)


@pytest.mark.parametrize(
    ("typed", "day", "hour", "minute"),
    [
        ("7.30", 14, 7, 30),  # read as half past seven, never 7.3 hours ago
        ("7,30", 14, 7, 30),
        ("19.45", 13, 19, 45),  # later than now: last night
        ("7h30", 14, 7, 30),
        ("7:30", 14, 7, 30),
        ("7.30 pm", 13, 19, 30),
    ],
)
def test_hours_and_minutes_with_a_dot_are_a_clock_time(
    typed: str, day: int, hour: int, minute: int
) -> None:
    result = validate_time_taken(typed, NOW, "last_food")
    assert isinstance(result, Valid)
    local = result.value.astimezone(ZONE)
    assert (local.day, local.hour, local.minute) == (day, hour, minute)


@pytest.mark.parametrize(("typed", "hours"), [("3", 3.0), ("2.5", 2.5), ("1,5", 1.5), ("3 h", 3)])
def test_a_plain_number_or_one_decimal_is_still_hours_ago(typed: str, hours: float) -> None:
    result = validate_time_taken(typed, NOW, "last_food")
    assert isinstance(result, Valid)
    assert NOW - result.value == timedelta(hours=hours)


@ci_examples(100)
@given(hour=st.integers(0, 23), minute=st.integers(0, 59), sep=st.sampled_from([".", ","]))
def test_any_time_with_a_dot_or_comma_reads_as_the_same_time_with_a_colon(
    hour: int, minute: int, sep: str
) -> None:
    dotted = validate_time_taken(f"{hour}{sep}{minute:02d}", NOW, "last_food")
    coloned = validate_time_taken(f"{hour}:{minute:02d}", NOW, "last_food")
    assert dotted == coloned and isinstance(dotted, Valid)


def test_a_date_of_birth_of_today_is_under_the_minimum_age() -> None:
    result = validate_date_of_birth(TODAY.isoformat(), TODAY, minimum_age=18)
    assert isinstance(result, Invalid)
    assert (result.problem.code, result.problem.params) == ("dob.under_minimum_age", {"min": 18})


def test_the_minimum_age_counts_whole_years_on_the_clinic_s_today() -> None:
    eighteen_today = date(2007, 3, 14)
    assert validate_date_of_birth("03/14/2007", TODAY, minimum_age=18) == Valid(eighteen_today)
    one_day_short = validate_date_of_birth("03/15/2007", TODAY, minimum_age=18)
    assert isinstance(one_day_short, Invalid)
    assert one_day_short.problem.code == "dob.under_minimum_age"
    assert isinstance(validate_date_of_birth("03/14/2025", TODAY, minimum_age=0), Valid)


def test_the_minimum_age_is_clinic_configuration_defaulting_to_18() -> None:
    assert default_config().minimum_age == 18
    assert load_config_text("minimum_age = 16\n", "clinic.toml").minimum_age == 16
    with pytest.raises(ConfigError, match="minimum_age"):
        load_config_text("minimum_age = 130\n", "clinic.toml")
    with pytest.raises(ConfigError, match="minimum_age"):
        load_config_text('minimum_age = "18"\n', "clinic.toml")
