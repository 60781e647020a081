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
    #: Yes / no / not sure, or "does not apply to me" (pregnancy).
    YES_NO_UNSURE_OR_NOT_APPLICABLE = "yes_no_unsure_or_not_applicable"
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

    #: Questions earlier versions asked and this one no longer does: older records still
    #: hold their answers, which are shown with the words the patient read.
    retired: tuple[Question, ...] = ()

    def question(self, question_id: str) -> Question:
        """The question with this id (asked now or retired); KeyError if the set has none."""
        for question in (*self.questions, *self.retired):
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
#: The pregnancy question's answers (records.PregnancyAnswer, in order): yes / no / not sure and
#: "does not apply to me".
PREGNANCY_ANSWER_KEYS = (*ANSWER_KEYS, "questions.answer.not_applicable")
#: The locale key of the optional "tell us more" prompt under a yes / not sure answer.
DETAIL_PROMPT_KEY = "questions.answer.detail_prompt"

_YNU = AnswerKind.YES_NO_UNSURE

#: Health history questions (CLINICAL.md), in the order asked. A topic's answer is screened by
#: the rule `history.<id>`, except the conditions asked in two steps (CONTROLLED_CONDITIONS).
HISTORY_TOPICS = (
    "high_blood_pressure",
    "high_blood_pressure_controlled",
    "heart_disease",
    "stroke",
    "head_injury",
    "glaucoma",
    "overactive_thyroid",
    "overactive_thyroid_controlled",
    "liver_disease",
    "liver_disease_severe",
    "psychosis",
    "bipolar",
    "bipolar_mania",
    "substance_use",
    "ketamine_reaction",
    "seizures",
    "sleep_apnoea",
    "porphyria",
)
_FOLLOW_UPS = {
    "high_blood_pressure_controlled": "high_blood_pressure",
    "overactive_thyroid_controlled": "overactive_thyroid",
    "liver_disease_severe": "liver_disease",
    "bipolar_mania": "bipolar",
}
#: Asked by earlier versions: a one-step "not controlled" question each, and pregnancy (now
#: asked once, in today's checklist). Their rules still screen the records that hold them.
RETIRED_HISTORY_TOPICS = ("uncontrolled_hypertension", "thyroid_overactive", "pregnancy")


@dataclass(frozen=True)
class ControlledCondition:
    """A condition asked as "do you have it?" then, on yes or not sure, "is it controlled?".

    Only the case that is not controlled is screened, under the rule `rule_code` (the code the
    one-step question of earlier versions raised, so a clinic's configuration keeps working).
    """

    question_id: str
    controlled_id: str
    rule_code: str


CONTROLLED_CONDITIONS = (
    ControlledCondition(
        "high_blood_pressure",
        "high_blood_pressure_controlled",
        "history.uncontrolled_hypertension",
    ),
    ControlledCondition(
        "overactive_thyroid", "overactive_thyroid_controlled", "history.thyroid_overactive"
    ),
)

HEALTH_HISTORY = QuestionSet(
    "history",
    *_set_keys("history"),
    tuple(
        _q("history", topic, _YNU, follow_up_of=_FOLLOW_UPS.get(topic)) for topic in HISTORY_TOPICS
    ),
    retired=tuple(_q("history", topic, _YNU) for topic in RETIRED_HISTORY_TOPICS),
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
        # Why its own words: asked once for everyone, breastfeeding included, with "does not
        # apply to me"; the record field keeps its name.
        Question(
            "may_be_pregnant",
            "questions.checklist.pregnant_or_breastfeeding",
            AnswerKind.YES_NO_UNSURE_OR_NOT_APPLICABLE,
        ),
    ),
)

#: Every question set, in the order the patient meets them.
QUESTION_SETS = (HEALTH_HISTORY, MIGRAINE_HISTORY, MIDAS, PHQ9, TODAY_CHECKLIST)
