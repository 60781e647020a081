"""Migraine history and MIDAS (Stewart and Lipton): counts, pain, aura, earlier treatment.

Each number box is labelled with its question's short name and range ("Headache days a month
(0-31)"), and "To go on" names it the same way. Migraine days a month may not exceed headache
days a month: the migraine box says so, and Next waits, until they agree.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Static

from kiosk.intake.checkin_session import CheckInSession
from kiosk.intake.questions import ANSWER_KEYS, MIDAS, MIGRAINE_HISTORY, AnswerKind, Question
from kiosk.intake.records import Answer, Midas, MigraineHistory
from kiosk.intake.validation import (
    Invalid,
    Valid,
    validate_detail,
    validate_migraine_days,
    validate_whole_number,
)
from kiosk.screens.step_screen import StepScreen, Validator
from kiosk.widgets.choice_list import Choice, ChoiceList, ChoiceOption

REVEALING = frozenset({Answer.YES.value, Answer.NOT_SURE.value})
_OUTCOME = "earlier_ketamine_outcome"
_HEADACHE_DAYS = "headache_days_per_month"
_MIGRAINE_DAYS = "migraine_days_per_month"


def _number(question: Question) -> Validator:
    return lambda raw: validate_whole_number(raw, question.id, question.low, question.high)


def _text(question: Question) -> Validator:
    return lambda raw: validate_detail(raw, question.id)


class MigraineScreen(StepScreen):
    """Headache and migraine days, typical pain, aura, preventives, earlier ketamine, MIDAS."""

    STEP = "migraine"

    DEFAULT_CSS = """
    MigraineScreen #earlier_ketamine_outcome, MigraineScreen .outcome { display: none; }
    MigraineScreen #earlier_ketamine_outcome.-shown { display: block; }
    MigraineScreen .attribution { color: $kiosk-muted; height: auto; margin-top: 1; }
    MigraineScreen .section { text-style: bold; margin-top: 1; height: auto; }
    """

    def title_text(self) -> str:
        return self.text(MIGRAINE_HISTORY.title_key)

    def body(self) -> ComposeResult:
        assert MIGRAINE_HISTORY.intro_key and MIDAS.intro_key and MIDAS.attribution_key
        yield Static(self.text(MIGRAINE_HISTORY.intro_key), classes="intro", markup=False)
        choices: list[Choice] = []
        for question in MIGRAINE_HISTORY.questions:
            words = self.text(question.text_key)
            if question.kind is AnswerKind.WHOLE_NUMBER:
                check = self._migraine_days if question.id == _MIGRAINE_DAYS else _number(question)
                yield from self.field(
                    question.id,
                    self._short(question.id, question),
                    check,
                    question=words,
                    keypad=True,
                )
            elif question.kind is AnswerKind.YES_NO_UNSURE:
                choices.append(Choice(question.id, words))
            elif question.id != _OUTCOME:
                yield from self.field(question.id, words, _text(question))
        yield ChoiceList(
            choices,
            [
                ChoiceOption(answer.value, self.text(key))
                for answer, key in zip(Answer, ANSWER_KEYS, strict=True)
            ],
            list_id="migraine-questions",
        )
        outcome = MIGRAINE_HISTORY.question(_OUTCOME)
        yield from self.field(_OUTCOME, self.text(outcome.text_key), _text(outcome))
        yield Static(self.text(MIDAS.title_key), classes="section", markup=False)
        yield Static(self.text(MIDAS.intro_key), classes="intro", markup=False)
        for question in MIDAS.questions:
            field_id = f"midas_{question.id}"
            yield from self.field(
                field_id,
                self._short(field_id, question),
                _number(question),
                question=self.text(question.text_key),
                keypad=True,
            )
        yield Static(self.text(MIDAS.attribution_key), classes="attribution", markup=False)

    def _short(self, field_id: str, question: Question) -> str:
        """A number box's label: its question's short name and range, in the patient's words."""
        name = self.text(f"screens.migraine.names.{field_id}")
        return self.text(
            "screens.migraine.number_label", name=name, low=question.low, high=question.high
        )

    def _migraine_days(self, raw: str) -> Valid[int] | Invalid:
        headache = self.checked(_HEADACHE_DAYS)
        return validate_migraine_days(
            raw, headache.value if isinstance(headache, Valid) else None, _MIGRAINE_DAYS
        )

    @property
    def questions(self) -> ChoiceList:
        return self.query_one("#migraine-questions", ChoiceList)

    @on(ChoiceList.Changed)
    def _ketamine_answered(self) -> None:
        shown = self.questions.answers.get("earlier_ketamine") in REVEALING
        self.query_one(f"#{_OUTCOME}", Input).set_class(shown, "-shown")
        self.refresh_state()

    def active_fields(self) -> list[str]:
        shown = self.questions.answers.get("earlier_ketamine") in REVEALING
        return [f for f in self.fields if f != _OUTCOME or shown]

    def extra_problems(self) -> list[tuple[str, str]]:
        missing = self.questions.unanswered()
        if not missing:
            return []
        return [
            (
                self.text("screens.migraine.questions"),
                self.text_count("screens.choices.unanswered", len(missing)),
            )
        ]

    def fill(self, session: CheckInSession) -> None:
        m = session.migraine
        if m is None:
            return
        values = {
            _HEADACHE_DAYS: str(m.headache_days_per_month),
            _MIGRAINE_DAYS: str(m.migraine_days_per_month),
            "typical_pain": str(m.typical_pain),
            "preventives_tried": m.preventives_tried,
            _OUTCOME: m.earlier_ketamine_outcome,
            "midas_headache_days_3_months": str(m.midas.headache_days_3_months),
            "midas_average_pain": str(m.midas.average_pain),
        }
        values |= {f"midas_item{n}": str(days) for n, days in enumerate(m.midas.items, start=1)}
        for field_id, value in values.items():
            self.put(field_id, value)
        self.questions.answers.update(
            {"aura": m.aura.value, "earlier_ketamine": m.earlier_ketamine.value}
        )
        self.questions.refresh(layout=True)
        self._ketamine_answered()

    def collect(self) -> MigraineHistory:
        answers = self.questions.answers
        earlier = Answer(answers["earlier_ketamine"])
        midas = Midas(
            items=(
                self.valid("midas_item1"),
                self.valid("midas_item2"),
                self.valid("midas_item3"),
                self.valid("midas_item4"),
                self.valid("midas_item5"),
            ),
            headache_days_3_months=self.valid("midas_headache_days_3_months"),
            average_pain=self.valid("midas_average_pain"),
        )
        return MigraineHistory(
            headache_days_per_month=self.valid(_HEADACHE_DAYS),
            migraine_days_per_month=self.valid(_MIGRAINE_DAYS),
            typical_pain=self.valid("typical_pain"),
            aura=Answer(answers["aura"]),
            preventives_tried=self.valid("preventives_tried"),
            earlier_ketamine=earlier,
            earlier_ketamine_outcome=self.valid(_OUTCOME) if earlier.value in REVEALING else "",
            midas=midas,
        )
