"""How plain the check-in's English is: the US school grade of what each step shows.

The grade is Flesch-Kincaid's (textstat), measured two ways per step, both held at 8 or below by
tests/intake/test_readability.py: the step's whole text read as one passage (every title,
question, help line and answer option it shows, each its own sentence), and each of its
questions and help lines alone (a text of four words or more: on a shorter label the formula is
its syllables per word alone, so "Allergies" would be grade 20). Wording a validated instrument
fixes (the PHQ-9, the MIDAS items) is measured and reported but never rewritten, so it is not
held one by one. The consent is the clinic's own document: reported, not held (docs/intake.md).

    .venv/bin/python -m kiosk.intake.readability

textstat is a development dependency (`.[dev]`): the kiosk itself never measures its words.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from kiosk.intake.checkin_steps import STEPS
from kiosk.intake.config import ClinicConfig, default_config
from kiosk.intake.questions import (
    ANSWER_KEYS,
    DETAIL_PROMPT_KEY,
    HEALTH_HISTORY,
    MIDAS,
    PHQ9,
    PREGNANCY_ANSWER_KEYS,
)
from kiosk.locale import FALLBACK_LANGUAGE, catalog

#: The highest US school grade a step's English may read at (issue 17: plain words).
HIGHEST_GRADE = 8.0
#: A text of fewer words is a label: it counts in its step's passage, not alone.
SHORTEST_SENTENCE = 4

#: The catalog keys each step shows: a key ending in "." stands for every key under it.
STEP_TEXTS: Mapping[str, tuple[str, ...]] = {
    "identity": ("screens.identity.",),
    "medications": ("screens.medications.", "screens.checklist.time_hint"),
    "history": ("questions.history.", *ANSWER_KEYS, DETAIL_PROMPT_KEY, "screens.history."),
    "migraine": ("questions.migraine.", "questions.midas.", *ANSWER_KEYS, "screens.migraine."),
    "mood": ("questions.phq9.", "screens.mood."),
    "checklist": ("questions.checklist.", *PREGNANCY_ANSWER_KEYS, "screens.checklist."),
    "consent": ("screens.consent.", "screens.decline_consent."),
    "review": ("screens.review.",),
}
#: Keys under those that are not words a patient reads: date formats, a label's template, and
#: the questions earlier versions asked (shown only with an old record's answers).
NOT_SHOWN = frozenset(
    {
        "screens.identity.date_hint_mdy",
        "screens.identity.date_hint_dmy",
        "screens.migraine.number_label",
        *(question.text_key for question in HEALTH_HISTORY.retired),
    }
)


def _verbatim() -> dict[str, str]:
    phq9 = "PHQ-9, a validated instrument: its published wording"
    midas = "MIDAS, a validated instrument: its published wording"
    kept = {key: phq9 for key in (PHQ9.intro_key, *PHQ9.option_keys, PHQ9.attribution_key)}
    kept |= {question.text_key: phq9 for question in PHQ9.questions}
    kept |= {question.text_key: midas for question in MIDAS.questions}
    kept[str(MIDAS.attribution_key)] = midas
    return {key: reason for key, reason in kept.items() if key}


#: Wording a validated instrument fixes, with why: measured and reported, never rewritten.
VERBATIM: Mapping[str, str] = _verbatim()
_PLACEHOLDER = re.compile(r"\{\w+\}")


@dataclass(frozen=True)
class Grade:
    """One text's Flesch-Kincaid grade."""

    key: str
    text: str
    grade: float


@dataclass(frozen=True)
class StepReadability:
    """A step's English: the grade of all it shows as one passage, and of each sentence."""

    step: str
    grade: float
    words: int
    #: Each question and help line of four words or more, hardest first (verbatim ones too).
    sentences: tuple[Grade, ...]

    def too_hard(self) -> list[Grade]:
        """The step's own sentences above the highest grade (verbatim wording aside)."""
        return [s for s in self.sentences if s.grade > HIGHEST_GRADE and s.key not in VERBATIM]


def step_texts(step: str) -> dict[str, str]:
    """The English texts a step shows, by key, each as a sentence with its placeholders left
    out (they hold a name or a number only at run time)."""
    english = catalog(FALLBACK_LANGUAGE)
    wanted = STEP_TEXTS[step]
    return {
        key: _as_sentence(text)
        for key, text in english.items()
        if key not in NOT_SHOWN and any(_covers(entry, key) for entry in wanted)
    }


def _covers(entry: str, key: str) -> bool:
    return key.startswith(entry) if entry.endswith(".") else key == entry


def _as_sentence(text: str) -> str:
    text = " ".join(_PLACEHOLDER.sub("", text).split())
    return text if text.endswith((".", "?", "!")) else f"{text}."


def measure_step(step: str) -> StepReadability:
    """The Flesch-Kincaid grade of a step's English, as a passage and sentence by sentence."""
    textstat = _textstat()
    texts = step_texts(step)
    passage = " ".join(texts.values())
    sentences = [
        Grade(key, text, textstat.flesch_kincaid_grade(text))
        for key, text in texts.items()
        if textstat.lexicon_count(text) >= SHORTEST_SENTENCE
    ]
    return StepReadability(
        step,
        textstat.flesch_kincaid_grade(passage),
        textstat.lexicon_count(passage),
        tuple(sorted(sentences, key=lambda s: -s.grade)),
    )


def measure_consent(config: ClinicConfig) -> tuple[float, float]:
    """The grades of the clinic's English consent text and of its statements (one passage)."""
    textstat = _textstat()
    consent = config.consent
    statements = " ".join(
        _as_sentence(ack.text[FALLBACK_LANGUAGE]) for ack in consent.acknowledgements
    )
    return (
        textstat.flesch_kincaid_grade(consent.text[FALLBACK_LANGUAGE]),
        textstat.flesch_kincaid_grade(statements),
    )


def _textstat() -> Any:
    # Why imported here: textstat is a development dependency the kiosk never loads.
    import textstat

    textstat.set_lang("en_US")
    # Why: textstat rounds each average to one decimal by default, up to 0.6 of a grade off.
    textstat.set_rounding(False)
    return textstat


def report(steps: Iterable[StepReadability], consent: tuple[float, float]) -> list[str]:
    """The lines the command prints: the grade per step, what is kept verbatim, the consent."""
    lines = [
        "Flesch-Kincaid US school grade of the English each check-in step shows",
        f"(held at {HIGHEST_GRADE:g} or below: the step as one passage, and each sentence alone)",
        "",
        f"{'step':<12}{'grade':>6}{'words':>7}  hardest sentence",
    ]
    kept: list[Grade] = []
    for step in steps:
        own = [s for s in step.sentences if s.key not in VERBATIM]
        kept += [s for s in step.sentences if s.key in VERBATIM]
        hardest = f"{own[0].grade:4.1f}  {own[0].key}" if own else "-"
        lines.append(f"{step.step:<12}{step.grade:>6.1f}{step.words:>7}  {hardest}")
    lines += ["", "Kept verbatim (measured, not rewritten):"]
    lines += [f"{s.grade:>6.1f}  {s.key}  ({VERBATIM[s.key]})" for s in kept]
    text, statements = consent
    lines += [
        "",
        "Consent (the clinic's own document: reported, not held):",
        f"{text:>6.1f}  the consent text",
        f"{statements:>6.1f}  its statements to tick",
    ]
    return lines


def main() -> int:
    """Print the grade of each step's English; 1 (with the reason) if textstat is missing."""
    try:
        steps = [measure_step(step) for step in STEPS]
        consent = measure_consent(default_config())
    except ModuleNotFoundError as error:
        print(f"cannot measure: {error.name} is not installed (pip install -e '.[dev]')")
        return 1
    print("\n".join(report(steps, consent)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
