"""A language nobody has reviewed clinically is a draft: the welcome screen offers it only where
the clinic's configuration turns drafts on, or once the clinic records a review of exactly its
text. Every language is named in its own script, and six of them fit an 80x24 terminal."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button, Static

from kiosk.app import KioskApp
from kiosk.desk.facade import Kiosk
from kiosk.intake.config import default_config
from kiosk.intake.languages import text_sha256
from kiosk.locale import LANGUAGES
from tests.screens.conftest import (
    CALM,
    CHEAP_SLOTS,
    CLINIC_NOW,
    FakeClock,
    click,
    kiosk_offering_drafts,
    ready,
)

SIX = ["English", "Español", "中文(简体)", "Tiếng Việt", "한국어", "Tagalog"]


def offered(app: KioskApp) -> list[str]:
    return [str(button.label) for button in app.welcome.query("#languages Button")]


def app_for(kiosk: Kiosk) -> KioskApp:
    return KioskApp(kiosk, timeouts=CALM, clock=FakeClock(), wall_clock=lambda: CLINIC_NOW)


async def test_a_draft_language_is_hidden_until_the_clinic_turns_drafts_on(
    app: KioskApp, tmp_path: Path
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        assert offered(app) == ["English", "Español"]
        assert not app.welcome.query("#language-vi")

    drafts = kiosk_offering_drafts(tmp_path / "drafts")
    try:
        app = app_for(drafts)
        async with app.run_test(size=(80, 24)) as pilot:
            await ready(app, pilot)
            assert offered(app) == SIX
            # In each language all six buttons are whole on an 80x24 terminal, the staff line
            # still below them.
            for language in LANGUAGES:
                await click(pilot, f"#language-{language}")
                shown = [
                    *app.welcome.query("#languages Button"),
                    app.welcome.query_one("#staff-hint"),
                ]
                for widget in shown:
                    assert app.screen.region.contains_region(widget.region), (language, widget.id)
            await click(pilot, "#language-zh-Hans")
            greeting = str(app.welcome.query_one("#welcome-text", Static).render())
            assert greeting == "欢迎。请在这里为您的预约办理登记。"
            assert str(app.welcome.query_one("#check-in", Button).label) == "办理登记"
            await app.steps_built()
    finally:
        drafts.close()


async def test_a_language_the_clinic_has_reviewed_is_offered_with_drafts_left_off(
    tmp_path: Path,
) -> None:
    data = tmp_path / "kiosk"
    Kiosk.init(data, demo=True, keyslot_cost=CHEAP_SLOTS).close()
    digest = text_sha256("tl", default_config())
    with (data / "clinic.toml").open("a", encoding="utf-8") as clinic:
        clinic.write(
            "\n[languages.reviews.tl]\n"
            'reviewed_by = "Maria Santos, certified medical interpreter (Tagalog)"\n'
            f'reviewed_on = 2027-02-01\ntext_sha256 = "{digest}"\n'
        )
    kiosk = Kiosk.open(data)
    try:
        app = app_for(kiosk)
        async with app.run_test(size=(80, 24)) as pilot:
            await ready(app, pilot)
            assert offered(app) == ["English", "Español", "Tagalog"]
            await app.steps_built()
    finally:
        kiosk.close()
