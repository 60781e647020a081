"""A careless or hostile clinic configuration: the TOML IT publishes (signed, so it reaches every
kiosk) with a value no clinic means. Each must be refused with a ConfigError that names the
place in printable words, never loaded silently, never crash the loader.

These are the concrete cases the configuration fuzzer (test_fuzz_parsers.py) and a few probes
turned up; the fuzzer itself checks only that nothing but ConfigError escapes.
"""

from __future__ import annotations

import pytest

from kiosk.intake.config import ConfigError, load_config_text


def _refusal(text: str) -> str:
    with pytest.raises(ConfigError) as refused:
        load_config_text(text, "clinic.toml")
    return str(refused.value)


@pytest.mark.parametrize("zone", ["America", "Etc", "x" * 300], ids=["America", "Etc", "300 x"])
def test_a_time_zone_that_is_a_folder_or_too_long_is_refused_by_name(zone: str) -> None:
    message = _refusal(f'time_zone = "{zone}"')
    assert "time_zone" in message and 'like "America/New_York"' in message


def test_an_unknown_key_with_a_terminal_escape_is_named_inertly() -> None:
    message = _refusal('"\\u001b]0;owned\\u0007\\u001b[2J" = 1')
    assert all(char.isprintable() for char in message), repr(message)
    assert "\\x1b]0;owned\\x07\\x1b[2J" in message  # IT can still see what the key was


@pytest.mark.parametrize(
    "key",
    ["\\u202eevil", "\\u2066hidden\\u2069", "tab\\there", "nul\\u0000", "\\U000e0001x"],
    ids=["bidi override", "bidi isolate", "tab", "NUL", "tag character"],
)
def test_an_unknown_key_with_bidi_or_control_characters_is_named_inertly(key: str) -> None:
    message = _refusal(f'"{key}" = 1')
    assert "unknown setting" in message
    assert all(char.isprintable() for char in message), repr(message)


def test_a_huge_unknown_key_is_named_in_a_short_message() -> None:
    message = _refusal(f'[timeouts]\n"{"A" * 100_000}" = 1')
    assert "unknown setting" in message and len(message) < 600


@pytest.mark.parametrize(
    "text",
    [
        "[thresholds]\nlast_food_hours = nan",
        "[thresholds.vitals.systolic]\nstop_at_or_above = nan",
    ],
    ids=["fasting rule", "systolic STOP hold"],
)
def test_a_threshold_of_nan_is_refused(text: str) -> None:
    assert "thresholds" in _refusal(text)


@pytest.mark.parametrize(
    "value",
    ["inf", "-inf", "+nan", "1e400", "1" + "0" * 400],
    ids=["inf", "-inf", "+nan", "1e400", "10**400"],
)
def test_a_hold_threshold_that_is_not_a_finite_number_is_refused(value: str) -> None:
    message = _refusal(f"[thresholds.vitals.spo2]\nstop_below = {value}")
    assert "thresholds.vitals.spo2.stop_below" in message and "finite number" in message


def test_an_idle_timeout_that_disables_the_wipe_is_refused() -> None:
    assert "patient_idle_seconds" in _refusal(
        "[timeouts]\npatient_idle_seconds = 100000000000000000000"
    )


@pytest.mark.parametrize(
    ("table", "key", "value", "allowed"),
    [
        ("timeouts", "patient_idle_seconds", "901", "between 15 and 900 seconds"),
        ("timeouts", "patient_warning_seconds", "-1", "between 5 and 120 seconds"),
        ("timeouts", "staff_idle_seconds", "86400", "between 30 and 1800 seconds"),
        ("retention", "draft_hours", "99999999999", "between 1 and 720 hours"),
        ("retention", "acknowledged_hours", "0", "between 1 and 720 hours"),
        ("thresholds", "last_food_hours", "1000.5", "between 0.5 and 24 hours"),
        ("thresholds", "last_clear_liquid_hours", "inf", "finite number"),
    ],
)
def test_a_timeout_retention_or_fasting_time_out_of_range_is_refused_with_the_range(
    table: str, key: str, value: str, allowed: str
) -> None:
    message = _refusal(f"[{table}]\n{key} = {value}")
    assert f"{table}.{key}" in message and allowed in message


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ('clinic_name = "Lake\\u001b[2Jside"', "clinic_name"),
        ('[rules."med.opioids"]\nreason = "Opioid\\u202e"', 'rules."med.opioids".reason'),
        ('[consent.text]\nen = "I agree\\u0007"', "consent.text.en"),
    ],
    ids=["clinic name with ESC", "rule reason with bidi override", "consent text with BEL"],
)
def test_text_a_screen_shows_with_a_control_character_is_refused(text: str, place: str) -> None:
    message = _refusal(text)
    assert place in message and "control or text-direction character" in message
