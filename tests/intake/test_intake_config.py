"""The clinic configuration: CLINICAL.md defaults exactly, and clear refusals of bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.intake.config import ConfigError, default_config, load_config, load_config_text
from kiosk.intake.records import Severity
from kiosk.locale import LANGUAGES


def describe_holds(measure: str) -> set[tuple[str, str]]:
    return {(hold.severity.value, hold.describe()) for hold in default_config().holds_for(measure)}


def test_the_defaults_are_the_clinical_md_values() -> None:
    config = default_config()
    assert (config.patient_idle_seconds, config.patient_warning_seconds) == (90, 30)
    assert config.staff_idle_seconds == 120
    assert (config.draft_retention_hours, config.acknowledged_retention_hours) == (24, 24)
    assert (config.last_food_hours, config.last_clear_liquid_hours) == (4, 2)
    assert describe_holds("systolic") == {
        ("CAUTION", ">= 160"),
        ("STOP", ">= 180"),
        ("CAUTION", "< 90"),
    }
    assert describe_holds("diastolic") == {("CAUTION", ">= 100"), ("STOP", ">= 110")}
    assert describe_holds("heart_rate") == {("CAUTION", "< 50"), ("CAUTION", "> 120")}
    assert describe_holds("spo2") == {("CAUTION", "< 94"), ("STOP", "< 90")}
    assert describe_holds("temperature") == {("CAUTION", ">= 38")}
    assert describe_holds("respiratory_rate") == {("CAUTION", "< 10"), ("CAUTION", "> 24")}
    assert describe_holds("weight") == describe_holds("pain_now") == set()
    assert config.rule("med.theophyllines").severity is Severity.STOP
    assert config.rule("med.triptans").severity is Severity.INFO
    assert config.rule("checklist.no_driver").severity is Severity.STOP


def test_the_consent_covers_every_point_clinical_md_lists_in_every_language() -> None:
    consent = default_config().consent
    english = consent.text["en"].lower()
    for point in (
        "40 to 60 minutes",
        "off-label",
        "insurance",
        "dizziness",
        "nausea and vomiting",
        "blood pressure",
        "dissociation",
        "hallucinations",
        "tiredness",
        "mood",
        "30 minutes",
        "drive",
        "machinery for 24 hours",
        "driver",
        "alcohol for 24 hours",
        "stop the infusion at any time",
    ):
        assert point in english, point
    assert "40 a 60 minutos" in consent.text["es"]
    # The four AI-drafted languages name the same 40 to 60 minutes.
    for language, minutes in (
        ("zh-Hans", "40到60分钟"),
        ("vi", "40 đến 60 phút"),
        ("ko", "40-60분"),
        ("tl", "40 hanggang 60 minuto"),
    ):
        assert minutes in consent.text[language], language
    assert set(consent.text) == set(LANGUAGES)
    assert all(consent.in_language(language) for language in LANGUAGES)
    assert all(set(ack.text) == set(LANGUAGES) for ack in consent.acknowledgements)
    assert len(consent.text_sha256("es")) == 64


def test_a_clinic_file_overrides_only_what_it_names(tmp_path: Path) -> None:
    path = tmp_path / "clinic.toml"
    path.write_text('clinic_name = "Lakeside"\n[timeouts]\nstaff_idle_seconds = 60\n', "utf-8")
    config = load_config(path)
    assert (config.clinic_name["en"], config.staff_idle_seconds) == ("Lakeside", 60)
    assert config.patient_idle_seconds == 90


def test_the_default_clinic_is_named_in_each_language() -> None:
    names = default_config().clinic_name
    # A language without a name of its own reads the English one (a clinic's name is a name).
    assert names == {"es": "Clínica de Infusiones"} | {
        language: "Infusion Clinic" for language in LANGUAGES if language != "es"
    }


def test_a_clinic_gives_one_name_for_every_language_or_one_per_language() -> None:
    one = load_config_text('clinic_name = "Lakeside Infusion"\n', "clinic.toml")
    assert one.clinic_name == dict.fromkeys(LANGUAGES, "Lakeside Infusion")
    each = load_config_text(
        'clinic_name = { en = "Lakeside Infusion Center", es = "Centro de Infusión Lakeside", '
        'vi = "Trung tâm Truyền thuốc Lakeside" }\n',
        "clinic.toml",
    )
    assert each.clinic_name == {
        "en": "Lakeside Infusion Center",
        "es": "Centro de Infusión Lakeside",
        "zh-Hans": "Lakeside Infusion Center",
        "vi": "Trung tâm Truyền thuốc Lakeside",
        "ko": "Lakeside Infusion Center",
        "tl": "Lakeside Infusion Center",
    }


@pytest.mark.parametrize(
    "text, message",
    [
        # Not half-merged with the default: a Spanish patient would read another clinic's name.
        ('clinic_name = { en = "Lakeside" }', "clinic.toml: clinic_name.es: is missing"),
        (
            'clinic_name = { en = "Lakeside", es = "Lakeside", fr = "Lakeside" }',
            "clinic.toml: clinic_name.fr: is not a language the kiosk offers. "
            "Use only: en, es, zh-Hans, vi, ko, tl",
        ),
        ('clinic_name = { en = "Lakeside", es = " " }', "clinic_name.es: is empty"),
        ('clinic_name = { en = "Lake\\u202eside", es = "Lakeside" }', "text-direction"),
        ("clinic_name = 3", "clinic_name (line 1): must be text in quotes"),
    ],
    ids=["a language missing", "a language the kiosk lacks", "empty", "bidi override", "number"],
)
def test_a_per_language_clinic_name_that_cannot_be_shown_is_refused(
    text: str, message: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        load_config_text(text + "\n", "clinic.toml")
    assert message in str(refused.value)


def test_a_clinic_may_use_the_edges_of_every_range(tmp_path: Path) -> None:
    path = tmp_path / "clinic.toml"
    path.write_text(
        "[timeouts]\npatient_idle_seconds = 15\npatient_warning_seconds = 120\n"
        "staff_idle_seconds = 1800\n[retention]\ndraft_hours = 1\nacknowledged_hours = 720\n"
        "[thresholds]\nlast_food_hours = 24\nlast_clear_liquid_hours = 0.5\n",
        "utf-8",
    )
    config = load_config(path)
    assert (config.patient_idle_seconds, config.patient_warning_seconds) == (15, 120)
    assert config.staff_idle_seconds == 1800
    assert (config.draft_retention_hours, config.acknowledged_retention_hours) == (1, 720)
    assert (config.last_food_hours, config.last_clear_liquid_hours) == (24, 0.5)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "[timeouts\npatient_idle_seconds = 90\n",
            ["clinic.toml", "not valid TOML", "line 1", "Fix the TOML syntax"],
        ),
        (
            '[rules."med.aspirin"]\nseverity = "STOP"\n',
            ["clinic.toml", 'rules."med.aspirin"', "unknown rule", "line 1", "Check the spelling"],
        ),
        (
            '[timeouts]\npatient_idle_seconds = "90"\n',
            ["timeouts.patient_idle_seconds", "line 2", "must be a whole number, not text"],
        ),
        (
            '[thresholds.vitals.systolic]\nstop_at_or_above = "180"\n',
            ["thresholds.vitals.systolic.stop_at_or_above", "line 2", "must be a number"],
        ),
        (
            "[thresholds]\nlast_food_hours = true\n",
            ["thresholds.last_food_hours", "must be a number, not true/false"],
        ),
        (
            '[rules."history.stroke"]\nseverity = "URGENT"\n',
            ['rules."history.stroke".severity', "is not a severity", "STOP, CAUTION, INFO"],
        ),
        ("[timeouts]\npatient_idle_secs = 90\n", ["timeouts.patient_idle_secs", "unknown setting"]),
        ("[thresholds.vitals.glucose]\ncaution_above = 9\n", ["unknown vitals measure"]),
        ("[thresholds.vitals.spo2]\nwarn_below = 9\n", ["thresholds.vitals.spo2.warn_below"]),
        ('time_zone = "Mars/Olympus"\n', ["time_zone", "not a known time zone", "IANA"]),
        ('date_order = "YMD"\n', ["date_order", "MDY or DMY"]),
        (
            "[timeouts]\nstaff_idle_seconds = 0\n",
            ["timeouts.staff_idle_seconds", "between 30 and 1800 seconds", "in that range"],
        ),
        (
            "[thresholds]\nlast_food_hours = nan\n",
            ["thresholds.last_food_hours", "finite number", "Give a plain number"],
        ),
        ("timeouts = 5\n", ["timeouts", "must be a table"]),
        ('[consent.text]\nen = "   "\n', ["consent.text.en", "is empty"]),
        ('[consent.text]\nfr = "Bonjour"\n', ["consent.text.fr", "unknown setting"]),
        ("[consent]\nacknowledgements = [1]\n", ["consent.acknowledgements[0]", "must be a table"]),
    ],
)
def test_a_bad_clinic_file_is_refused_naming_file_place_and_fix(
    text: str, expected: list[str]
) -> None:
    with pytest.raises(ConfigError) as refused:
        load_config_text(text, "clinic.toml")
    message = str(refused.value)
    for part in expected:
        assert part in message, message


def test_a_missing_or_unreadable_file_is_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot be read"):
        load_config(tmp_path / "nowhere.toml")
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ConfigError, match="UTF-8"):
        load_config(binary)
