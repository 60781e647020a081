"""Wide characters drawn right at 80x24: a Chinese or Korean character takes two terminal cells,
and Chinese has no spaces to wrap at. Every question wraps to all its words, every answer box
closes around its label, every consent statement shows all its words, in every language."""

from __future__ import annotations

from rich.cells import cell_len

from kiosk.app import KioskApp
from kiosk.intake.checkin_session import CheckInSession
from kiosk.intake.questions import HEALTH_HISTORY
from kiosk.locale import LANGUAGES, translate
from kiosk.widgets.tick_box import TickBox
from tests.screens.conftest import CLINIC_NOW, ready, screen_lines


def cells_of(line: str, marks: str) -> list[int]:
    """The cell columns where any of `marks` is drawn in a line."""
    return [cell_len(line[:index]) for index, char in enumerate(line) if char in marks]


async def on_step(app: KioskApp, language: str, step: str) -> None:
    await app.switch_screen("welcome")
    app.language = language
    app.prepare_steps(language)
    await app.steps_built()
    app.session = CheckInSession(language, CLINIC_NOW)
    await app.show_step(step)


async def test_each_question_wraps_whole_and_each_answer_box_closes_in_every_language(
    drafts_app: KioskApp,
) -> None:
    app = drafts_app
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        for language in LANGUAGES:
            await on_step(app, language, "history")
            await pilot.pause()
            lines = screen_lines(app)
            # Every row of answer boxes wholly on screen (the list scrolls under the buttons).
            boxes = [
                i
                for i, line in enumerate(lines[:-2])
                if "\u250c" in line and "\u2514" in lines[i + 2]
            ]
            assert len(boxes) >= 2, language
            for top in boxes:
                corners = cells_of(lines[top], "\u250c\u2510")
                assert cells_of(lines[top + 1], "\u2502") == corners, (language, lines[top + 1])
                assert cells_of(lines[top + 2], "\u2514\u2518") == corners, language
            # The second question (heart disease) is long: every character of it is on screen.
            question = translate(HEALTH_HISTORY.question("heart_disease").text_key, language)
            drawn = "".join(line.strip(" \u2588\u25b6") for line in lines)
            assert "".join(question.split()) in "".join(drawn.split()), language


async def test_every_consent_statement_shows_all_its_words_in_every_language(
    drafts_app: KioskApp,
) -> None:
    app = drafts_app
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        for language in LANGUAGES:
            await on_step(app, language, "consent")
            await pilot.pause()
            for box in app.screen.query(TickBox):
                lines = box.render().get_height(box.styles, box.content_size.width)
                # A Chinese statement is one run of characters: cut, it showed nothing at all.
                assert box.content_size.height >= lines >= 1, (language, box.id)
