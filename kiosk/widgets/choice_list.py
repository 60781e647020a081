# Over 400 lines: one widget draws, hit-tests, scrolls and pages a list of questions by itself.
"""A list of questions, each answered by one of a few options (yes / no / not sure, PHQ-9 0-3).

One widget draws every row itself (`render_line`) and handles keys and clicks itself: a screen
of 17 questions is one widget instead of 17 radio sets (Textual 8.2.8 needs ~300 ms to mount
12 RadioSets; this mounts in a few). Each option is a box three rows high, big enough to tap.

Keys: Up/Down move between questions (and, past the first or the last, on to the step's other
questions), Left/Right between options, Space chooses, 1-9 choose that option and move on (from
the last question, on to the step's next question, as Enter does).
Enter never chooses: a patient presses Enter to go on, so it moves to the next question without
answering this one (past the last, the step moves the focus on). A follow-up question (e.g. "is
it severe?") shows only while its parent question is answered with one of `reveal_on`; hiding it
forgets its answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.actions import SkipAction
from textual.binding import Binding
from textual.content import Content
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from kiosk.widgets.patient_input import visible_text

_BOX_ROWS = 3
_GAP = 1
_INDENT = 2


@dataclass(frozen=True)
class Choice:
    """One question: its id, its text, and the question it follows up (if any)."""

    id: str
    text: str
    follow_up_of: str | None = None


@dataclass(frozen=True)
class ChoiceOption:
    """One answer option: the value stored and the words shown."""

    value: str
    label: str


@dataclass(frozen=True)
class _Box:
    value: str
    label: str
    x: int
    y: int
    width: int


@dataclass(frozen=True)
class _Block:
    """Where one visible question sits: its first line, its text lines and its option boxes."""

    choice: Choice
    y: int
    text_lines: tuple[str, ...]
    boxes: tuple[_Box, ...]
    height: int


class ChoiceList(ScrollView, can_focus=True):
    """Questions with option boxes, drawn line by line; `answers` maps question id to value."""

    BINDINGS = [
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
        Binding("left", "option(-1)", show=False),
        Binding("right", "option(1)", show=False),
        Binding("space", "choose", show=False),
        Binding("enter", "go_on", show=False),
        *(Binding(str(n), f"choose_number({n})", show=False) for n in range(1, 10)),
    ]

    COMPONENT_CLASSES = {
        "choice--question",
        "choice--current",
        "choice--box",
        "choice--chosen",
        "choice--cursor",
    }

    DEFAULT_CSS = """
    ChoiceList {
        height: auto;
        background: $kiosk-background;
        color: $kiosk-text;
        scrollbar-size-vertical: 2;
        overflow-x: hidden;  /* rows wrap to the width: a scrollbar would only make it jitter */
        /* Why: the column of the border shown while in use is kept when not: the focus a tap
           gives narrowed the list, rewrapped its answers and moved the one tapped away. */
        border-left: blank;
    }
    ChoiceList > .choice--question { color: $kiosk-text; }
    ChoiceList > .choice--current { color: $kiosk-text; text-style: bold; }
    ChoiceList > .choice--box { background: $kiosk-field; color: $kiosk-text; }
    ChoiceList > .choice--chosen {
        background: $kiosk-chosen; color: $kiosk-chosen-text; text-style: bold;
    }
    ChoiceList > .choice--cursor {
        background: $kiosk-focus; color: $kiosk-focus-text; text-style: bold;
    }
    ChoiceList:focus { border-left: thick $kiosk-focus; }
    """

    class QuestionMessage(Message):
        """Something happened to one question of the list (the kinds follow)."""

        def __init__(self, choice_list: ChoiceList, question_id: str) -> None:
            super().__init__()
            self.choice_list = choice_list
            self.question_id = question_id

        @property
        def control(self) -> ChoiceList:
            return self.choice_list

    class Changed(QuestionMessage):
        """The patient chose an option (or a hidden follow-up lost its answer)."""

    class CursorMoved(QuestionMessage):
        """The question under the cursor changed."""

    class AnsweredLast(QuestionMessage):
        """The last question was answered by its number: the step moves the focus on, as Enter
        past the last question does (after the answer's own changes, such as boxes it shows)."""

    def __init__(
        self,
        choices: Sequence[Choice],
        options: Sequence[ChoiceOption],
        *,
        list_id: str,
        reveal_on: frozenset[str] = frozenset(),
        answers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(id=list_id)
        self.choices = tuple(choices)
        self.options = tuple(options)
        self.reveal_on = reveal_on
        self.answers: dict[str, str] = dict(answers or {})
        self.cursor_row = 0
        self.cursor_option = 0
        self._blocks: tuple[_Block, ...] = ()
        self._layout_key: tuple[int, tuple[str, ...]] | None = None

    # ---- what is shown --------------------------------------------------------------------

    def visible_choices(self) -> tuple[Choice, ...]:
        """The questions shown now: every main question, and follow-ups their parent reveals."""
        return tuple(
            choice
            for choice in self.choices
            if choice.follow_up_of is None
            or self.answers.get(choice.follow_up_of) in self.reveal_on
        )

    def unanswered(self) -> tuple[Choice, ...]:
        """Visible questions still without an answer, in order."""
        return tuple(c for c in self.visible_choices() if c.id not in self.answers)

    def _layout(self, width: int) -> tuple[_Block, ...]:
        visible = self.visible_choices()
        key = (width, tuple(choice.id for choice in visible))
        if key == self._layout_key:
            return self._blocks
        blocks: list[_Block] = []
        y = 0
        text_width = max(10, width - _INDENT - 1)
        for choice in visible:
            # Why Content's wrap: it counts terminal cells (a Chinese character takes two) and
            # folds a line with no spaces, where textwrap counted characters and cut the rest.
            wrapped = Content(visible_text(choice.text)).wrap(text_width)
            lines = tuple(line.plain.rstrip() for line in wrapped) or ("",)
            boxes: list[_Box] = []
            x, box_line = _INDENT, 0
            for option in self.options:
                box_width = cell_len(option.label) + 6
                if x + box_width > width and x > _INDENT:
                    x, box_line = _INDENT, box_line + 1
                boxes.append(
                    _Box(option.value, option.label, x, y + len(lines) + box_line * 3, box_width)
                )
                x += box_width + _GAP
            height = len(lines) + (box_line + 1) * _BOX_ROWS + 1
            blocks.append(_Block(choice, y, lines, tuple(boxes), height))
            y += height
        self._blocks = tuple(blocks)
        self._layout_key = key
        return self._blocks

    def _content_width(self) -> int:
        return max(20, self.scrollable_content_region.width or self.size.width)

    def _refresh_size(self) -> None:
        blocks = self._layout(self._content_width())
        total = blocks[-1].y + blocks[-1].height if blocks else 0
        self.virtual_size = Size(self._content_width(), total)
        self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        blocks = self._layout(max(20, width))
        return blocks[-1].y + blocks[-1].height if blocks else 0

    def on_resize(self, _event: events.Resize) -> None:
        self._refresh_size()
        blocks = self._layout(self._content_width())
        # Why: a list that scrolls itself and just got shorter (a "tell us more" box shown
        # under it) would leave the question being answered under whatever took its rows.
        if self.max_scroll_y > 0 and 0 <= self.cursor_row < len(blocks):
            self._reveal(blocks[self.cursor_row])

    # ---- drawing --------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self._content_width()
        scroll_x, scroll_y = self.scroll_offset
        line = y + scroll_y
        base = self.rich_style
        for index, block in enumerate(self._layout(width)):
            if block.y <= line < block.y + block.height:
                strip = self._block_line(index, block, line - block.y, width)
                return strip.crop(scroll_x, scroll_x + width).apply_style(base)
        return Strip.blank(width, base)

    def _block_line(self, index: int, block: _Block, offset: int, width: int) -> Strip:
        current = index == self.cursor_row and self.has_focus
        if offset < len(block.text_lines):
            marker = "\u25b6 " if current else "  "
            style = self.get_component_rich_style(
                "choice--current" if current else "choice--question"
            )
            return Strip([Segment(marker + block.text_lines[offset], style)]).extend_cell_length(
                width
            )
        box_row = offset - len(block.text_lines)
        segments: list[Segment] = []
        x = 0
        for option_index, box in enumerate(block.boxes):
            top = box.y - block.y - len(block.text_lines)
            if not top <= box_row < top + _BOX_ROWS:
                continue
            if box.x > x:
                segments.append(Segment(" " * (box.x - x)))
            chosen = self.answers.get(block.choice.id) == box.value
            style = self._box_style(chosen, current and option_index == self.cursor_option)
            segments.append(Segment(self._box_text(box, box_row - top, chosen), style))
            x = box.x + box.width
        return Strip(segments).extend_cell_length(width)

    def _box_style(self, chosen: bool, cursor: bool) -> Style:
        if cursor:
            return self.get_component_rich_style("choice--cursor")
        return self.get_component_rich_style("choice--chosen" if chosen else "choice--box")

    @staticmethod
    def _box_text(box: _Box, row: int, chosen: bool) -> str:
        inner = box.width - 2
        if row == 0:
            return "\u250c" + "\u2500" * inner + "\u2510"
        if row == 2:
            return "\u2514" + "\u2500" * inner + "\u2518"
        # Why: the chosen option is marked by a symbol too, readable without colour.
        mark = "\u25cf" if chosen else "\u25cb"
        face = f" {mark} {box.label} "
        return "\u2502" + face + " " * (inner - cell_len(face)) + "\u2502"

    # ---- paging ---------------------------------------------------------------------------

    def scroll_page_down(self, **_ignored: Any) -> None:
        """A page down (a tap on the scrollbar's track below its handle, Page Down) brings the
        first question not wholly in view to the top. Why: a page the list's height put that
        question's words above the top while its answers still showed (seen at larger text on
        a tablet: answers with no question)."""
        top, bottom = int(self.scroll_y), int(self.scroll_y) + self.scrollable_size.height
        for block in self._layout(self._content_width()):
            if top < block.y and block.y + block.height - _GAP > bottom:
                self.scroll_to(y=block.y, animate=False, immediate=True)
                return
        self.scroll_to(y=bottom, animate=False, immediate=True)  # a question taller than a page

    def scroll_page_up(self, **_ignored: Any) -> None:
        """A page up starts the page at a question's words too: the first question that then
        starts within a page above the top."""
        top = int(self.scroll_y)
        wanted = max(0, top - self.scrollable_size.height)
        for block in self._layout(self._content_width()):
            if wanted <= block.y < top:
                self.scroll_to(y=block.y, animate=False, immediate=True)
                return
        self.scroll_to(y=wanted, animate=False, immediate=True)

    # ---- keys and clicks ------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        visible = self.visible_choices()
        row = self.cursor_row + step
        if not 0 <= row < len(visible):
            raise SkipAction()  # past the first or last question: the key moves the focus on
        self._set_cursor(row)

    def action_go_on(self) -> None:
        if self.cursor_row + 1 >= len(self.visible_choices()):
            raise SkipAction()  # the last question: the step's Enter moves the focus on
        self._set_cursor(self.cursor_row + 1)

    def enter_at(self, *, first: bool) -> None:
        """Put the cursor on the first question (coming down into the list) or the last."""
        visible = self.visible_choices()
        if visible:
            self._set_cursor(0 if first else len(visible) - 1)

    def action_option(self, step: int) -> None:
        self.cursor_option = max(0, min(len(self.options) - 1, self.cursor_option + step))
        self.refresh()

    def action_choose(self) -> None:
        self._choose(self.cursor_row, self.cursor_option)

    def action_choose_number(self, number: int) -> None:
        if number <= len(self.options):
            self._choose(self.cursor_row, number - 1)
            visible = self.visible_choices()
            if self.cursor_row + 1 < len(visible):
                self._set_cursor(self.cursor_row + 1)
            else:
                self.post_message(self.AnsweredLast(self, visible[self.cursor_row].id))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        x, y = offset.x + self.scroll_offset.x, offset.y + self.scroll_offset.y
        for index, block in enumerate(self._layout(self._content_width())):
            for option_index, box in enumerate(block.boxes):
                if box.x <= x < box.x + box.width and box.y <= y < box.y + _BOX_ROWS:
                    self.focus()
                    self._choose(index, option_index)
                    return

    def _choose(self, row: int, option_index: int) -> None:
        visible = self.visible_choices()
        if not 0 <= row < len(visible):
            return
        question_id = visible[row].id
        self.answers[question_id] = self.options[option_index].value
        # Why: a follow-up hidden again must not keep an answer the patient can no longer see.
        for choice in self.choices:
            if choice.follow_up_of == question_id and choice not in self.visible_choices():
                self.answers.pop(choice.id, None)
        self.cursor_option = option_index
        self._set_cursor(row)
        self._refresh_size()
        self.post_message(self.Changed(self, question_id))

    def _set_cursor(self, row: int) -> None:
        moved = row != self.cursor_row
        self.cursor_row = row
        blocks = self._layout(self._content_width())
        if 0 <= row < len(blocks):
            block = blocks[row]
            self._reveal(block)
            answer = self.answers.get(block.choice.id)
            values = [option.value for option in self.options]
            if moved and answer in values:
                self.cursor_option = values.index(answer)
            if moved:
                self.post_message(self.CursorMoved(self, block.choice.id))
        self.refresh()

    def _reveal(self, block: _Block) -> None:
        """Scroll this list, or the container it sits in, so the question is in view."""
        width = self._content_width()
        if self.max_scroll_y > 0:
            self.scroll_to_region(Region(0, block.y, width, block.height), animate=False)
            return
        for ancestor in self.ancestors:
            if isinstance(ancestor, Widget) and ancestor.max_scroll_y > 0:
                top = self.region.y - ancestor.region.y + int(ancestor.scroll_y) + block.y
                ancestor.scroll_to_region(Region(0, top, width, block.height), animate=False)
                return

    def box_for(self, question_id: str, value: str) -> Region:
        """Where the answer box for this question and value is drawn (in the list's content)."""
        for block in self._layout(self._content_width()):
            for box in block.boxes:
                if block.choice.id == question_id and box.value == value:
                    return Region(box.x, box.y, box.width, _BOX_ROWS)
        raise KeyError(f"{question_id}={value} is not shown")

    def current_question(self) -> str | None:
        """The id of the question under the cursor."""
        visible = self.visible_choices()
        return visible[self.cursor_row].id if 0 <= self.cursor_row < len(visible) else None

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
