"""Drug-name suggestions help and never decide: a patient who types a name and presses Enter
keeps what they typed and goes on to the dose; a suggestion is taken only when the patient picks
it (Down onto it, then Enter, or a tap); every suggestion shows its whole name.

Each story is typed key by key on the medications step, and the medication sealed in the draft
at Next is read back with the nurse's key.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, OptionList

from kiosk.app import KioskApp
from kiosk.desk.facade import Kiosk
from kiosk.intake.checkin_session import CheckInSession
from kiosk.intake.drugs import drug_names, suggest
from kiosk.intake.records import Draft, RecordKind
from kiosk.screens.medications import SUGGESTIONS
from tests.screens.conftest import ready, screen_lines, sealed, tab_to, type_text


def offered(typed: str) -> list[str]:
    """The names the bundled list offers under the box for what was typed (never itself)."""
    return [name for name in suggest(typed, SUGGESTIONS) if name.casefold() != typed.casefold()]


async def on_medications(app: KioskApp, pilot: Pilot[None], language: str = "en") -> None:
    await ready(app, pilot)
    if language != "en":
        app.language = language
        app.prepare_steps(language)
        await app.steps_built()
    app.session = CheckInSession(language, datetime.now(UTC))
    await app.show_step("medications")
    await pilot.pause()
    assert app.focused is not None and app.focused.id == "med_name"


async def add_and_go_on(app: KioskApp, pilot: Pilot[None]) -> None:
    """Add the medication in the form, say "no allergies" and press Next."""
    await tab_to(pilot, "add-medication")
    await pilot.press("enter")
    await go_on(app, pilot)


async def go_on(app: KioskApp, pilot: Pilot[None]) -> None:
    """Say "no allergies" and press Next: the draft is sealed."""
    await tab_to(pilot, "no-allergies")
    await pilot.press("space")
    await tab_to(pilot, "next")
    await pilot.press("enter")
    await app.seals_settled()
    await pilot.pause()
    assert app.screen.name == "history"


def sealed_medications(kiosk: Kiosk) -> list[tuple[str, str, str]]:
    """Name, dose and how often of each medication in the sealed draft."""
    [draft] = sealed(kiosk, RecordKind.DRAFT)
    assert isinstance(draft, Draft) and draft.medications is not None
    return [(m.name, m.dose, m.frequency) for m in draft.medications.medications]


async def test_a_patient_who_types_aspirin_then_enter_gets_the_dose_box_and_aspirin_recorded(
    app: KioskApp, kiosk: Kiosk
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await on_medications(app, pilot)
        await type_text(pilot, "aspirin")
        shown = app.screen.query_one("#suggestion-0", Button)
        assert shown.display and str(shown.label) == offered("aspirin")[0]  # offered, not taken
        await pilot.press("enter")
        assert app.focused is not None and app.focused.id == "med_dose"
        await type_text(pilot, "81 mg")
        await pilot.press("enter")
        assert app.focused is not None and app.focused.id == "med_frequency"
        await type_text(pilot, "once a day")
        await tab_to(pilot, "add-medication")
        await pilot.press("enter")
        await pilot.pause()
        rows = app.screen.query_one("#medication-list", OptionList)
        assert "aspirin \u00b7 81 mg \u00b7 once a day" in str(rows.get_option_at_index(0).prompt)
        await go_on(app, pilot)
    assert sealed_medications(kiosk) == [("aspirin", "81 mg", "once a day")]


async def test_a_suggestion_is_taken_when_the_patient_moves_down_onto_it_and_presses_enter(
    app: KioskApp, kiosk: Kiosk
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await on_medications(app, pilot)
        await type_text(pilot, "aspirin")
        await pilot.press("down")
        await pilot.pause()
        picked = app.screen.query_one("#suggestion-0", Button)
        assert picked.has_class("-picked")  # drawn in the focus colours
        assert app.focused is not None and app.focused.id == "med_name"  # typing still goes there
        await pilot.press("enter")
        await pilot.pause()
        picked_name = offered("aspirin")[0]
        assert app.screen.query_one("#med_name").value == picked_name  # type: ignore[attr-defined]
        assert app.focused is not None and app.focused.id == "med_dose"
        await type_text(pilot, "1 tablet")
        await pilot.press("enter")
        await type_text(pilot, "when needed")
        await add_and_go_on(app, pilot)
    assert sealed_medications(kiosk) == [(picked_name, "1 tablet", "when needed")]


async def test_moving_up_off_a_suggestion_keeps_the_name_as_typed(app: KioskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await on_medications(app, pilot)
        await type_text(pilot, "aspirin")
        await pilot.press("down", "up", "enter")
        await pilot.pause()
        assert app.screen.query_one("#med_name").value == "aspirin"  # type: ignore[attr-defined]
        assert not app.screen.query_one("#suggestion-0", Button).has_class("-picked")
        assert app.focused is not None and app.focused.id == "med_dose"


async def test_a_tapped_suggestion_is_taken_and_the_dose_box_is_next(app: KioskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await on_medications(app, pilot)
        await type_text(pilot, "acet")
        await pilot.click("#suggestion-1")
        await pilot.pause()
        tapped = offered("acet")[1]
        assert app.screen.query_one("#med_name").value == tapped  # type: ignore[attr-defined]
        assert app.focused is not None and app.focused.id == "med_dose"


async def test_each_suggestion_shows_its_whole_name_on_a_small_screen(app: KioskApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await on_medications(app, pilot)
        await type_text(pilot, "acet")  # "ac" offered shorter names in the same buttons
        await pilot.pause()
        assert any(len(b) > len(a) for a, b in zip(offered("ac"), offered("acet"), strict=True))
        for index, name in enumerate(offered("acet")):
            button = app.screen.query_one(f"#suggestion-{index}", Button)
            button.scroll_visible(animate=False, immediate=True)
            await pilot.pause()
            seen = "\n".join(screen_lines(app))
            assert name in seen, f"{name!r} is cut:\n{seen}"


#: Every name on the list that is a product of several drugs ("hydrocodone acetaminophen").
COMBINATIONS = frozenset(name.text for name in drug_names() if len(name.parts) > 1)


@pytest.mark.parametrize(
    ("language", "plain"), [("en", "acetaminophen"), ("es", "acetaminofén")], ids=["en", "es"]
)
async def test_typing_acet_offers_plain_acetaminophen_before_the_opioid_combinations(
    app: KioskApp, language: str, plain: str
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await on_medications(app, pilot, language)
        await type_text(pilot, "acet")
        await pilot.pause()
        shown = [str(button.label) for button in app.screen.query(".suggestion.-shown")]
        assert shown[0] == plain, shown
        kinds = [name in COMBINATIONS for name in shown]
        assert kinds == sorted(kinds), f"a combination is offered before a plain drug: {shown}"
