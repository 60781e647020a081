"""The kiosk's messages to its page (kiosk/page_channel.py), without a browser: what
goes into the terminal stream, and that a kiosk in a real terminal sends nothing."""

from __future__ import annotations

import json
import re

import pytest
from page_message_app import GREETING, PageMessageApp
from textual.widgets import Label

from kiosk.page_channel import (
    MAX_PAGE_MESSAGE_BYTES,
    PAGE_CHANNEL_OSC,
    PageMessageRefused,
    page_message,
)

_ONE_MESSAGE = re.compile(rf"\x1b\]{PAGE_CHANNEL_OSC};([ -~]*)\x07")


def test_a_message_is_one_escape_sequence_whatever_its_words_hold() -> None:
    sequence = page_message("greeting", {"words": GREETING, "number": 17})

    found = _ONE_MESSAGE.fullmatch(sequence)
    assert found is not None, f"not one printable OSC sequence: {sequence!r}"
    # The words' own escape characters and BELs are inside the JSON as \u escapes, so the
    # terminal sees no sequence of theirs and the page gets them back exactly.
    assert json.loads(found.group(1)) == {
        "kind": "greeting",
        "body": {"words": GREETING, "number": 17},
    }


def test_too_large_a_message_or_a_malformed_kind_is_refused_by_name() -> None:
    with pytest.raises(PageMessageRefused, match="over the 65536-byte limit"):
        page_message("step", {"words": "x" * MAX_PAGE_MESSAGE_BYTES})
    for kind in ("", "Step", "step\x1b", "a" * 40, "step;1"):
        with pytest.raises(PageMessageRefused, match="lower_case words"):
            page_message(kind, {})


async def test_a_kiosk_in_a_terminal_sends_its_page_nothing() -> None:
    app = PageMessageApp()
    async with app.run_test() as pilot:
        await pilot.click("#hello")
        await pilot.pause()
        assert str(app.query_one("#sent", Label).content) == "Messages sent: 0 greeting"
