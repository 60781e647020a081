"""What the patient sees on the tablet, rebuilt from the bytes the kiosk sends to the browser.

The terminal in the page is a canvas, so the tests cannot read its text from the DOM. Instead
they listen to the websocket and replay the kiosk's output into this small grid: cursor moves,
printable characters, line feeds; colours and modes are ignored. That is enough to wait for a
word to appear and to find the cell of a button to tap.

Where the kiosk draws each frame as a synchronized update (a terminal that answers Textual's
question about mode 2026 says it can), the screen shows only whole frames, as such a terminal
does: halfway through a frame the cursor is wherever Textual is drawing, not in the focused box.
"""

from __future__ import annotations

import codecs
import re
import threading

from rich.cells import cell_len, get_character_cell_size

# CSI: ESC [ params intermediates final; OSC: ESC ] ... BEL or ST; other two-byte escapes.
_ESCAPE = re.compile(
    r"\x1b\[(?P<params>[0-9;?<>=$]*)[ -/]*(?P<final>[@-~])"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
    r"|\x1b[^\[\]]"
)
_UNFINISHED_ESCAPE = re.compile(r"\x1b(?:\[[0-9;?<>=$ -/]*|\][^\x07]*)?$")
#: The end of a synchronized update (DEC private mode 2026 reset): one frame of Textual's drawn.
_FRAME_END = ("?2026", "l")


class TerminalScreen:
    """A rows x cols grid of characters fed with the kiosk's terminal output."""

    def __init__(self, cols: int = 80, rows: int = 24) -> None:
        self.cols = cols
        self.rows = rows
        self._grid = [[" "] * cols for _ in range(rows)]
        self._row = 0
        self._col = 0
        self._shown: tuple[list[list[str]], tuple[int, int]] | None = None  # the last whole frame
        self._pending = ""
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._lock = threading.Lock()
        self.changed = threading.Event()

    def resize(self, cols: int, rows: int) -> None:
        """The browser told the kiosk its size: start an empty grid of that size."""
        with self._lock:
            self.cols, self.rows = cols, rows
            self._grid = [[" "] * cols for _ in range(rows)]
            self._row = self._col = 0
            self._shown = None

    def feed(self, data: bytes) -> None:
        """Replay one websocket frame of terminal output."""
        with self._lock:
            text = self._pending + self._decoder.decode(data)
            unfinished = _UNFINISHED_ESCAPE.search(text)
            self._pending = text[unfinished.start() :] if unfinished else ""
            self._replay(text[: unfinished.start()] if unfinished else text)
        self.changed.set()

    def _replay(self, text: str) -> None:
        position = 0
        for escape in _ESCAPE.finditer(text):
            self._print(text[position : escape.start()])
            if escape.group("final") in ("H", "f"):
                self._move_cursor(escape.group("params"))
            elif escape.group("final") == "J" and escape.group("params") == "2":
                self._grid = [[" "] * self.cols for _ in range(self.rows)]
            elif (escape.group("params"), escape.group("final")) == _FRAME_END:
                self._shown = ([list(row) for row in self._grid], (self._row, self._col))
            position = escape.end()
        self._print(text[position:])

    def _move_cursor(self, params: str) -> None:
        parts = [int(part) if part.isdigit() else 1 for part in params.split(";")] + [1, 1]
        self._row = min(max(parts[0], 1), self.rows) - 1
        self._col = min(max(parts[1], 1), self.cols) - 1

    def _print(self, text: str) -> None:
        for character in text:
            if character == "\n":
                self._row = min(self._row + 1, self.rows - 1)
            elif character == "\r":
                self._col = 0
            elif character >= " ":
                width = get_character_cell_size(character)
                if width == 0 or self._col >= self.cols:
                    continue
                self._grid[self._row][self._col] = character
                if width == 2 and self._col + 1 < self.cols:
                    self._grid[self._row][self._col + 1] = ""
                self._col += width

    @property
    def cursor(self) -> tuple[int, int]:
        """Where the kiosk last put the cursor: Textual parks it in the focused text box."""
        with self._lock:
            return (self._row, self._col) if self._shown is None else self._shown[1]

    def lines(self) -> list[str]:
        """The screen as text, one string per row."""
        with self._lock:
            grid = self._grid if self._shown is None else self._shown[0]
            return ["".join(row) for row in grid]

    def text(self) -> str:
        """The whole screen as text."""
        return "\n".join(self.lines())

    def find(self, needle: str) -> tuple[int, int] | None:
        """The (row, column) where `needle` starts on screen, top-left first, or None."""
        return self._first(re.compile(re.escape(needle)))

    def find_button(self, label: str) -> tuple[int, int] | None:
        """Where a button's `label` sits between its side borders (not the same words in text)."""
        return self._first(re.compile(rf"▊ *({re.escape(label)}) *▎"))

    def _first(self, pattern: re.Pattern[str]) -> tuple[int, int] | None:
        for row_number, line in enumerate(self.lines()):
            found = pattern.search(line)
            if found is not None:
                start = found.start(found.lastindex or 0)
                # A wide character is one string position but two cells.
                return row_number, cell_len(line[:start])
        return None
