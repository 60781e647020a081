# Over 400 lines: what every step shares (fields, errors, keypad, Back, Next, focus).
"""What every check-in step has in common: a title, a scrolling body, Back and Next.

Each field is a `PatientInput` with a line under it for what is wrong; the problem shows once
the patient has typed there and left it, or tried to go on, and "Next" stays disabled with the
reason written beside it until every field on the step passes. The step's `collect()` turns the
fields into the record section the session keeps; a step never stores anything itself.

Keys: a step opens on its first field; Enter in a box, on a tick box or on a list's last
question moves to the next question, and from the last one to Next (or, while Next cannot be
pressed, shows every problem and stays): Enter never ticks or chooses, Space or a tap does;
Down and Up move between the questions, text boxes included; Tab reaches Next before Back. The
keypad shows (in its own place, which stays) only while a box for a date, a time or a number has
the focus.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Self

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.geometry import Size
from textual.suggester import Suggester
from textual.widget import Widget
from textual.widgets import Button, Input, Static

from kiosk.intake.checkin_session import CheckInSession
from kiosk.intake.config import ClinicConfig
from kiosk.intake.validation import FieldProblem, Invalid, Valid
from kiosk.locale import translate, translate_count
from kiosk.messages import PatientActivity, ReadAgainPressed, StepBack, StepDone, is_activity
from kiosk.offscreen import lay_out_offscreen
from kiosk.screens.kept_styles import KeptStylesScreen
from kiosk.widgets.choice_list import ChoiceList
from kiosk.widgets.keypad import Keypad
from kiosk.widgets.patient_input import PatientInput
from kiosk.widgets.tick_box import TickBox

Validator = Callable[[str], Valid[Any] | Invalid]


class StepBody(VerticalScroll, can_focus=False):
    """The step's scrolling body: Down and Up move between the questions inside it.

    Not a tab stop itself (it could show no focus): the keys of whatever has the focus inside
    scroll it (Page Up, Page Down), and Down or Up past the last or first question scroll it too.
    """

    BINDINGS = [
        Binding("down", "question(1)", show=False),
        Binding("up", "question(-1)", show=False),
    ]

    def questions(self) -> list[Widget]:
        """What the patient can answer or press in the body, top to bottom. Why the body's own
        order and not Textual's focus chain: the chain sorts by place on screen, and a box shown
        a moment ago (the driver's name after "Yes") has no place until the next layout, so it
        would sort first."""
        focusable = set(self.screen.focus_chain)
        return [widget for widget in self.walk_children(Widget) if widget in focusable]

    def action_question(self, step: int) -> None:
        questions = self.questions()
        focused = self.screen.focused
        index = questions.index(focused) + step if focused in questions else -1
        if not 0 <= index < len(questions):
            self.scroll_relative(y=step, animate=False)
            return
        target = questions[index]
        target.focus()
        if isinstance(target, ChoiceList):
            target.enter_at(first=step > 0)


@dataclass(frozen=True)
class FieldSpec:
    """One text field on a step: its label (for "Next" reasons) and its validator."""

    label: str
    validate: Validator


class StepScreen(KeptStylesScreen):
    """Base of the patient steps: subclasses compose `body()` and implement `collect()`."""

    BINDINGS = [Binding("enter", "go_on", show=False)]

    #: The step name stored in drafts and used for navigation.
    STEP = ""
    #: What the step opens on: its first box or list of questions (else Next).
    AUTO_FOCUS = "PatientInput, ChoiceList, #next"

    DEFAULT_CSS = """
    StepScreen { background: $kiosk-background; color: $kiosk-text; layout: vertical; }
    StepScreen #step-title {
        height: auto; padding: 0 2; text-style: bold; color: $kiosk-text;
        background: $kiosk-field; border-bottom: tall $kiosk-border;
    }
    StepScreen #step-body { height: 1fr; padding: 0 2; }
    StepScreen .intro { color: $kiosk-muted; margin-bottom: 1; }
    StepScreen .question { margin-top: 1; height: auto; }
    StepScreen .problem { color: $kiosk-problem; height: auto; display: none; }
    StepScreen .problem.-shown { display: block; }
    StepScreen .notice { color: $kiosk-notice; text-style: bold; height: auto; }
    StepScreen #step-nav { height: 3; dock: bottom; background: $kiosk-background; }
    StepScreen #step-nav Static {
        width: 1fr; height: 3; content-align: center middle; color: $kiosk-problem;
        padding: 0 1;
    }
    StepScreen #step-nav Static.-guide { color: $kiosk-muted; }
    StepScreen #keypad { dock: bottom; margin-bottom: 3; }
    """

    def __init__(self, language: str, clock: Callable[[], datetime], date_order: str) -> None:
        super().__init__(name=self.STEP)
        self.language = language
        self.clock = clock
        self.date_order = date_order
        self.fields: dict[str, FieldSpec] = {}
        #: The boxes for dates, times and numbers: the keypad shows while one has the focus.
        self.keypad_fields: set[str] = set()
        self.touched: set[str] = set()
        self.editing_from_review = False
        self.tried_next = False
        self._shown: dict[str, str] = {}
        self._opens_afresh = True

    @classmethod
    def for_clinic(cls, language: str, clock: Callable[[], datetime], config: ClinicConfig) -> Self:
        """A new, empty screen for this step, set up as the clinic's configuration says."""
        return cls(language, clock, config.date_order)

    # ---- texts ----------------------------------------------------------------------------

    def text(self, key: str, **params: object) -> str:
        """Words from kiosk/locale/<language>/ in the patient's language."""
        return translate(key, self.language, **params)

    def text_count(self, key: str, count: int) -> str:
        """Words about `count` things ("falta 1", "faltan 2"), by the language's plural rules."""
        return translate_count(key, self.language, count)

    def problem_text(self, problem: FieldProblem) -> str:
        return self.text(problem.code, **problem.params)

    # ---- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self.styled_look = self.app_look()
        yield Static(self.title_text(), id="step-title", markup=False)
        with StepBody(id="step-body"):
            yield from self.body()
        if self.keypad_fields:
            yield Keypad()
        with Horizontal(id="step-nav"):
            yield Button(self.text("screens.nav.back"), id="back", classes="nav")
            yield Static("", id="why-not", markup=False)
            # Shown while read aloud is on (the App's CSS); a tap never takes the focus from
            # the question it says again.
            read_again = Button(self.text("screens.nav.read_again"), id="read-again", classes="nav")
            read_again.can_focus = False
            yield read_again
            yield Button(self.text(self.next_key()), id="next", classes="nav primary")

    def title_text(self) -> str:
        raise NotImplementedError

    def body(self) -> ComposeResult:
        raise NotImplementedError

    def next_key(self) -> str:
        return "screens.nav.review" if self.editing_from_review else "screens.nav.next"

    def field(
        self,
        field_id: str,
        label: str,
        validate: Validator,
        placeholder: str = "",
        question: str | None = None,
        *,
        keypad: bool = False,
        box: type[PatientInput] = PatientInput,
        suggester: Suggester | None = None,
    ) -> ComposeResult:
        """A labelled text box (a long question goes above it) and a line for what is wrong.

        `keypad`: a date, a time or a number is typed here, so the keypad shows for this box.
        """
        self.fields[field_id] = FieldSpec(label, validate)
        if keypad:
            self.keypad_fields.add(field_id)
        if question is not None:
            yield Static(question, classes="question", markup=False)
        yield box(label, field_id=field_id, placeholder=placeholder, suggester=suggester)
        yield Static("", id=f"{field_id}-problem", classes="problem", markup=False)

    def on_mount(self) -> None:
        self.refresh_state()
        # Why a watch, not DescendantFocus: that message reaches the step only after the box
        # has drawn itself focused, and a tap on the keypad in between (a patient's next tap,
        # on a busy kiosk) met a keypad still greyed for the box before, and was lost.
        self.watch(self, "focused", self._show_keypad_for)

    def on_screen_suspend(self) -> None:
        # Why: the staff unlock goes on top (this step stays under it); Back, Next and Edit
        # switch this step out, and it must then open afresh when shown again.
        self._opens_afresh = self not in self.app.screen_stack

    def on_screen_resume(self) -> None:
        if self._opens_afresh:
            self._opens_afresh = False
            self.open_at_start()
            # Why again, after what is queued: Textual's own first focus may have queued a
            # scroll that puts the focused box in the middle of the step (it judges the box not
            # wholly in view while the step is still laid out at the size it was built at,
            # before the patient chose larger text), and on a step longer than the screen the
            # step's first lines went above the top as the patient reached for the first box.
            self.call_later(self.query_one(StepBody).scroll_home, animate=False, immediate=True)

    def open_at_start(self) -> None:
        """Show the step from its top with its first field focused."""
        first = next((w for w in self.query(self.AUTO_FOCUS) if w.focusable), None)
        self.query_one(StepBody).scroll_home(animate=False, immediate=True)
        if first is not None:
            self.set_focus(first, scroll_visible=False)

    # ---- shown fast: laid out and drawn before the patient gets here ----------------------

    async def lay_out_ahead(self, size: Size) -> None:
        """Lay this mounted, not yet shown screen out and draw it once, off-screen."""
        await lay_out_offscreen(self, size)

    async def on_event(self, event: events.Event) -> None:
        # Why: clicks reach the screen without passing the App, so activity is counted here too.
        if is_activity(event):
            self.post_message(PatientActivity())
        await super().on_event(event)

    # ---- validation -----------------------------------------------------------------------

    def value_of(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value

    def checked(self, field_id: str) -> Valid[Any] | Invalid:
        return self.fields[field_id].validate(self.value_of(field_id))

    def active_fields(self) -> list[str]:
        """The fields that count now (subclasses hide some, e.g. the driver's name)."""
        return list(self.fields)

    def extra_problems(self) -> list[tuple[str, str]]:
        """Problems that are not about one text box (unanswered questions...): (place, words)."""
        return []

    def problems(self) -> list[tuple[str, str]]:
        """Every reason this step cannot go on yet, as (what, why) in the patient's language."""
        found: list[tuple[str, str]] = []
        for field_id in self.active_fields():
            result = self.checked(field_id)
            if isinstance(result, Invalid):
                found.append((self.fields[field_id].label, self.problem_text(result.problem)))
        return found + self.extra_problems()

    def refresh_state(self) -> None:
        """Show each touched field's problem and say why Next is disabled, if it is."""
        active = set(self.active_fields())
        for field_id in self.fields:
            result = self.checked(field_id) if field_id in active else None
            words = ""
            if isinstance(result, Invalid) and (field_id in self.touched or self.tried_next):
                words = self.problem_text(result.problem)
            self._show(f"{field_id}-problem", words)
            self.query_one(f"#{field_id}", Input).set_class(bool(words), "-problem")
        problems = self.problems()
        self.query_one("#next", Button).disabled = bool(problems)
        why, waiting = "", self._first_problem_not_yet_said()
        if problems:
            what, reason = problems[0]
            key = "screens.nav.why_disabled_untouched" if waiting else "screens.nav.why_disabled"
            why = self.text(key, field=what, problem=reason)
        self._show("why-not", why)
        # Why: a box not yet left is named, not reproached in red (the patient may be in it).
        self.query_one("#why-not", Static).set_class(waiting, "-guide")

    def _first_problem_not_yet_said(self) -> bool:
        """Whether the step's first problem is a box whose own problem is not shown yet."""
        for field_id in self.active_fields():
            if isinstance(self.checked(field_id), Invalid):
                return field_id not in self.touched and not self.tried_next
        return False

    def _show(self, note_id: str, words: str) -> None:
        """Update a message line only when its words change (each update costs a re-layout)."""
        if self._shown.get(note_id) != words:
            self._shown[note_id] = words
            note = self.query_one(f"#{note_id}", Static)
            note.update(words)
            note.set_class(bool(words), "-shown")

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        if event.input.id in self.fields and event.value:
            self.touched.add(event.input.id)
        self.refresh_state()

    @on(Input.Blurred)
    def _left_field(self, event: Input.Blurred) -> None:
        # Why: the terminal or the browser tab losing the focus is not the patient leaving.
        if event.input.id in self.fields and self.app.app_focus and self.is_current:
            self.touched.add(event.input.id)
            self.refresh_state()

    @on(Input.Submitted)
    def _enter_in_field(self, event: Input.Submitted) -> None:
        self.go_on_from(event.input)

    def action_go_on(self) -> None:
        """Enter on a tick box or past a list's last question (they leave Enter to the step)."""
        if self.focused is not None:
            self.go_on_from(self.focused)

    def go_on_from(self, question: Widget) -> None:
        """Enter moves to the next question; after the last, to Next, never to Back."""
        questions = self.query_one(StepBody).questions()
        index = questions.index(question) + 1 if question in questions else len(questions)
        next_button = self.query_one("#next", Button)
        if index < len(questions):
            questions[index].focus()
        elif next_button.focusable:
            next_button.focus()
        else:
            self.try_next()  # what pressing Next would do: every problem shows

    @on(ChoiceList.Changed)
    @on(TickBox.Toggled)
    def _answered(self) -> None:
        self.refresh_state()

    @on(ChoiceList.AnsweredLast)
    def _answered_last(self, event: ChoiceList.AnsweredLast) -> None:
        """A number on a list's last question moves on, as Enter does. Handled after the answer's
        own Changed (messages keep their order), so a box the answer shows (the driver's name
        after "Yes") is where the focus goes next."""
        if self.focused is event.choice_list:
            self.go_on_from(event.choice_list)

    @property
    def focus_chain(self) -> list[Widget]:
        """Textual's order, with Back after Next: Tab from the last question reaches Next."""
        chain = super().focus_chain
        back = self.query_one("#back", Button)
        if back in chain and self.query_one("#next", Button) in chain:
            chain.remove(back)
            chain.append(back)
        return chain

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self._whole_in_view(event.widget)

    def _show_keypad_for(self, focused: Widget | None) -> None:
        """The keypad types only while a box for a date, time or number is in use; for any
        other box it stays where it is, greyed. Why not hidden or removed: hidden, its empty
        band still takes a finger's swipe and moves nothing; removed, the step moves under a
        finger mid-tap."""
        if not self.keypad_fields or focused is None:
            return
        keypad = self.query_one(Keypad)
        wanted = focused.id in self.keypad_fields
        if wanted and isinstance(focused, Input):
            keypad.target = focused
        keypad.disabled = not wanted

    def _whole_in_view(self, focused: Widget) -> None:
        """Scroll a focused widget wholly into view when only part of it shows.

        Why: Textual focuses a tapped widget without scrolling, so a box tapped by the label
        showing at a step's bottom edge would be typed into out of sight, under the keypad. A
        widget wholly out of sight (the consent's signature box, focused first) is left there,
        so the patient starts reading at the top. Keys already scroll what they focus. A list
        of questions is left where it is: the question tapped is in view already (the list
        shows it whole, ChoiceList._reveal), and scrolling the whole list up after the tap
        moved the question below under the patient's finger as it came down on it.
        """
        if isinstance(focused, ChoiceList):
            return
        shown = self.query_one("#step-body").content_region
        if focused.region.overlaps(shown) and not shown.contains_region(focused.region):
            # Judged on the screen as tapped, scrolled after the refresh: the box just left
            # may now show a message that moves the boxes below it down.
            self.call_after_refresh(focused.scroll_visible, animate=False)

    # ---- navigation -----------------------------------------------------------------------

    @on(Button.Pressed, "#next")
    def _next_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.try_next()

    @on(Button.Pressed, "#read-again")
    def _read_again_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(ReadAgainPressed())

    @on(Button.Pressed, "#back")
    def _back_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(StepBack(self.STEP))

    def try_next(self) -> None:
        """Go on if every answer passes; otherwise show every problem on the step."""
        self.tried_next = True
        self.refresh_state()
        if not self.problems():
            self.post_message(StepDone(self.STEP, self.collect()))

    def show_failure(self) -> None:
        """Storing what this step sent failed: say so; the patient may try again."""
        self.tried_next = False
        self._show("why-not", self.text("screens.review.failed"))
        self.query_one("#next", Button).disabled = False

    def fill(self, session: CheckInSession) -> None:
        """Put a resumed draft's answers for this step back in its boxes (default: none)."""

    def put(self, field_id: str, value: str) -> None:
        """Set a box as if typed (a resumed draft, a medication taken back into its boxes)."""
        self.query_one(f"#{field_id}", Input).value = value
        if value:
            self.touched.add(field_id)

    def before_show(self, session: CheckInSession) -> None:
        """Called just before the step is shown (review redraws, consent learns the name)."""

    def collect(self) -> object:
        """The record section built from this step's answers (only called when all pass)."""
        raise NotImplementedError

    def set_editing_from_review(self, editing: bool) -> None:
        """From review, Next returns to review (and says so)."""
        if editing != self.editing_from_review:
            self.editing_from_review = editing
            self.query_one("#next", Button).label = self.text(self.next_key())

    def valid(self, field_id: str) -> Any:
        """The cleaned value of a field known to pass."""
        result = self.checked(field_id)
        assert isinstance(result, Valid)
        return result.value
