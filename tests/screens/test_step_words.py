"""What a screen says (kiosk/screens/step_words.py) is what it draws, for every patient screen.

Each screen is put up on a terminal tall enough that nothing scrolls, and the letters and digits
drawn in each widget's cells (the keypad's keys aside) must be, in order, the letters and digits
of the screen's parts: nothing drawn is left out and nothing hidden is said.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget

from kiosk.app import KioskApp
from kiosk.desk.facade import Kiosk
from kiosk.screens.step_words import PartKind, StepPart, StepWords, step_words
from kiosk.screens.still_there import StillThereScreen
from kiosk.widgets.keypad import Keypad
from tests.screens.conftest import (
    CALM,
    CHEAP_SLOTS,
    CLINIC_NOW,
    FakeClock,
    click,
    tab_to,
    type_text,
)
from tests.screens.test_snapshots import SCREENS, PutUp, example_session

#: Tall enough that no step scrolls, wide enough that the nav line's message does not wrap.
TALL = (160, 420)


def letters(text: str) -> str:
    """Only the letters and digits, so borders, marks and wrapping do not count."""
    return "".join(char for char in text if char.isalnum())


def as_drawn(part: StepPart) -> str:
    """The characters a part puts on the screen (a ticked box shows [X] before its words)."""
    if part.kind is PartKind.TICK_BOX:
        return ("X" if part.chosen else "") + part.words
    if part.kind is PartKind.FIELD:
        return part.words + (part.value or part.hint)
    return part.words


def drawn_widgets(node: Widget | Screen[object]) -> list[Widget]:
    """The widgets that draw words, in the order they are drawn: every displayed, visible widget
    with nothing inside it (containers draw no words), the keypad aside."""
    found: list[Widget] = []
    for child in node.displayed_children:
        if not child.visible or isinstance(child, Keypad):
            continue
        found += drawn_widgets(child) if child.displayed_children else [child]
    return found


def drawn_letters(app: KioskApp) -> str:
    """The letters and digits drawn on screen, widget by widget (so boxes side by side whose
    words wrap are not read across), each widget's cells row by row."""
    strips = app.screen._compositor.render_strips()  # what the terminal shows (cells)
    drawn = []
    for widget in drawn_widgets(app.screen):
        region = widget.region
        for y in range(region.y, region.bottom):
            drawn.append(strips[y].crop(region.x, region.right).text)
    return letters("".join(drawn))


async def put_up(tmp_path: Path, language: str, show: PutUp) -> tuple[StepWords, str]:
    kiosk = Kiosk.init(tmp_path / "kiosk", demo=True, keyslot_cost=CHEAP_SLOTS)
    app = KioskApp(kiosk, timeouts=CALM, clock=FakeClock(), wall_clock=lambda: CLINIC_NOW)
    try:
        async with app.run_test(size=TALL) as pilot:
            await pilot.pause()
            app.language = language
            app.welcome.show(language, False, False)
            app.prepare_steps(language)
            await app.steps_built()
            app.session = example_session(language)
            await show(app, pilot)
            await pilot.pause()
            await pilot.wait_for_scheduled_animations()
            await pilot.pause()
            return step_words(app.screen), drawn_letters(app)
    finally:
        kiosk.close()


#: Every screen in English; in Spanish, those with the most words of their own.
CASES = [(screen, "en") for screen in SCREENS] + [
    (screen, "es") for screen in ("welcome", "history", "consent", "review")
]


@pytest.mark.parametrize("screen, language", CASES)
async def test_what_a_screen_says_is_what_it_draws(
    tmp_path: Path, screen: str, language: str
) -> None:
    words, drawn = await put_up(tmp_path, language, SCREENS[screen])
    assert words.parts, f"{screen} says nothing"
    said = letters("".join(as_drawn(part) for part in words.parts))
    assert said == drawn


async def test_the_consent_says_its_whole_text_scrolled_out_of_sight_or_not(
    app: KioskApp, kiosk: Kiosk
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.steps_built()
        app.session = example_session("en")
        await app.show_step("consent")
        await pilot.pause()
        texts = [part.words for part in step_words(app.screen).opening()]
        assert kiosk.config.consent.text["en"] in texts
        # The signature box has the focus: hearing "the question again" says its label.
        [label] = [p.words for p in step_words(app.screen).current() if p.kind is PartKind.FIELD]
        assert label == app.screen.query_one("#signature").border_title


async def test_the_current_question_follows_the_patients_keys(app: KioskApp) -> None:
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        await app.steps_built()
        app.session = example_session("es")
        app.language = "es"
        app.prepare_steps("es")
        await app.steps_built()
        await app.show_step("history")
        await pilot.pause()
        first = step_words(app.screen).current()
        await pilot.press("down", "space")
        await pilot.pause()
        second = step_words(app.screen).current()
    assert [p.kind for p in first] == [PartKind.QUESTION] + [PartKind.OPTION] * 3
    assert first[0].words != second[0].words
    assert [p.words for p in second[1:]] == ["Sí", "No", "No lo sé"]
    assert [p.chosen for p in second[1:]] == [True, False, False]


async def test_a_box_says_what_was_typed_in_it_as_drawn_and_marks_it_the_patients(
    app: KioskApp,
) -> None:
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        await app.steps_built()
        await click(pilot, "#check-in")
        await app.steps_built()
        await pilot.pause()
        await tab_to(pilot, "legal_name")
        await type_text(pilot, "Dana")
        app.screen.query_one("#legal_name").post_message(events.Paste("\x1b[31m"))
        await pilot.pause()
        [box] = step_words(app.screen).current()
        await tab_to(pilot, "preferred_name")
        [next_box] = step_words(app.screen).current()
    assert box.kind is PartKind.FIELD and box.focused and box.patient_words
    assert box.value == "Dana\u241b[31m"  # the escape drawn as its picture, never obeyed
    assert next_box.value == "" and not next_box.patient_words


async def test_the_question_still_there_says_its_countdown(app: KioskApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.steps_built()
        await app.push_screen(StillThereScreen("en", 17))
        await pilot.pause()
        words = step_words(app.screen)
    assert any("17" in part.words for part in words.parts if part.kind is PartKind.MESSAGE)


async def _on_review(app: KioskApp, _pilot: Pilot[None]) -> None:
    await app.show_step("review")


async def test_review_marks_the_patients_answers_as_theirs(tmp_path: Path) -> None:
    words, _ = await put_up(tmp_path, "en", _on_review)
    theirs = [part.words for part in words.parts if part.patient_words]
    assert any("Dana" in words for words in theirs)
    assert not any(part.patient_words for part in words.parts if part.kind is PartKind.TITLE)
