"""The question sets a patient answers, as data: ids, locale keys and the kind of answer.

The text of each question lives in kiosk/locale/<language>/questions.toml under the key
`questions.<set>.<question id>`; the ids of the health history topics are also the ends of
the flag codes (`history.<id>`) and of the rule names in the clinic configuration.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class AnswerKind(StrEnum):
    """How a question is answered on screen, and so which validator checks it."""

    YES_NO_UNSURE = "yes_no_unsure"
    YES_NO = "yes_no"
    WHOLE_NUMBER = "whole_number"
    SCALE = "scale"
    TIME_TAKEN = "time_taken"
    NAME = "name"
    PHONE = "phone"
    TEXT = "text"


@dataclass(frozen=True)
class Question:
    """One question: its id, the locale key of its text, and how it is answered."""

    id: str
    text_key: str
    kind: AnswerKind
    low: int = 0
    high: int = 0
    #: Asked only when this other question (same set) is answered yes or not sure.
    follow_up_of: str | None = None


@dataclass(frozen=True)
class QuestionSet:
    """A section of the check-in: title, optional intro, questions and, for scales, options."""

    id: str
    title_key: str
    intro_key: str | None
    questions: tuple[Question, ...]
    option_keys: tuple[str, ...] = ()
    attribution_key: str | None = None

    def question(self, question_id: str) -> Question:
        """The question with this id; KeyError if the set has none."""
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)


def _set_keys(set_id: str) -> tuple[str, str]:
    return f"questions.{set_id}.title", f"questions.{set_id}.intro"


def _q(
    set_id: str, qid: str, kind: AnswerKind, high: int = 0, follow_up_of: str | None = None
) -> Question:
    return Question(qid, f"questions.{set_id}.{qid}", kind, high=high, follow_up_of=follow_up_of)


#: The locale keys of the yes / no / not sure answers, shared by every such question.
ANSWER_KEYS = ("questions.answer.yes", "questions.answer.no", "questions.answer.not_sure")
#: The locale key of the optional "tell us more" prompt under a yes / not sure answer.
DETAIL_PROMPT_KEY = "questions.answer.detail_prompt"

_YNU = AnswerKind.YES_NO_UNSURE

#: Health history topics (CLINICAL.md): each id is also the rule `history.<id>`.
HISTORY_TOPICS = (
    "uncontrolled_hypertension",
    "heart_disease",
    "stroke",
    "head_injury",
    "glaucoma",
    "thyroid_overactive",
    "liver_disease",
    "liver_disease_severe",
    "psychosis",
    "bipolar",
    "bipolar_mania",
    "substance_use",
    "pregnancy",
    "ketamine_reaction",
    "seizures",
    "sleep_apnoea",
    "porphyria",
)
_FOLLOW_UPS = {"liver_disease_severe": "liver_disease", "bipolar_mania": "bipolar"}

HEALTH_HISTORY = QuestionSet(
    "history",
    *_set_keys("history"),
    tuple(
        _q("history", topic, _YNU, follow_up_of=_FOLLOW_UPS.get(topic)) for topic in HISTORY_TOPICS
    ),
)

MIGRAINE_HISTORY = QuestionSet(
    "migraine",
    *_set_keys("migraine"),
    (
        _q("migraine", "headache_days_per_month", AnswerKind.WHOLE_NUMBER, high=31),
        _q("migraine", "migraine_days_per_month", AnswerKind.WHOLE_NUMBER, high=31),
        _q("migraine", "typical_pain", AnswerKind.WHOLE_NUMBER, high=10),
        _q("migraine", "aura", _YNU),
        _q("migraine", "preventives_tried", AnswerKind.TEXT),
        _q("migraine", "earlier_ketamine", _YNU),
        _q(
            "migraine",
            "earlier_ketamine_outcome",
            AnswerKind.TEXT,
            follow_up_of="earlier_ketamine",
        ),
    ),
)

MIDAS = QuestionSet(
    "midas",
    *_set_keys("midas"),
    (
        *(_q("midas", f"item{n}", AnswerKind.WHOLE_NUMBER, high=90) for n in range(1, 6)),
        _q("midas", "headache_days_3_months", AnswerKind.WHOLE_NUMBER, high=90),
        _q("midas", "average_pain", AnswerKind.WHOLE_NUMBER, high=10),
    ),
    attribution_key="questions.midas.attribution",
)

PHQ9 = QuestionSet(
    "phq9",
    *_set_keys("phq9"),
    tuple(_q("phq9", f"item{n}", AnswerKind.SCALE, high=3) for n in range(1, 10)),
    option_keys=tuple(f"questions.phq9.option{n}" for n in range(4)),
    attribution_key="questions.phq9.attribution",
)

TODAY_CHECKLIST = QuestionSet(
    "checklist",
    *_set_keys("checklist"),
    (
        _q("checklist", "last_food", AnswerKind.TIME_TAKEN),
        _q("checklist", "last_clear_liquid", AnswerKind.TIME_TAKEN),
        _q("checklist", "has_driver", AnswerKind.YES_NO),
        _q("checklist", "driver_name", AnswerKind.NAME, follow_up_of="has_driver"),
        _q("checklist", "driver_phone", AnswerKind.PHONE, follow_up_of="has_driver"),
        _q("checklist", "took_regular_medications", _YNU),
        _q("checklist", "alcohol_or_drugs_24h", _YNU),
        _q("checklist", "feeling_unwell", _YNU),
        _q("checklist", "may_be_pregnant", _YNU),
    ),
)

#: Every question set, in the order the patient meets them.
QUESTION_SETS = (HEALTH_HISTORY, MIGRAINE_HISTORY, MIDAS, PHQ9, TODAY_CHECKLIST)
