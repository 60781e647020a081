"""What the screen says: its words as the patient sees them, in reading order, as parts.

Read from the widgets on screen, never from the catalogs a second time, so what is read aloud
and what a screen reader's mirror announces are exactly what is drawn: the title, each text,
each question with its answer options (which is chosen), each box with its label, what is typed
in it (as drawn: control characters as their visible pictures) or its hint, each tick box (and
whether it is ticked), each button, and every message shown. Hidden widgets say nothing; the
keypad's keys are keys, not words. Works for every patient screen: welcome, the steps (the
consent's whole text included, scrolled out of sight or not), review, done and the modals.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from rich.text import Text
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, OptionList, Static

from kiosk.widgets.choice_list import ChoiceList
from kiosk.widgets.keypad import Keypad
from kiosk.widgets.patient_input import PatientInput, visible_text
from kiosk.widgets.tick_box import TickBox

#: Lines that name the screen.
_TITLES = frozenset({"step-title", "clinic-name", "done-title", "decline-title", "still-title"})
#: Lines that tell the patient something about their answers or what to do next.
_MESSAGE_IDS = frozenset({"why-not", "submit-failed", "read-to-end", "still-countdown"})
_MESSAGE_CLASSES = ("problem", "notice", "read-as")
#: Lines that hold what the patient answered (review, the medication rows): their own words.
_PATIENT_CLASSES = ("review-answers",)


class PartKind(StrEnum):
    """What a part of the screen is, for a reader that says or marks it differently."""

    TITLE = "title"
    TEXT = "text"
    QUESTION = "question"
    OPTION = "option"
    FIELD = "field"
    TICK_BOX = "tick_box"
    BUTTON = "button"
    MESSAGE = "message"


@dataclass(frozen=True)
class StepPart:
    """One thing the screen says.

    `words`: as drawn (a field's label; an option's or a button's label). `focused`: the
    patient is on it (the focused box or button, or the question under a list's cursor).
    `chosen`: a ticked box or a chosen option. `value`: what is typed in a field, as drawn;
    `hint`: the field's hint, drawn while it is empty. `patient_words`: the part holds what the
    patient typed or answered (protected health information: never cached, never logged).
    `question`: the index of the part this one belongs to (an option's question, a question's
    own index), so "the current question" is one group.
    """

    kind: PartKind
    words: str
    focused: bool = False
    chosen: bool = False
    value: str = ""
    hint: str = ""
    patient_words: bool = False
    question: int = -1


@dataclass(frozen=True)
class StepWords:
    """Everything one screen says, in reading order."""

    screen: str
    parts: tuple[StepPart, ...]

    def current(self) -> tuple[StepPart, ...]:
        """The question the patient is on: a list's question with its options, or a box with
        the question above it and its message under it, or the focused tick box or button.
        Nothing focused: the whole screen."""
        focused = next((i for i, part in enumerate(self.parts) if part.focused), None)
        if focused is None:
            return self.parts
        group = self.parts[focused].question
        if group < 0:
            return (self.parts[focused],)
        return tuple(part for part in self.parts if part.question == group)

    def opening(self) -> tuple[StepPart, ...]:
        """What the screen says before its first question: title, introduction, the consent
        text (what is read when the screen opens, before the current question)."""
        leading: list[StepPart] = []
        for part in self.parts:
            if part.kind not in (PartKind.TITLE, PartKind.TEXT, PartKind.MESSAGE):
                break
            leading.append(part)
        return tuple(leading)


def step_words(screen: Screen[object]) -> StepWords:
    """The words of `screen` as drawn now, in reading order."""
    reader = _Reader()
    for widget in _shown_widgets(screen):
        reader.read(widget)
    return StepWords(screen.name or type(screen).__name__, tuple(reader.parts))


def _shown_widgets(node: Widget | Screen[object]) -> Iterator[Widget]:
    """Every displayed and visible widget under `node`, depth first (the order they are drawn
    in), skipping the keypad."""
    for child in node.displayed_children:
        if not child.visible or isinstance(child, Keypad):
            continue
        yield child
        yield from _shown_widgets(child)


def _plain(content: object) -> str:
    """The characters a Static or an option draws, without their styles."""
    if isinstance(content, Content | Text):
        return content.plain
    return str(content)


class _Reader:
    """Turns widgets into parts, one question group at a time."""

    def __init__(self) -> None:
        self.parts: list[StepPart] = []
        #: A question line waiting for the box it asks about.
        self._question_line: int | None = None

    def add(self, part: StepPart) -> int:
        self.parts.append(part)
        return len(self.parts) - 1

    def read(self, widget: Widget) -> None:
        if isinstance(widget, ChoiceList):
            self._choices(widget)
        elif isinstance(widget, PatientInput):
            self._field(widget)
        elif isinstance(widget, TickBox):
            self._lone(PartKind.TICK_BOX, widget.words, widget, chosen=widget.ticked)
        elif isinstance(widget, Button):
            self._lone(PartKind.BUTTON, str(widget.label), widget)
        elif isinstance(widget, OptionList):
            for option in widget.options:
                self._lone(PartKind.TEXT, _plain(option.prompt).strip(), widget, patient_words=True)
        elif isinstance(widget, Static):
            self._static(widget)

    def _lone(
        self,
        kind: PartKind,
        words: str,
        widget: Widget,
        *,
        chosen: bool = False,
        patient_words: bool = False,
    ) -> None:
        if words.strip():
            self._question_line = None
            self.add(StepPart(kind, words, widget.has_focus, chosen, patient_words=patient_words))

    def _static(self, widget: Static) -> None:
        words = _plain(widget.content)
        if not words.strip():
            return
        if widget.id in _TITLES:
            self._lone(PartKind.TITLE, words, widget)
        elif widget.has_class("question"):
            index = len(self.parts)
            self._question_line = self.add(StepPart(PartKind.QUESTION, words, question=index))
        elif widget.id in _MESSAGE_IDS or widget.has_class(*_MESSAGE_CLASSES):
            # A box's messages belong to the box above them (its question group).
            last = self.parts[-1] if self.parts else None
            under_box = last is not None and last.kind in (PartKind.FIELD, PartKind.MESSAGE)
            group = last.question if last is not None and under_box else -1
            self.add(StepPart(PartKind.MESSAGE, words, question=group))
        else:
            patient_words = widget.has_class(*_PATIENT_CLASSES)
            self._lone(PartKind.TEXT, words, widget, patient_words=patient_words)

    def _field(self, box: PatientInput) -> None:
        group = len(self.parts) if self._question_line is None else self._question_line
        self._question_line = None
        self.add(
            StepPart(
                PartKind.FIELD,
                str(box.border_title or ""),
                box.has_focus,
                value=visible_text(box.value),
                hint="" if box.value else box.placeholder,
                patient_words=bool(box.value),
                question=group,
            )
        )

    def _choices(self, choices: ChoiceList) -> None:
        self._question_line = None
        for row, choice in enumerate(choices.visible_choices()):
            group = self.add(
                StepPart(
                    PartKind.QUESTION,
                    visible_text(choice.text),
                    focused=choices.has_focus and row == choices.cursor_row,
                    question=len(self.parts),
                )
            )
            answer = choices.answers.get(choice.id)
            for option in choices.options:
                self.add(
                    StepPart(
                        PartKind.OPTION, option.label, chosen=answer == option.value, question=group
                    )
                )
