"""Health history: the CLINICAL.md questions, yes / no / not sure, and an optional detail.

The questions are one `ChoiceList`; the "tell us more" box under it belongs to the question
under the cursor, and shows only once that question is answered yes or not sure.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Static

from kiosk.intake.checkin_session import CheckInSession
from kiosk.intake.questions import ANSWER_KEYS, DETAIL_PROMPT_KEY, HEALTH_HISTORY
from kiosk.intake.records import Answer, HealthHistory, HistoryAnswer
from kiosk.intake.validation import Invalid, Valid, validate_detail
from kiosk.screens.step_screen import StepScreen
from kiosk.widgets.choice_list import Choice, ChoiceList, ChoiceOption

#: The answers that open a follow-up question and the "tell us more" box.
REVEALING = frozenset({Answer.YES.value, Answer.NOT_SURE.value})


class HistoryScreen(StepScreen):
    """One list of yes / no / not sure questions."""

    STEP = "history"

    DEFAULT_CSS = """
    HistoryScreen #step-body { overflow-y: hidden; }
    HistoryScreen ChoiceList { height: 1fr; }
    HistoryScreen #detail { display: none; }
    HistoryScreen #detail.-shown { display: block; }
    """

    def title_text(self) -> str:
        return self.text(HEALTH_HISTORY.title_key)

    def body(self) -> ComposeResult:
        self.details: dict[str, str] = {}
        self.detail_for: str | None = None
        assert HEALTH_HISTORY.intro_key is not None
        yield Static(self.text(HEALTH_HISTORY.intro_key), classes="intro", markup=False)
        yield ChoiceList(
            [Choice(q.id, self.text(q.text_key), q.follow_up_of) for q in HEALTH_HISTORY.questions],
            [
                ChoiceOption(answer.value, self.text(key))
                for answer, key in zip(Answer, ANSWER_KEYS, strict=True)
            ],
            list_id="history-questions",
            reveal_on=REVEALING,
        )
        yield from self.field(
            "detail", self.text(DETAIL_PROMPT_KEY), lambda raw: validate_detail(raw, "detail")
        )

    def on_mount(self) -> None:
        super().on_mount()
        self._show_detail_for(self.questions.current_question())

    @property
    def questions(self) -> ChoiceList:
        return self.query_one("#history-questions", ChoiceList)

    @on(ChoiceList.CursorMoved)
    def _cursor_moved(self, event: ChoiceList.CursorMoved) -> None:
        self._show_detail_for(event.question_id)

    @on(ChoiceList.Changed)
    def _answer_changed(self, event: ChoiceList.Changed) -> None:
        self._show_detail_for(event.question_id)

    @on(Input.Changed, "#detail")
    def _detail_typed(self, event: Input.Changed) -> None:
        if self.detail_for is not None:
            self.details[self.detail_for] = event.value

    def _show_detail_for(self, question_id: str | None) -> None:
        """Point the detail box at this question; show it only after a yes or not sure."""
        box = self.query_one("#detail", Input)
        answered = self.questions.answers.get(question_id or "")
        if question_id != self.detail_for:
            self.detail_for = question_id
            with box.prevent(Input.Changed):
                box.value = self.details.get(question_id or "", "")
        box.set_class(answered in REVEALING, "-shown")
        self.refresh_state()

    def _detail_result(self, question_id: str) -> Valid[str] | Invalid:
        return validate_detail(self.details.get(question_id, ""), "detail")

    def active_fields(self) -> list[str]:
        shown = self.query_one("#detail", Input).has_class("-shown")
        return ["detail"] if shown else []

    def extra_problems(self) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        missing = self.questions.unanswered()
        if missing:
            problems.append(
                (
                    self.text("screens.history.questions"),
                    self.text_count("screens.choices.unanswered", len(missing)),
                )
            )
        for number, choice in enumerate(self.questions.visible_choices(), start=1):
            if choice.id == self.detail_for:
                continue  # the open box reports its own problem
            result = self._detail_result(choice.id)
            if isinstance(result, Invalid):
                label = self.text("screens.history.detail_of", number=number)
                problems.append((label, self.problem_text(result.problem)))
        return problems

    def fill(self, session: CheckInSession) -> None:
        if session.history is None:
            return
        self.questions.answers.update(
            {a.question_id: a.answer.value for a in session.history.answers}
        )
        self.details.update({a.question_id: a.detail for a in session.history.answers if a.detail})
        self.detail_for = None
        self._show_detail_for(self.questions.current_question())
        self.questions.refresh(layout=True)
        self.refresh_state()

    def collect(self) -> HealthHistory:
        answers: list[HistoryAnswer] = []
        for choice in self.questions.visible_choices():
            answer = Answer(self.questions.answers[choice.id])
            detail = self._detail_result(choice.id)
            kept = detail.value if isinstance(detail, Valid) and answer in REVEALING else ""
            answers.append(HistoryAnswer(choice.id, answer, kept))
        return HealthHistory(tuple(answers))
