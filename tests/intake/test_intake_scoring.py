"""MIDAS grades, PHQ-9 bands and the self-harm item, at every published cut point."""

from __future__ import annotations

import pytest

from kiosk.intake.questions import HISTORY_TOPICS, MIDAS, PHQ9, QUESTION_SETS
from kiosk.intake.records import Midas, Phq9
from kiosk.intake.scoring import (
    MidasGrade,
    Phq9Band,
    midas_grade,
    midas_total,
    phq9_band,
    phq9_self_harm_risk,
    phq9_total,
)


@pytest.mark.parametrize(
    ("total", "grade"),
    [(0, "I"), (5, "I"), (6, "II"), (10, "II"), (11, "III"), (20, "III"), (21, "IV"), (450, "IV")],
)
def test_midas_grades(total: int, grade: str) -> None:
    assert midas_grade(total) is MidasGrade(grade)


def test_the_midas_score_sums_the_five_day_counts_only() -> None:
    midas = Midas(items=(3, 4, 5, 4, 2), headache_days_3_months=54, average_pain=7)
    assert midas_total(midas) == 18
    assert midas_grade(midas_total(midas)) is MidasGrade.III


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, Phq9Band.MINIMAL),
        (4, Phq9Band.MINIMAL),
        (5, Phq9Band.MILD),
        (9, Phq9Band.MILD),
        (10, Phq9Band.MODERATE),
        (14, Phq9Band.MODERATE),
        (15, Phq9Band.MODERATELY_SEVERE),
        (19, Phq9Band.MODERATELY_SEVERE),
        (20, Phq9Band.SEVERE),
        (27, Phq9Band.SEVERE),
    ],
)
def test_phq9_bands(total: int, band: Phq9Band) -> None:
    assert phq9_band(total) is band


def test_item_9_is_a_risk_whatever_the_total() -> None:
    quiet = Phq9((0, 0, 0, 0, 0, 0, 0, 0, 1))
    assert phq9_total(quiet) == 1 and phq9_band(1) is Phq9Band.MINIMAL
    assert phq9_self_harm_risk(quiet)
    assert not phq9_self_harm_risk(Phq9((3, 3, 3, 3, 3, 3, 3, 3, 0)))


def test_the_question_sets_match_the_instruments() -> None:
    assert len(MIDAS.questions) == 7 and len(PHQ9.questions) == 9
    assert len(PHQ9.option_keys) == 4
    assert [q.high for q in MIDAS.questions] == [90] * 6 + [10]
    history = QUESTION_SETS[0]
    assert [q.id for q in history.questions] == list(HISTORY_TOPICS)
    assert history.question("bipolar_mania").follow_up_of == "bipolar"
