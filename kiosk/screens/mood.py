"""How you have been feeling: the PHQ-9, nine questions answered 0-3.

If item 9 (thoughts of self-harm) is answered above 0, a calm message says a nurse will talk with
the patient, and the App seals a draft at once so the urgent flag is on the nurse's list now.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Static

from kiosk.intake.checkin_session import CheckInSession
from kiosk.intake.questions import PHQ9
from kiosk.intake.records import Phq9
from kiosk.messages import SelfHarmAnswered
from kiosk.screens.step_screen import StepScreen
from kiosk.widgets.choice_list import Choice, ChoiceList, ChoiceOption

SELF_HARM_ITEM = "item9"


class MoodScreen(StepScreen):
    """The PHQ-9 as one list; its attribution under it."""

    STEP = "mood"

    DEFAULT_CSS = """
    MoodScreen #step-body { overflow-y: hidden; }
    MoodScreen ChoiceList { height: 1fr; }
    MoodScreen #nurse-will-talk { display: none; }
    MoodScreen #nurse-will-talk.-shown { display: block; }
    MoodScreen .attribution { color: $kiosk-muted; height: auto; }
    """

    def title_text(self) -> str:
        return self.text(PHQ9.title_key)

    def body(self) -> ComposeResult:
        assert PHQ9.intro_key is not None and PHQ9.attribution_key is not None
        yield Static(self.text(PHQ9.intro_key), classes="intro", markup=False)
        yield ChoiceList(
            [Choice(q.id, self.text(q.text_key)) for q in PHQ9.questions],
            [ChoiceOption(str(n), self.text(key)) for n, key in enumerate(PHQ9.option_keys)],
            list_id="phq9-questions",
        )
        yield Static(
            self.text("screens.mood.nurse_will_talk"),
            id="nurse-will-talk",
            classes="notice",
            markup=False,
        )
        yield Static(self.text(PHQ9.attribution_key), classes="attribution", markup=False)

    @property
    def questions(self) -> ChoiceList:
        return self.query_one("#phq9-questions", ChoiceList)

    def _items(self) -> Phq9:
        answers = self.questions.answers
        values = tuple(int(answers.get(q.id, "0")) for q in PHQ9.questions)
        return Phq9(values)  # type: ignore[arg-type]

    @on(ChoiceList.Changed)
    def _phq9_answered(self, event: ChoiceList.Changed) -> None:
        worrying = int(self.questions.answers.get(SELF_HARM_ITEM, "0")) > 0
        self.query_one("#nurse-will-talk", Static).set_class(worrying, "-shown")
        if event.question_id == SELF_HARM_ITEM and worrying:
            self.post_message(SelfHarmAnswered(self._items()))

    def extra_problems(self) -> list[tuple[str, str]]:
        missing = self.questions.unanswered()
        if not missing:
            return []
        return [
            (
                self.text("screens.mood.questions"),
                self.text_count("screens.choices.unanswered", len(missing)),
            )
        ]

    def fill(self, session: CheckInSession) -> None:
        if session.phq9 is None:
            return
        self.questions.answers.update(
            {q.id: str(value) for q, value in zip(PHQ9.questions, session.phq9.items, strict=True)}
        )
        self.questions.refresh(layout=True)
        self.refresh_state()

    def collect(self) -> Phq9:
        return self._items()
