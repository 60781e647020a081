"""The chair's clinic settings: the CLINICAL.md defaults, no rate range shipped, and clear
refusals of a clinic file the chair could not use."""

from __future__ import annotations

import pytest

from kiosk.intake.config import (
    ConfigError,
    InfusionDrug,
    ScoreKind,
    default_config,
    load_config_text,
)

CHAIR = default_config().chair


def test_the_defaults_are_those_of_clinical_md() -> None:
    assert (CHAIR.vitals_every_minutes, CHAIR.minimum_recovery_minutes) == (15, 30)
    assert (CHAIR.discharge_score, CHAIR.discharge_score_at_least) == (ScoreKind.ALDRETE, 9)
    assert default_config().rule("chair.rate_out_of_range").severity.value == "STOP"


def test_no_rate_range_ships_the_clinic_sets_its_own() -> None:
    assert CHAIR.drugs == (InfusionDrug("Ketamine", None, None),)


def test_every_side_effect_the_seeds_name_is_offered_in_both_languages() -> None:
    named = {
        "dizziness",
        "nausea",
        "vomiting",
        "diarrhea",
        "blood_pressure_up",
        "blood_pressure_down",
        "dissociation",
        "hallucinations",
        "agitation",
        "fatigue",
        "mood_change",
    }
    assert named <= {effect.id for effect in CHAIR.side_effects}
    assert all(set(effect.label) == {"en", "es"} for effect in CHAIR.side_effects)


def test_the_exam_covers_airway_heart_and_lungs() -> None:
    assert {"airway", "heart", "lungs"} <= {item.id for item in CHAIR.exam_items}


@pytest.mark.parametrize(
    ("language", "points"),
    [
        (
            "en",
            [
                "do not drive",
                "heavy machinery",
                "24 hours",
                "someone else must drive you home",
                "drink water",
                "no alcohol for at least a day",
                "regular activities after 24 hours",
            ],
        ),
        (
            "es",
            [
                "no conduzca",
                "maquinaria pesada",
                "24 horas",
                "otra persona debe conducir para llevarle a casa",
                "beba agua",
                "no beba alcohol durante al menos un día",
                "actividades habituales después de 24 horas",
            ],
        ),
    ],
)
def test_the_discharge_instructions_say_every_point_of_seed_004(
    language: str, points: list[str]
) -> None:
    text = " ".join(CHAIR.discharge_instructions[language].lower().split())
    for point in points:
        assert point in text.replace("do not drink alcohol", "no alcohol"), point
    assert len(CHAIR.instructions_sha256(language)) == 64


def test_a_clinic_sets_its_range_score_and_lists() -> None:
    config = load_config_text(
        "[chair]\n"
        'discharge_score = "padss"\n'
        "vitals_every_minutes = 10\n"
        "[[chair.drugs]]\n"
        'name = "Ketamine"\n'
        "lowest_mg_per_kg_per_hour = 0.1\n"
        "highest_mg_per_kg_per_hour = 1.0\n"
        "[[chair.side_effects]]\n"
        'id = "nausea"\n'
        'en = "Nausea"\n'
        'es = "Náuseas"\n',
        "clinic.toml",
    ).chair
    assert config.drug(" ketamine ") == InfusionDrug("Ketamine", 0.1, 1.0)
    assert (config.discharge_score, config.vitals_every_minutes) == (ScoreKind.PADSS, 10)
    assert [effect.id for effect in config.side_effects] == ["nausea"]
    assert config.exam_items == CHAIR.exam_items


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[chair]\ndischarge_score = "apgar"\n', "chair.discharge_score (line 2): is not a"),
        ("[chair]\ndischarge_score_at_least = 5\n", "must be between 8 and 10 points"),
        ("[chair]\nminimum_recovery_minutes = 5\n", "must be between 15 and 240 minutes"),
        ("[chair]\nvitals_every_minutes = 90\n", "must be between 5 and 60 minutes"),
        ("[chair]\nvitals_every_minutes = 12.5\n", "must be a whole number"),
        ("[chair]\ndrugs = []\n", "chair.drugs (line 2): is empty"),
        (
            '[[chair.drugs]]\nname = "Ketamine"\nlowest_mg_per_kg_per_hour = 1.0\n'
            "highest_mg_per_kg_per_hour = 0.5\n",
            "is above the highest rate",
        ),
        (
            '[[chair.drugs]]\nname = "Ketamine"\nhighest_mg_per_kg_per_hour = 0\n',
            "highest_mg_per_kg_per_hour (line 3): must be above 0",
        ),
        (
            '[[chair.drugs]]\nname = "Ketamine"\nhighest_mg_per_kg_per_hour = nan\n',
            "must be a finite number",
        ),
        (
            '[[chair.drugs]]\nname = "Ketamine"\nmax_rate = 2\n',
            "chair.drugs[0].max_rate (line 3): unknown setting",
        ),
        (
            '[[chair.drugs]]\nname = "Ketamine"\n[[chair.drugs]]\nname = "ketamine"\n',
            "names a drug twice",
        ),
        ('[[chair.exam_items]]\nid = "Airway!"\nen = "Airway"\nes = "Vía aérea"\n', "lowercase"),
        ('[[chair.exam_items]]\nid = "airway"\nen = "Airway"\n', "exam_items[0].es: is missing"),
        (
            '[chair.discharge_instructions]\nen = "Go home."\nes = " "\n',
            "chair.discharge_instructions.es (line 3): is empty",
        ),
        ("[chair]\nrate_range = [0.1, 1]\n", "chair.rate_range (line 2): unknown setting"),
    ],
    ids=[
        "unknown score",
        "threshold too low",
        "recovery too short",
        "vitals too rare",
        "minutes not whole",
        "no drug",
        "range upside down",
        "zero rate",
        "nan rate",
        "misspelt drug key",
        "drug twice",
        "bad exam id",
        "exam item without Spanish",
        "empty Spanish instructions",
        "unknown chair setting",
    ],
)
def test_a_chair_setting_the_chair_cannot_use_is_refused_saying_where(
    text: str, message: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        load_config_text(text, "clinic.toml")
    assert message in str(refused.value)
    assert str(refused.value).startswith("clinic.toml: ")
