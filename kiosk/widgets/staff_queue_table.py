"""The nurse's queue as one scrolling widget: fixed columns, and only the visible rows drawn.

Why not Textual's DataTable: it measures every cell of every new row and builds per-row
bookkeeping when rows are added, which took most of a second for 1,000 check-ins. Here the rows
stay the caller's objects, turned into cells only when a row scrolls into view, and the columns
have fixed widths, so showing a whole day costs the same as showing one screenful. Keys and clicks
behave as in a DataTable with a row cursor: arrows, Page Up/Down, Home/End, Enter opens; a click
moves the cursor and a click on the cursor row opens it (with `opens_on_tap`, any click opens
its row: the chair board, whose few rows move as it sorts itself again).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

#: Turns one caller's row into its cells, in column order.
CellMaker = Callable[[Any], Sequence[Text]]
#: Blank columns either side of each cell, as DataTable draws them.
CELL_PADDING = 1


class StaffQueueTable(ScrollView, can_focus=True):
    """A read-only table with a row cursor; posts RowChosen when the nurse opens a row."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("home,ctrl+home", "jump(0)", show=False),
        Binding("end,ctrl+end", "jump(-1)", show=False),
        Binding("enter", "choose", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "staff-queue-table--header",
        "staff-queue-table--even-row",
        "staff-queue-table--cursor",
    }
    # The same theme variables as Textual's DataTable, so every theme draws it alike.
    DEFAULT_CSS = """
    StaffQueueTable {
        background: $surface;
        color: $foreground;
        & > .staff-queue-table--header { text-style: bold; background: $panel; }
        & > .staff-queue-table--even-row { background: $surface-lighten-1 50%; }
        & > .staff-queue-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .staff-queue-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """

    cursor_row: reactive[int] = reactive(0, always_update=True)

    class RowChosen(Message):
        """The nurse opened the row at `index` (Enter, or a click on the cursor row); `row` is
        the caller's row shown there then (the rows may be shown anew before this is handled)."""

        def __init__(self, table: StaffQueueTable, index: int, row: Any = None) -> None:
            super().__init__()
            self.table = table
            self.index = index
            self.row = row

        @property
        def control(self) -> StaffQueueTable:
            return self.table

    def __init__(
        self,
        columns: Sequence[tuple[str, int]],
        *,
        id: str | None = None,
        opens_on_tap: bool = False,
    ) -> None:
        super().__init__(id=id)
        self.opens_on_tap = opens_on_tap
        self._labels = tuple(Text(label) for label, _ in columns)
        self._widths = tuple(width for _, width in columns)
        self._rows: Sequence[Any] = ()
        self._cells: CellMaker = lambda _row: ()

    # ---- what the screen calls --------------------------------------------------------

    def show(self, rows: Sequence[Any], cells: CellMaker) -> None:
        """Show `rows` (kept as given; `cells` draws one when it scrolls into view)."""
        self._rows = rows
        self._cells = cells
        self._resize()
        self.cursor_row = min(self.cursor_row, max(0, len(rows) - 1))

    def clear(self) -> None:
        """Drop every row (and with it every patient's text)."""
        self.show((), lambda _row: ())

    @property
    def row_count(self) -> int:
        return len(self._rows)

    def get_row_at(self, index: int) -> tuple[Text, ...]:
        """The cells of the row at `index`, as drawn."""
        return tuple(self._cells(self._rows[index]))

    # ---- drawing -----------------------------------------------------------------------

    def _resize(self) -> None:
        width = sum(self._widths) + 2 * CELL_PADDING * len(self._widths)
        self.virtual_size = Size(width, len(self._rows) + 1)  # + 1: the header line
        self.refresh()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        if y == 0:
            # The header stays on the first line whatever the scroll position.
            style = self.rich_style + self.get_component_rich_style("staff-queue-table--header")
            return self._strip(self._labels, style, scroll_x, width)
        index = scroll_y + y - 1
        if index >= len(self._rows):
            return Strip.blank(width, self.rich_style)
        style = self.rich_style
        if index == self.cursor_row:
            style += self.get_component_rich_style("staff-queue-table--cursor")
        elif index % 2:
            style += self.get_component_rich_style("staff-queue-table--even-row")
        return self._strip(self._cells(self._rows[index]), style, scroll_x, width)

    def _strip(self, cells: Sequence[Text], style: Style, scroll_x: int, width: int) -> Strip:
        line = Text(no_wrap=True, end="")
        pad = " " * CELL_PADDING
        for cell, cell_width in zip(cells, self._widths, strict=False):
            shown = cell.copy()
            shown.truncate(cell_width, overflow="ellipsis", pad=True)
            line.append(pad)
            line.append_text(shown)
            line.append(pad)
        segments = Segment.apply_style(line.render(self.app.console), style)
        strip = Strip(list(segments)).crop(scroll_x, scroll_x + width)
        return strip.adjust_cell_length(width, style)

    # ---- the cursor ------------------------------------------------------------------

    def _visible_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def watch_cursor_row(self, old: int, new: int) -> None:
        # Keep the cursor row on screen: below the header, above the bottom edge.
        top = int(self.scroll_y)
        if new < top:
            self.scroll_to(y=new, animate=False)
        elif new >= top + self._visible_rows():
            self.scroll_to(y=new - self._visible_rows() + 1, animate=False)
        self.refresh()

    def _move_to(self, index: int) -> None:
        if self._rows:
            self.cursor_row = max(0, min(index, len(self._rows) - 1))

    def action_move(self, step: int) -> None:
        self._move_to(self.cursor_row + step)

    def action_page(self, direction: int) -> None:
        self._move_to(self.cursor_row + direction * self._visible_rows())

    def action_jump(self, index: int) -> None:
        self._move_to(index if index >= 0 else len(self._rows) - 1)

    def action_choose(self) -> None:
        if self._rows:
            self._choose(self.cursor_row)

    def _choose(self, index: int) -> None:
        self.post_message(self.RowChosen(self, index, self._rows[index]))

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y == 0:
            return
        index = int(self.scroll_y) + offset.y - 1
        if index >= len(self._rows):
            return
        if index == self.cursor_row:
            self._choose(index)
        else:
            self.cursor_row = index
            if self.opens_on_tap:
                self._choose(index)
