"""Hostile text: what a patient types or pastes is kept exactly or refused with a reason, and is
always drawn inertly: no escape sequence, control or bidi character reaches the terminal, and
no other cell of the screen changes because of it, even for a 100 KB paste."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

from rich.cells import cell_len
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, Static

from kiosk.app import KioskApp
from kiosk.intake.checkin_session import CheckInSession
from kiosk.intake.records import MigraineHistory
from kiosk.locale import translate
from kiosk.screens.migraine import MigraineScreen
from tests.screens.conftest import ready, screen_lines

SIZE = (120, 40)
HOSTILE = [
    "\x1b[2J\x1b[31mred\x1b]0;title\x07",  # clear screen, colour, set the window title
    "\x1bP+q\x1b\\",  # a device control string
    "abc\u202edcba\u2066x\u2069",  # right-to-left override and isolates
    "over\x08\x08\x7f\x00end\x0b\x0c",  # backspaces, DEL, NUL, vertical tab, form feed
    "x" * 100_000,  # a 100 KB paste
]
MARKUP = "[bold red]not markup[/] [@click=app.quit]quit[/]"  # markup and an action link
KEPT_EXACTLY = "Zalgo Z\u0335\u0321a\u0336l\u0337g\u0338o, 😀👩\u200d⚕️, 中文, عربى"


def assert_inert(lines: list[str]) -> None:
    for line in lines:
        assert cell_len(line) == SIZE[0]
        for char in line:
            assert unicodedata.category(char) not in ("Cc", "Cf") or char == "\u200d", repr(char)


async def paste(pilot: Pilot[None], box: Input, text: str) -> None:
    box.focus()
    box.value = ""
    await pilot.pause()
    box.post_message(events.Paste(text))
    await pilot.pause()


async def test_hostile_pastes_are_refused_drawn_inertly_and_change_no_other_cell(
    app: KioskApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        app.session = CheckInSession("en", datetime.now(UTC))
        await app.show_step("migraine")
        await pilot.pause()
        screen = app.screen
        box = screen.query_one("#preventives_tried", Input)
        box.focus()
        await pilot.pause()
        before = screen_lines(app)
        above = box.region.y  # every line above the box must stay as it was
        assert above > 3
        for text in HOSTILE:
            await paste(pilot, box, text)
            assert box.value == text.splitlines()[0]  # the box keeps what was pasted...
            problem = str(screen.query_one("#preventives_tried-problem", Static).render())
            assert problem, f"no message for {text[:20]!r}"  # ...and says why it cannot stay
            lines = screen_lines(app)
            assert len(lines) == SIZE[1]
            assert_inert(lines)
            # The scrollbar thumb may shrink (a message line appeared); every other cell stays.
            assert [line[:-4] for line in lines[:above]] == [line[:-4] for line in before[:above]]
            assert app.is_running


async def test_emoji_combining_marks_and_other_scripts_are_stored_exactly(app: KioskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        app.session = CheckInSession("en", datetime.now(UTC))
        await app.show_step("migraine")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MigraineScreen)
        await paste(pilot, screen.query_one("#preventives_tried", Input), MARKUP)
        assert any(MARKUP in line for line in screen_lines(app)), "markup must show as typed"
        assert app.is_running
        await paste(pilot, screen.query_one("#preventives_tried", Input), KEPT_EXACTLY)
        assert str(screen.query_one("#preventives_tried-problem", Static).render()) == ""
        assert_inert(screen_lines(app))
        for field_id, value in (
            ("headache_days_per_month", "4"),
            ("migraine_days_per_month", "2"),
            ("typical_pain", "5"),
            ("midas_item1", "0"),
            ("midas_item2", "0"),
            ("midas_item3", "0"),
            ("midas_item4", "0"),
            ("midas_item5", "0"),
            ("midas_headache_days_3_months", "9"),
            ("midas_average_pain", "5"),
        ):
            screen.query_one(f"#{field_id}", Input).value = value
        screen.questions.answers.update({"aura": "no", "earlier_ketamine": "no"})
        migraine = screen.collect()
        assert isinstance(migraine, MigraineHistory)
        assert migraine.preventives_tried == KEPT_EXACTLY


def test_the_too_long_message_names_the_limit_not_the_text() -> None:
    message = translate("text.too_long", "en", max=1000)
    assert "1000" in message and "x" not in message.replace("text", "")
