"""Today's checklist: last food and clear liquid, a driver home, three yes / no / not sure, and
pregnancy (asked once, here, with "does not apply to me").

Under each time box the kiosk says how it read the time, with its day ("We read this as:
yesterday 22:00"), so a patient sees at once when "7.30" or "3" was taken another way than meant.
"""

from __future__ import annotations

from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Static

from kiosk.intake.checkin_session import CheckInSession
from kiosk.intake.questions import (
    ANSWER_KEYS,
    PREGNANCY_ANSWER_KEYS,
    TODAY_CHECKLIST,
    AnswerKind,
)
from kiosk.intake.records import Answer, PregnancyAnswer, TodayChecklist
from kiosk.intake.validation import (
    Valid,
    validate_person_name,
    validate_phone,
    validate_time_taken,
)
from kiosk.locale.dates import format_when
from kiosk.screens.step_screen import StepScreen, Validator
from kiosk.widgets.choice_list import Choice, ChoiceList, ChoiceOption

_DRIVER_FIELDS = ("driver_name", "driver_phone")
_TIME_FIELDS = ("last_food", "last_clear_liquid")
_PREGNANCY = TODAY_CHECKLIST.question("may_be_pregnant")


class ChecklistScreen(StepScreen):
    """The readiness questions asked on the day of the infusion."""

    STEP = "checklist"

    DEFAULT_CSS = """
    ChecklistScreen .driver { display: none; }
    ChecklistScreen .driver.-shown { display: block; }
    ChecklistScreen .read-as { color: $kiosk-muted; height: auto; display: none; }
    /* Why: a blank line above it, as above every question, so a time's reading ends apart. */
    ChecklistScreen #driver-question { margin-top: 1; }
    """

    def title_text(self) -> str:
        return self.text(TODAY_CHECKLIST.title_key)

    def body(self) -> ComposeResult:
        assert TODAY_CHECKLIST.intro_key is not None
        yield Static(self.text(TODAY_CHECKLIST.intro_key), classes="intro", markup=False)
        hint = self.text("screens.checklist.time_hint")
        for question_id in _TIME_FIELDS:
            question = TODAY_CHECKLIST.question(question_id)
            yield from self.field(
                question_id,
                self.text(f"screens.checklist.{question_id}_label"),
                self._time_validator(question_id),
                placeholder=hint,
                question=self.text(question.text_key),
                keypad=True,
            )
            yield Static("", id=f"{question_id}-read-as", classes="read-as", markup=False)
        yes_no = (Answer.YES, Answer.NO)
        yield ChoiceList(
            [Choice("has_driver", self.text(TODAY_CHECKLIST.question("has_driver").text_key))],
            [ChoiceOption(a.value, self.text(ANSWER_KEYS[i])) for i, a in enumerate(yes_no)],
            list_id="driver-question",
        )
        yield from self.field(
            "driver_name",
            self.text(TODAY_CHECKLIST.question("driver_name").text_key),
            lambda raw: validate_person_name(raw, "driver_name"),
        )
        yield from self.field(
            "driver_phone",
            self.text(TODAY_CHECKLIST.question("driver_phone").text_key),
            lambda raw: validate_phone(raw, "driver_phone"),
            keypad=True,
        )
        yield ChoiceList(
            [
                Choice(q.id, self.text(q.text_key))
                for q in TODAY_CHECKLIST.questions
                if q.kind is AnswerKind.YES_NO_UNSURE
            ],
            [
                ChoiceOption(answer.value, self.text(key))
                for answer, key in zip(Answer, ANSWER_KEYS, strict=True)
            ],
            list_id="today-questions",
        )
        yield ChoiceList(
            [Choice(_PREGNANCY.id, self.text(_PREGNANCY.text_key))],
            [
                ChoiceOption(answer.value, self.text(key))
                for answer, key in zip(PregnancyAnswer, PREGNANCY_ANSWER_KEYS, strict=True)
            ],
            list_id="pregnancy-question",
        )

    def _time_validator(self, field_id: str) -> Validator:
        return lambda raw: validate_time_taken(raw, self.clock(), field_id)

    def on_mount(self) -> None:
        for field_id in _DRIVER_FIELDS:
            self.query_one(f"#{field_id}", Input).add_class("driver")
        super().on_mount()

    def refresh_state(self) -> None:
        super().refresh_state()
        now = self.clock()
        for field_id in _TIME_FIELDS:
            result = self.checked(field_id)
            words = ""
            if isinstance(result, Valid):
                when = format_when(result.value, self.language, now)
                words = self.text("screens.checklist.read_as", when=when)
            note = self.query_one(f"#{field_id}-read-as", Static)
            if note.content != words:
                note.update(words)
                note.display = bool(words)
                if words and self.focused is self.query_one(f"#{field_id}", Input):
                    # Why: a box at the step's bottom edge (larger text) had its reading drawn
                    # below, out of sight; scrolled once laid out, the box stays in view above.
                    self.call_after_refresh(note.scroll_visible, animate=False)

    def _has_driver(self) -> bool:
        answers = self.query_one("#driver-question", ChoiceList).answers
        return answers.get("has_driver") == Answer.YES.value

    @on(ChoiceList.Changed, "#driver-question")
    def _driver_answered(self) -> None:
        for field_id in _DRIVER_FIELDS:
            self.query_one(f"#{field_id}", Input).set_class(self._has_driver(), "-shown")
        self.refresh_state()

    def active_fields(self) -> list[str]:
        driver = self._has_driver()
        return [f for f in self.fields if f not in _DRIVER_FIELDS or driver]

    def extra_problems(self) -> list[tuple[str, str]]:
        missing = sum(len(choices.unanswered()) for choices in self.query(ChoiceList))
        if not missing:
            return []
        return [
            (
                self.text("screens.checklist.questions"),
                self.text_count("screens.choices.unanswered", missing),
            )
        ]

    def fill(self, session: CheckInSession) -> None:
        c = session.checklist
        if c is None:
            return
        self.put("last_food", self._as_typed(c.last_food_at))
        self.put("last_clear_liquid", self._as_typed(c.last_clear_liquid_at))
        self.put("driver_name", c.driver_name)
        self.put("driver_phone", c.driver_phone)
        driver = Answer.YES if c.has_driver else Answer.NO
        self.query_one("#driver-question", ChoiceList).answers["has_driver"] = driver.value
        self.query_one("#today-questions", ChoiceList).answers.update(
            {
                "took_regular_medications": c.took_regular_medications.value,
                "alcohol_or_drugs_24h": c.alcohol_or_drugs_24h.value,
                "feeling_unwell": c.feeling_unwell.value,
            }
        )
        self.query_one("#pregnancy-question", ChoiceList).answers[_PREGNANCY.id] = (
            c.may_be_pregnant.value
        )
        for choices in self.query(ChoiceList):
            choices.refresh(layout=True)
        self._driver_answered()

    def _as_typed(self, moment: datetime) -> str:
        """A kept time as the patient could type it: a clock time within the last day, hours
        ago beyond it (a bare clock time is always read as within the last 24 hours)."""
        now = self.clock()
        hours = (now - moment).total_seconds() / 3600
        if hours < 24:
            return moment.astimezone(now.tzinfo).strftime("%H:%M")
        return f"{hours:.2f}".rstrip("0").rstrip(".")

    def collect(self) -> TodayChecklist:
        today = self.query_one("#today-questions", ChoiceList).answers
        driver = self._has_driver()
        return TodayChecklist(
            last_food_at=self.valid("last_food"),
            last_clear_liquid_at=self.valid("last_clear_liquid"),
            has_driver=driver,
            driver_name=self.valid("driver_name") if driver else "",
            driver_phone=self.valid("driver_phone") if driver else "",
            took_regular_medications=Answer(today["took_regular_medications"]),
            alcohol_or_drugs_24h=Answer(today["alcohol_or_drugs_24h"]),
            feeling_unwell=Answer(today["feeling_unwell"]),
            may_be_pregnant=PregnancyAnswer(
                self.query_one("#pregnancy-question", ChoiceList).answers[_PREGNANCY.id]
            ),
        )
