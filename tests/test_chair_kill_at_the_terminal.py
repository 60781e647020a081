"""The terminal kiosk killed mid-infusion, as a power cut or `kill -9` would: the nurse at the
chair had saved vitals and was typing the next entry. The kiosk started again on the same data
folder shows the chair as it was: the saved vitals in its log, the pump running, the next
vitals due 15 minutes after the saved ones. Driven as the nurse drives it: the real
`python -m kiosk.cli.demo` on a pseudo-terminal, keys typed into it (tests/test_chair_kill.py
kills a process writing through the chair's desk again and again; this one kills the Textual
kiosk itself)."""

from __future__ import annotations

import os
import re
import signal
from collections.abc import Callable

from tests.test_closing_the_terminal import (
    DemoAtTerminal,
    as_controlling_terminal,
    start_demo,  # noqa: F401 (the fixture)
)

F12, F2, DOWN, TAB, ENTER = "\x1b[24~", "\x1bOQ", "\x1b[B", "\t", "\r"
HOME, END = "\x1b[H", "\x1b[F"
SAVED_VITALS = "Vitals: 121/77 mmHg, HR 71"


def to_kens_chair(demo: DemoAtTerminal) -> None:
    """F12, the nurse's id and PIN, F2 for the chairs, then Ken's chair (the demo seats Rosa,
    her vitals overdue, on top and Ken below)."""
    demo.wait_to_see("Check in")
    demo.type(F12)
    demo.wait_to_see("Staff sign-in")
    # As a nurse types, looking at the screen: each box seen holding what was typed, and the
    # cursor seen in the next box before typing on (keys typed on before the focus has moved
    # land in the box it is leaving).
    demo.answer("N100", then_enter=False)
    label = demo.screen.find("PIN")
    assert label is not None
    demo.type(TAB)
    demo.wait_until("Tab never reached the PIN box", lambda: demo.screen.cursor[0] == label[0] + 2)
    demo.type("246810")
    demo.wait_until("the PIN never showed", lambda: "\u2022" * 6 in demo.line_with_cursor())
    demo.type(ENTER)
    demo.wait_to_see("Chairs (F2)")
    demo.type(F2)
    demo.wait_to_see("Patients in a chair: 2")
    demo.type(HOME + DOWN + ENTER)  # all three keys to the board's table, which keeps the focus
    demo.wait_to_see("Chair: Ken")


def choose_first(demo: DemoAtTerminal, first: str, other: str) -> None:
    """Open the choice with the focus (Enter), see its options, take the first, see the list
    closed (`other` option gone), and move on (Tab)."""
    demo.type(ENTER)
    demo.wait_to_see(other)
    demo.type(DOWN + ENTER)  # both to the open list
    demo.wait_until(f"{first!r} was never chosen", lambda: demo.screen.find(other) is None)
    assert demo.screen.find(first) is not None
    demo.type(TAB)


def test_the_kiosk_killed_at_the_chair_reopens_it_with_every_saved_entry(
    start_demo: Callable[[Callable[[], None]], DemoAtTerminal],  # noqa: F811
) -> None:
    demo = start_demo(as_controlling_terminal)
    to_kens_chair(demo)
    demo.type("v")
    demo.wait_to_see("Vitals in the chair: Ken")
    for reading in ("121", "77", "71", "98"):
        demo.answer(reading)
    demo.answer("14", then_enter=False)
    demo.type(TAB)
    choose_first(demo, "5: responds readily", "4: lethargic")
    choose_first(demo, "none", "moderate")
    demo.wait_until("the time box never had the focus", lambda: "now" in demo.line_with_cursor())
    demo.type(ENTER)  # saves, the time left at "now"
    demo.wait_to_see("due in 14:")
    demo.type(END)  # the log, below the chair's state
    demo.wait_to_see(SAVED_VITALS)
    # The next entry half typed when the kiosk dies.
    demo.type("v")
    demo.wait_to_see("Vitals in the chair: Ken")
    demo.answer("150", then_enter=False)

    servers = demo.server_pids()
    demo.process.send_signal(signal.SIGKILL)
    demo.process.wait()
    for server in servers:  # a killed demo leaves its clinic server: the power cut takes it too
        os.kill(server, signal.SIGKILL)
    demo.close_terminal()

    again = start_demo(as_controlling_terminal)
    to_kens_chair(again)
    again.wait_to_see("Pump: running")
    due = re.search(r"Next vitals: due in (\d+):\d\d", again.screen.text())
    assert due is not None and int(due.group(1)) <= 14, again.screen.text()  # from the saved
    again.type(END)
    again.wait_to_see(SAVED_VITALS)
    assert "150/" not in again.screen.text()  # the entry being typed was never saved
