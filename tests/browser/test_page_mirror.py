"""What the page's screen-reader mirror says of a screen (kiosk/page_mirror.py), without a
browser: the title, the question the patient is on with its options, and every message."""

from __future__ import annotations

import json

import pytest

from kiosk.page_channel import (
    MAX_PAGE_MESSAGE_BYTES,
    PAGE_CHANNEL_OSC,
    PageMessageRefused,
    page_message,
)
from kiosk.page_mirror import mirror_body, mirror_parts
from kiosk.screens.step_words import PartKind, StepPart, StepWords

TITLE = StepPart(PartKind.TITLE, "Your health history")
INTRO = StepPart(PartKind.TEXT, "Please answer each question.")
FIRST = StepPart(PartKind.QUESTION, "High blood pressure?", question=2)
FIRST_NO = StepPart(PartKind.OPTION, "No", chosen=True, question=2)
SECOND = StepPart(PartKind.QUESTION, "Heart disease?", focused=True, question=4)
SECOND_YES = StepPart(PartKind.OPTION, "Yes", question=4)
SECOND_NO = StepPart(PartKind.OPTION, "No", question=4)
MISSING = StepPart(PartKind.MESSAGE, "To go on: please answer every question (1 left).")
HISTORY = StepWords(
    "history", (TITLE, INTRO, FIRST, FIRST_NO, SECOND, SECOND_YES, SECOND_NO, MISSING)
)


def test_the_mirror_says_the_title_the_current_question_with_its_options_and_the_messages() -> None:
    assert mirror_parts(HISTORY) == [TITLE, SECOND, SECOND_YES, SECOND_NO, MISSING]


def test_a_box_holding_a_pasted_book_still_fits_the_page_channel_once_cut() -> None:
    book = StepPart(PartKind.FIELD, "Dose", focused=True, value="x" * MAX_PAGE_MESSAGE_BYTES)
    whole = mirror_body("medications", "en", [TITLE, book])
    with pytest.raises(PageMessageRefused):
        page_message("step_words", whole)

    sequence = page_message("step_words", mirror_body("medications", "en", [TITLE, book], 200))
    cut = json.loads(sequence.removeprefix(f"\x1b]{PAGE_CHANNEL_OSC};").removesuffix("\x07"))
    parts = cut["body"]["parts"]
    assert [part["words"] for part in parts] == ["Your health history", "Dose"]
    assert parts[1]["value"] == "x" * 200 + "…" and parts[1]["focused"] is True
