"""A patient who reads at a US grade 8 level can read every step of the check-in: each step's
English measures at Flesch-Kincaid grade 8 or below, as a whole and sentence by sentence, the
validated instruments' published wording aside (measured and reported, never rewritten)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kiosk.intake.checkin_steps import STEPS
from kiosk.intake.questions import MIDAS, PHQ9, QUESTION_SETS
from kiosk.intake.readability import (
    HIGHEST_GRADE,
    NOT_SHOWN,
    STEP_TEXTS,
    VERBATIM,
    measure_step,
    step_texts,
)
from kiosk.locale import catalog


@pytest.mark.parametrize("step", STEPS)
def test_each_step_reads_at_grade_8_or_below_as_a_whole_and_sentence_by_sentence(
    step: str,
) -> None:
    measured = measure_step(step)
    assert measured.grade <= HIGHEST_GRADE, f"{step} reads at grade {measured.grade:.1f}"
    too_hard = [f"{s.grade:.1f} {s.key}: {s.text}" for s in measured.too_hard()]
    assert too_hard == [], f"{step}: sentences above grade {HIGHEST_GRADE:g}"


def test_every_step_and_every_question_the_patient_reads_is_measured() -> None:
    assert tuple(STEP_TEXTS) == STEPS
    english = catalog("en")
    measured = {key for step in STEPS for key in step_texts(step)}
    for step in STEPS:
        for entry in STEP_TEXTS[step]:
            assert any(key.startswith(entry) for key in english), (step, entry)
    for question_set in QUESTION_SETS:
        shown = [question_set.title_key, question_set.intro_key, *question_set.option_keys]
        shown += [question.text_key for question in question_set.questions]
        assert {key for key in shown if key} <= measured, question_set.id
    assert all(key not in measured for key in NOT_SHOWN)


def test_only_the_phq9_and_the_midas_items_keep_their_published_wording_unheld() -> None:
    kept = {key.rsplit(".", 1)[0] for key in VERBATIM}
    assert kept == {"questions.phq9", "questions.midas"}
    assert {question.text_key for question in (*PHQ9.questions, *MIDAS.questions)} <= set(VERBATIM)
    # The MIDAS section's own title and intro are the kiosk's words: held like any other.
    assert MIDAS.title_key not in VERBATIM and MIDAS.intro_key not in VERBATIM


def test_the_command_prints_the_grade_of_each_step_and_of_the_consent() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kiosk.intake.readability"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    lines = done.stdout.splitlines()
    for step in STEPS:
        row = next(line for line in lines if line.startswith(f"{step} "))
        assert float(row.split()[1]) == round(measure_step(step).grade, 1), row
    assert any(line.endswith("the consent text") for line in lines)
    assert any("questions.phq9.item9" in line for line in lines)
