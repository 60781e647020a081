"""Reading the review as the walk met it: with Submit focused (where the review opens) the
arrow and page keys read a long review to its end and back, Tab still moves the focus; and each
medication reads on review as the patient's own list showed it ("aspirin · 81 mg · daily · as
needed"), in every language, never under the name box's label."""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from kiosk.app import KioskApp
from kiosk.intake.records import Medication
from kiosk.locale import LANGUAGES, translate
from tests.screens.conftest import screen_lines, tab_to, type_text
from tests.screens.test_patient_polish import at_step
from tests.screens.test_snapshots import example_session

#: A patient with a long list: more rows than a 100x32 terminal shows at once.
LONG_LIST = tuple(
    Medication(f"medicine {number}", f"{number} mg", "once a day") for number in range(1, 31)
)


async def press_until(pilot: Pilot[None], key: str, seen: str, presses: int = 300) -> int:
    """Press `key` until `seen` is on the screen; how many presses it took."""
    for pressed in range(presses + 1):
        if any(seen in line for line in screen_lines(pilot.app)):  # type: ignore[arg-type]
            return pressed
        await pilot.press(key)
        await pilot.pause()
    raise AssertionError(f"{key} never brought {seen!r} into view")


@pytest.mark.parametrize("key", ["down", "pagedown"])
async def test_a_long_review_reads_to_its_end_and_back_by_keys_while_submit_has_the_focus(
    app: KioskApp, key: str
) -> None:
    async with app.run_test(size=(100, 32)) as pilot:
        await at_step(app, pilot, "en", "identity")
        session = example_session("en")
        assert session.medications is not None
        session.medications = replace(session.medications, medications=LONG_LIST)
        app.session = session
        await app.show_step("review")
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "next"
        assert session.consent is not None
        signature = f"{translate('screens.consent.signature', 'en')}: {session.consent.typed_name}"

        assert not any(signature in line for line in screen_lines(app))
        await press_until(pilot, key, "medicine 30 · 30 mg · once a day")
        await press_until(pilot, key, signature)
        assert app.focused is not None and app.focused.id == "next"  # the keys only read
        await press_until(pilot, "up" if key == "down" else "pageup", "Please check everything")

        await pilot.press("tab")
        assert app.focused is not None and app.focused.id != "next"


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_medication_reads_on_review_as_the_patients_own_list_shows_it(
    drafts_app: KioskApp, language: str
) -> None:
    app = drafts_app
    async with app.run_test(size=(120, 40)) as pilot:
        await at_step(app, pilot, language, "medications")
        for typed in ("aspirin", "81 mg"):
            await type_text(pilot, typed)
            await pilot.press("enter")
        await type_text(pilot, "daily")
        await tab_to(pilot, "as-needed")
        await pilot.press("space")
        await tab_to(pilot, "add-medication")
        await pilot.press("enter")
        await pilot.pause()
        rows = app.screen.query_one("#medication-list", OptionList)
        listed = str(rows.get_option_at_index(0).prompt).strip()
        as_needed = translate("screens.medications.as_needed_short", language)
        assert listed == f"aspirin \u00b7 81 mg \u00b7 daily \u00b7 {as_needed}"
        await tab_to(pilot, "no-allergies")
        await pilot.press("space")
        await tab_to(pilot, "next")
        await pilot.press("enter")
        await app.seals_settled()
        await pilot.pause()
        assert app.screen.name == "history"

        await app.show_step("review")
        await pilot.pause()
        answers = str(app.screen.query_one("#answers-medications", Static).render())
        assert answers.splitlines()[0] == listed
