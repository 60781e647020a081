"""Closing the terminal stops `make demo` in order: the draft sealed, the store closed, the
clinic server stopped. Run as a person runs it: the real `python -m kiosk.cli.demo` on a real
pseudo-terminal, keys typed into it, then the terminal closed (or systemd's SIGTERM sent)."""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import httpx
import pytest

from kiosk.desk.facade import Kiosk
from kiosk.intake.records import Draft
from kiosk.locale import translate
from kiosk.vault import Argon2Cost
from sync.client.pins import ENROLMENT_SETTING
from sync.wire import PATH_HEALTH
from tests.browser.terminal_screen import TerminalScreen

CHEAP_SLOTS = Argon2Cost(memory_kib=64, iterations=1, lanes=1)
LEGAL_NAME = "Dana Example"
#: Longest wait for the kiosk to draw, seal, or stop; each is over in a second or two.
WAIT_S = 60
#: What a step shows while Next cannot be pressed yet ("To go on: ...").
GO_ON = translate("screens.nav.why_disabled_untouched", "en").split("{", 1)[0].strip()
COLUMNS, ROWS = 100, 40
#: Textual asks whether the terminal can draw a frame at once (DEC mode 2026); "it can" is the
#: answer of a terminal that supports it (mode set or reset: 2, reset).
SYNC_QUESTION, SYNC_ANSWER = b"\x1b[?2026$p", b"\x1b[?2026;2$y"


class DemoAtTerminal:
    """`make demo` running on a pseudo-terminal whose other end the test holds, read all the
    time (as a terminal emulator does: a terminal nobody reads would stall the kiosk)."""

    def __init__(self, process: subprocess.Popen[bytes], terminal: int, data: Path) -> None:
        self.process = process
        self.terminal = terminal  # the end a terminal emulator (tmux, xterm) holds
        self.data = data
        self.screen = TerminalScreen(COLUMNS, ROWS)
        self._changed = threading.Condition()
        self._closing = threading.Event()
        self._reader = threading.Thread(target=self._read_terminal, daemon=True)
        self._reader.start()

    def _read_terminal(self) -> None:
        while not self._closing.is_set():
            ready, _, _ = select.select([self.terminal], [], [], 0.1)
            try:
                chunk = os.read(self.terminal, 65536) if ready else b""
            except OSError:  # EIO: the kiosk's end is closed, it has gone
                return
            if SYNC_QUESTION in chunk:  # answered as tmux or xterm does: frames come whole
                os.write(self.terminal, SYNC_ANSWER)
            if chunk:
                with self._changed:
                    self.screen.feed(chunk)
                    self._changed.notify_all()

    def wait_until(self, what: str, shown: Callable[[], bool]) -> None:
        with self._changed:
            assert self._changed.wait_for(shown, WAIT_S), (
                f"{what}; the screen:\n{self.screen.text()}"
            )

    def wait_to_see(self, words: str) -> None:
        """Wait until the kiosk has drawn `words` on the terminal."""
        self.wait_until(f"never saw {words!r}", lambda: self.screen.find(words) is not None)

    def type(self, keys: str) -> None:
        os.write(self.terminal, keys.encode())

    def line_with_cursor(self) -> str:
        """The row the kiosk parked the cursor on: the focused text box's."""
        return self.screen.lines()[self.screen.cursor[0]]

    def answer(self, words: str, then_enter: bool = True) -> None:
        """Type into the box with the focus (where Textual parks the cursor), see the words
        there, and (Enter) wait for the focus to move on, as a person watching the screen does."""
        self.type(words)
        self.wait_until(
            f"{words!r} never showed in the box with the focus",
            lambda: words in self.line_with_cursor(),
        )
        if then_enter:
            row, _ = self.screen.cursor
            self.type("\r")
            # Why both: the cursor's row can change before the focus does (a frame that parks
            # it again where the box is drawn); keys typed then landed in the box just left.
            self.wait_until(
                "Enter did not move on",
                lambda: self.screen.cursor[0] != row and words not in self.line_with_cursor(),
            )

    def tap(self, label: str) -> None:
        """Tap a button (a mouse press and release on its label)."""
        where = self.screen.find_button(label)
        assert where is not None, f"no {label!r} button on:\n{self.screen.text()}"
        cell = f"{where[1] + 1};{where[0] + 1}"
        self.type(f"\x1b[<0;{cell}M\x1b[<0;{cell}m")

    def poll(self, what: str, done: Callable[[], bool]) -> None:
        """Wait for something outside the screen (the database, the processes) to be true."""
        deadline = time.monotonic() + WAIT_S
        while not done():
            assert time.monotonic() < deadline, what
            with self._changed:
                self._changed.wait(0.1)  # woken early by whatever the kiosk draws

    def drafts(self) -> int:
        return int(self._query("SELECT count(*) FROM records WHERE kind = 'draft'"))

    def enrolled_server_url(self) -> str:
        query = f"SELECT value FROM settings WHERE key = '{ENROLMENT_SETTING}'"
        return str(json.loads(self._query(query))["server_url"])

    def _query(self, query: str) -> object:
        with closing(sqlite3.connect(f"file:{self.data / 'kiosk.db'}?mode=ro", uri=True)) as db:
            return db.execute(query).fetchone()[0]

    def server_pids(self) -> list[int]:
        """The demo's children: its clinic server (a killed one, until reaped, among them)."""
        return [  # every thread's: the demo starts its server again from another thread
            int(child)
            for thread in Path(f"/proc/{self.process.pid}/task").iterdir()
            for child in (thread / "children").read_text().split()
        ]

    def clinic_server_pid(self) -> int:
        (server,) = self.server_pids()
        assert b"sync.server.cli" in Path(f"/proc/{server}/cmdline").read_bytes()
        return server

    def close_terminal(self) -> None:
        """What tmux does at kill-session: its end of the terminal is closed."""
        if not self._closing.is_set():
            self._closing.set()
            self._reader.join()
            os.close(self.terminal)


def as_controlling_terminal() -> None:
    """The terminal is the kiosk's own (as in a tmux pane): closing it sends a hang-up."""
    os.setsid()
    os.close(os.open(os.ttyname(0), os.O_RDWR))  # opening it makes it the controlling terminal


def without_controlling_terminal() -> None:
    """The terminal is only the kiosk's input and output: closing it sends no signal at all,
    as for a kiosk that is not in the terminal's foreground or that a shell started with
    SIGHUP ignored; reads then end (end of file) and writes fail (EIO)."""
    os.setsid()
    signal.signal(signal.SIGHUP, signal.SIG_IGN)


@pytest.fixture
def start_demo(tmp_path: Path) -> Iterator[Callable[[Callable[[], None]], DemoAtTerminal]]:
    started: list[DemoAtTerminal] = []

    def start(setup: Callable[[], None]) -> DemoAtTerminal:
        data = tmp_path / "demo-data" / "kiosk"
        if not data.exists():  # a second start (after a kill) finds the kiosk as it was left
            Kiosk.init(data, demo=True, keyslot_cost=CHEAP_SLOTS).close()  # the demo keeps it
        terminal, kiosk_end = pty.openpty()
        os.set_blocking(terminal, True)
        process = subprocess.Popen(
            [sys.executable, "-m", "kiosk.cli.demo"],
            cwd=tmp_path,
            stdin=kiosk_end,
            stdout=kiosk_end,
            stderr=kiosk_end,
            env={
                **os.environ,
                "TERM": "xterm-256color",
                "COLUMNS": str(COLUMNS),
                "LINES": str(ROWS),
            },
            preexec_fn=setup,
        )
        os.close(kiosk_end)
        demo = DemoAtTerminal(process, terminal, data)
        started.append(demo)
        return demo

    yield start
    for demo in started:
        if demo.process.poll() is None:  # a failed test: leave no demo and no server behind
            servers = demo.server_pids()
            demo.process.kill()
            demo.process.wait()
            for server in servers:
                os.kill(server, signal.SIGKILL)
        demo.close_terminal()


def check_in_part_way(demo: DemoAtTerminal) -> None:
    """A patient fills "About you" (its draft is sealed) and starts typing a medication."""
    demo.wait_to_see("Check in")
    demo.type("\r")  # "Check in" has the focus
    demo.wait_to_see("Full legal name")
    for answer in (LEGAL_NAME, "Dana", "07/02/1984", "555-010-2030", "Sam Example"):
        demo.answer(answer)
    demo.answer("555-010-4050", then_enter=False)
    # Why wait: Next is enabled in a frame after the one showing the last answer typed (the
    # step checks its answers when it hears of the change), and a tap on it before does nothing.
    demo.wait_until("the step never let the patient go on", lambda: demo.screen.find(GO_ON) is None)
    demo.tap("Next")
    demo.poll("the first step's draft was never sealed", lambda: demo.drafts() == 1)
    demo.wait_to_see("Medications and allergies")
    demo.answer("lamotri", then_enter=False)


def close_the_terminal(demo: DemoAtTerminal) -> None:
    demo.close_terminal()


def systemd_stops_it(demo: DemoAtTerminal) -> None:
    demo.process.send_signal(signal.SIGTERM)


@pytest.mark.parametrize(
    ("setup", "goes_away"),
    [
        (as_controlling_terminal, close_the_terminal),
        (without_controlling_terminal, close_the_terminal),
        (as_controlling_terminal, systemd_stops_it),
    ],
    ids=["terminal closed", "terminal closed, no hang-up signal", "SIGTERM"],
)
def test_the_demo_stops_in_order_when_its_terminal_goes(
    start_demo: Callable[[Callable[[], None]], DemoAtTerminal],
    setup: Callable[[], None],
    goes_away: Callable[[DemoAtTerminal], None],
) -> None:
    demo = start_demo(setup)
    check_in_part_way(demo)
    server = demo.clinic_server_pid()

    goes_away(demo)
    try:
        assert demo.process.wait(timeout=WAIT_S) == 0
    except subprocess.TimeoutExpired:
        pytest.fail("the kiosk ran on after its terminal went")

    assert not Path(f"/proc/{server}").exists(), "the demo's clinic server was left behind"
    assert not (demo.data / "kiosk.db-wal").exists(), "the store was not closed"
    kiosk = Kiosk.open(demo.data)
    try:
        drafts = kiosk.store.records(kind="draft")
        assert len(drafts) == 2  # the step's own, and the one sealed on the way out
        nurse = kiosk.unlock("N100", "246810")
        newest = nurse.open_record(drafts[-1].record_id)
        assert isinstance(newest, Draft) and newest.step == "medications"
        assert newest.identity is not None and newest.identity.legal_name == LEGAL_NAME
        assert drafts[-1].supersedes == drafts[0].record_id
    finally:
        kiosk.close()


def server_answers(demo: DemoAtTerminal) -> Callable[[], bool]:
    def answers() -> bool:
        try:
            return httpx.get(demo.enrolled_server_url() + PATH_HEALTH).status_code == 200
        except httpx.TransportError:
            return False

    return answers


def test_a_clinic_server_killed_under_the_demo_is_reaped_and_started_again(
    start_demo: Callable[[Callable[[], None]], DemoAtTerminal],
) -> None:
    demo = start_demo(as_controlling_terminal)
    demo.wait_to_see("Check in")
    killed = demo.clinic_server_pid()

    os.kill(killed, signal.SIGKILL)
    demo.poll(
        "the killed server stayed <defunct> under the demo, or was not started again",
        lambda: demo.server_pids() not in ([], [killed]),
    )
    assert not Path(f"/proc/{killed}").exists()  # reaped
    demo.poll("the server never answered again where the kiosk syncs to", server_answers(demo))
    log = (demo.data.parent / "clinic-server" / "server.log").read_text()
    assert "the clinic server ended (exit status -9); starting it again" in log
