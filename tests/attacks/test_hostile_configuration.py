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


@pytest.mark.xfail(
    strict=True,
    raises=OSError,
    reason="kiosk/intake/config.py _build catches only ValueError and ZoneInfoNotFoundError "
    "from ZoneInfo(time_zone): a zone that names a tzdata folder ('America', 'Etc') raises "
    "IsADirectoryError and a name over 255 characters raises OSError (File name too long)",
)
@pytest.mark.parametrize("zone", ["America", "Etc", "x" * 300], ids=["America", "Etc", "300 x"])
def test_a_time_zone_that_is_a_folder_or_too_long_is_refused_by_name(zone: str) -> None:
    assert "time_zone" in _refusal(f'time_zone = "{zone}"')


@pytest.mark.xfail(
    strict=True,
    reason="ConfigError messages echo an unknown key as written: a key holding ESC or another "
    "control character reaches IT's terminal raw (`clinic-server publish-config`, `kiosk`)",
)
def test_an_unknown_key_with_a_terminal_escape_is_named_inertly() -> None:
    message = _refusal('"\\u001b]0;owned\\u0007\\u001b[2J" = 1')
    assert all(char.isprintable() for char in message), repr(message)


@pytest.mark.xfail(
    strict=True,
    reason="thresholds accept nan: every comparison with nan is false, so a hold threshold or a "
    "fasting rule of nan silently never raises its flag (config.py _positive and _holds)",
)
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


@pytest.mark.xfail(
    strict=True,
    reason="timeouts have no upper bound: patient_idle_seconds = 10**20 is accepted, which "
    "turns off the idle wipe that protects one patient's answers from the next (and is far "
    "beyond what a timer can hold)",
)
def test_an_idle_timeout_that_disables_the_wipe_is_refused() -> None:
    assert "patient_idle_seconds" in _refusal(
        "[timeouts]\npatient_idle_seconds = 100000000000000000000"
    )
