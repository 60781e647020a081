"""Review: every answer on one scrolling screen, each section with an "Edit" that goes back to it.

Answers are drawn as Rich `Text` built from the values (never parsed as markup, unsafe
characters shown as placeholders), in the patient's language, dates and times included (with the
day, as `format_when` writes them). "Submit" seals the check-in.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Static

from kiosk.intake.checkin_session import CheckInSession
from kiosk.intake.checkin_steps import REVIEWED_STEPS
from kiosk.intake.questions import (
    ANSWER_KEYS,
    HEALTH_HISTORY,
    MIDAS,
    MIGRAINE_HISTORY,
    PHQ9,
    PREGNANCY_ANSWER_KEYS,
)
from kiosk.intake.questions import TODAY_CHECKLIST as CHECKLIST
from kiosk.intake.records import Answer, PregnancyAnswer
from kiosk.locale.dates import format_when
from kiosk.messages import EditPressed, SubmitPressed
from kiosk.screens.medications import medication_row
from kiosk.screens.step_screen import StepBody, StepScreen
from kiosk.widgets.staff_display import display_text

#: The sections shown, in order, each named for the step its "Edit" returns to.
SECTIONS = tuple(step.name for step in REVIEWED_STEPS)


class ReviewScreen(StepScreen):
    """All the answers, and Submit."""

    STEP = "review"

    #: Why: with Submit focused (where the review opens) the keys still read the whole review;
    #: inside the review the body's own keys move between the Edit buttons.
    BINDINGS = [
        Binding("down", "scroll_review(1)", show=False),
        Binding("up", "scroll_review(-1)", show=False),
        Binding("pagedown", "page_review(1)", show=False),
        Binding("pageup", "page_review(-1)", show=False),
    ]

    DEFAULT_CSS = """
    ReviewScreen .review-section { height: auto; margin-bottom: 1; }
    ReviewScreen .review-head { height: 3; }
    ReviewScreen .review-head Static { width: 1fr; text-style: bold; content-align: left middle; }
    ReviewScreen .review-answers {
        height: auto; padding: 0 2; background: $kiosk-field; color: $kiosk-text;
    }
    ReviewScreen #submit-failed { color: $kiosk-problem; text-style: bold; height: auto; }
    """

    def title_text(self) -> str:
        return self.text("screens.review.title")

    def next_key(self) -> str:
        return "screens.review.submit"

    def body(self) -> ComposeResult:
        yield Static(self.text("screens.review.intro"), classes="intro", markup=False)
        for section in SECTIONS:
            with Horizontal(classes="review-head"):
                yield Static(self.text(f"screens.review.{section}"), markup=False)
                yield Button(self.text("screens.review.edit"), id=f"edit-{section}")
            yield Static("", id=f"answers-{section}", classes="review-answers")
        yield Static("", id="submit-failed", markup=False)

    def set_editing_from_review(self, editing: bool) -> None:
        """Review is where edits return to; its own button always says Submit."""

    def before_show(self, session: CheckInSession) -> None:
        """Draw the answers so far (also called ahead, while the patient is on another step)."""
        failed = self.query_one("#submit-failed", Static)
        if failed.content:
            failed.update("")
        self.query_one("#next", Button).disabled = False
        draw = ReviewText(self.text, self.clock, self.language)
        for section in SECTIONS:
            answers = self.query_one(f"#answers-{section}", Static)
            drawn = draw.section(section, session)
            if answers.content != drawn:  # Why: each update costs a re-layout of the screen
                answers.update(drawn)

    def refresh_state(self) -> None:
        self.query_one("#back", Button).display = False

    def action_scroll_review(self, rows: int) -> None:
        self.query_one(StepBody).scroll_relative(y=rows, animate=False)

    def action_page_review(self, pages: int) -> None:
        body = self.query_one(StepBody)
        body.scroll_relative(y=pages * body.scrollable_content_region.height, animate=False)

    def show_failure(self) -> None:
        """Storing failed: say so and let the patient try again or ask for help."""
        self.query_one("#submit-failed", Static).update(self.text("screens.review.failed"))
        self.query_one("#next", Button).disabled = False

    @on(Button.Pressed, ".review-head Button")
    def _edit(self, event: Button.Pressed) -> None:
        event.stop()
        step = (event.button.id or "").removeprefix("edit-")
        self.post_message(EditPressed(step))

    def try_next(self) -> None:
        self.query_one("#next", Button).disabled = True  # one press, one check-in
        self.post_message(SubmitPressed())


class ReviewText:
    """Draws one section of a check-in as lines of "question: answer"."""

    def __init__(
        self, text: Callable[..., str], clock: Callable[[], datetime], language: str
    ) -> None:
        self.text = text
        self.clock = clock
        self.language = language

    def _lines(self, pairs: list[tuple[str, str]]) -> Text:
        """One line per pair, "label: value"; a row without a label (a medication) is its value."""
        out = Text()
        for index, (label, value) in enumerate(pairs):
            if index:
                out.append("\n")
            if label:
                out.append(f"{label}: ", style="bold")
            out.append(display_text(value) or "-")
        return out

    def _answer(self, answer: Answer | bool) -> str:
        if isinstance(answer, bool):
            answer = Answer.YES if answer else Answer.NO
        return self.text(ANSWER_KEYS[list(Answer).index(answer)])

    def _pregnancy(self, answer: PregnancyAnswer) -> str:
        return self.text(PREGNANCY_ANSWER_KEYS[list(PregnancyAnswer).index(answer)])

    def _time(self, moment: datetime | None) -> str:
        return "" if moment is None else format_when(moment, self.language, now=self.clock())

    def _last_dose(self, moment: datetime | None) -> str:
        """· last taken: <when>" after an as-needed medication's row, or nothing."""
        if moment is None:
            return ""
        return " \u00b7 " + self.text("screens.review.last_dose", when=self._time(moment))

    def section(self, name: str, session: CheckInSession) -> Text:
        t = self.text
        if name == "identity" and session.identity:
            who = session.identity
            return self._lines(
                [
                    (t("screens.identity.legal_name"), who.legal_name),
                    (t("screens.identity.preferred_name"), who.preferred_name),
                    (
                        t("screens.identity.date_of_birth"),
                        format_when(who.date_of_birth, self.language),
                    ),
                    (t("screens.identity.phone"), who.phone),
                    (t("screens.identity.emergency_contact_name"), who.emergency_contact_name),
                    (t("screens.identity.emergency_contact_phone"), who.emergency_contact_phone),
                ]
            )
        if name == "medications" and session.medications:
            meds = session.medications
            as_needed = t("screens.medications.as_needed_short")
            rows = [
                ("", medication_row(m, as_needed) + self._last_dose(m.last_dose_at))
                for m in meds.medications
            ] or [(t("screens.medications.title"), t("screens.medications.none"))]
            rows += [
                (t("screens.medications.allergy_substance"), f"{a.substance} \u00b7 {a.reaction}")
                for a in meds.allergies
            ] or [(t("screens.medications.allergies"), t("screens.medications.no_allergies"))]
            return self._lines(rows)
        if name == "history" and session.history:
            return self._lines(
                [
                    (
                        t(HEALTH_HISTORY.question(a.question_id).text_key),
                        self._answer(a.answer) + (f" \u00b7 {a.detail}" if a.detail else ""),
                    )
                    for a in session.history.answers
                ]
            )
        if name == "migraine" and session.migraine:
            m = session.migraine
            q = MIGRAINE_HISTORY.question
            rows = [
                (t(q("headache_days_per_month").text_key), str(m.headache_days_per_month)),
                (t(q("migraine_days_per_month").text_key), str(m.migraine_days_per_month)),
                (t(q("typical_pain").text_key), str(m.typical_pain)),
                (t(q("aura").text_key), self._answer(m.aura)),
                (t(q("preventives_tried").text_key), m.preventives_tried),
                (t(q("earlier_ketamine").text_key), self._answer(m.earlier_ketamine)),
            ]
            if m.earlier_ketamine_outcome:
                rows.append((t(q("earlier_ketamine_outcome").text_key), m.earlier_ketamine_outcome))
            values = (*m.midas.items, m.midas.headache_days_3_months, m.midas.average_pain)
            rows += [
                (t(question.text_key), str(value))
                for question, value in zip(MIDAS.questions, values, strict=True)
            ]
            return self._lines(rows)
        if name == "mood" and session.phq9:
            return self._lines(
                [
                    (t(question.text_key), t(PHQ9.option_keys[value]))
                    for question, value in zip(PHQ9.questions, session.phq9.items, strict=True)
                ]
            )
        if name == "checklist" and session.checklist:
            c = session.checklist
            q = CHECKLIST.question
            rows = [
                (t("screens.checklist.last_food_label"), self._time(c.last_food_at)),
                (
                    t("screens.checklist.last_clear_liquid_label"),
                    self._time(c.last_clear_liquid_at),
                ),
                (t(q("has_driver").text_key), self._answer(c.has_driver)),
            ]
            if c.has_driver:
                rows += [
                    (t(q("driver_name").text_key), c.driver_name),
                    (t(q("driver_phone").text_key), c.driver_phone),
                ]
            rows += [
                (
                    t(q("took_regular_medications").text_key),
                    self._answer(c.took_regular_medications),
                ),
                (t(q("alcohol_or_drugs_24h").text_key), self._answer(c.alcohol_or_drugs_24h)),
                (t(q("feeling_unwell").text_key), self._answer(c.feeling_unwell)),
                (t(q("may_be_pregnant").text_key), self._pregnancy(c.may_be_pregnant)),
            ]
            return self._lines(rows)
        if name == "consent" and session.consent:
            return self._lines([(t("screens.consent.signature"), session.consent.typed_name)])
        return Text(t("screens.review.not_done"))
