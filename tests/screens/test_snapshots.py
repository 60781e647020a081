"""Snapshots of every patient screen at 80x24 and 120x40, in English and Spanish, and in the
high-contrast theme. Deterministic: fixed clocks, no cursor blink, fixed example answers.
Regenerate after a deliberate change with `pytest tests/screens/test_snapshots.py
--snapshot-update` and review the SVG diff."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_textual_snapshot import SVGImageExtension
from syrupy.assertion import SnapshotAssertion
from textual.pilot import Pilot

from kiosk.app import KioskApp
from kiosk.desk.facade import Kiosk
from kiosk.intake.checkin_session import CheckInSession
from kiosk.intake.records import Phq9
from kiosk.screens.still_there import StillThereScreen
from kiosk.themes import HIGH_CONTRAST_THEME
from tests.examples import (
    example_checklist,
    example_consent,
    example_history,
    example_identity,
    example_medications,
    example_migraine,
)
from tests.screens.conftest import CALM, CHEAP_SLOTS, CLINIC_NOW, FakeClock

SCREENS = (
    "welcome",
    "identity",
    "medications",
    "history",
    "migraine",
    "mood",
    "checklist",
    "consent",
    "review",
    "done",
    "still_there",
)
# English at both sizes, Spanish at both sizes, high contrast at the small size.
VARIANTS = (
    ("en", (80, 24), False),
    ("en", (120, 40), False),
    ("es", (80, 24), False),
    ("es", (120, 40), False),
    ("en", (80, 24), True),
)


def example_session(language: str) -> CheckInSession:
    session = CheckInSession(language, CLINIC_NOW, patient_id="p-snapshot")
    session.identity = example_identity()
    session.medications = example_medications()
    session.history = example_history()
    session.migraine = example_migraine()
    session.phq9 = Phq9((1, 0, 2, 1, 0, 0, 1, 0, 0))
    session.checklist = example_checklist()
    session.consent = example_consent()
    return session


async def show(pilot: Pilot[None], screen: str, language: str) -> None:
    """Put one screen up the way a patient would find it."""
    app = pilot.app
    assert isinstance(app, KioskApp)
    while len(app.screen_stack) > 2:
        app.pop_screen()
    if screen == "welcome":
        await app.switch_screen("welcome")
    elif screen == "done":
        app.done.show(language, declined=False)
        await app.switch_screen("done")
    elif screen == "still_there":
        await app.show_step("identity")
        await app.push_screen(StillThereScreen(language, 17))
    else:
        await app.show_step(screen)
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


@pytest.mark.parametrize(
    "language, size, contrast",
    VARIANTS,
    ids=[f"{lang}-{w}x{h}{'-high-contrast' if hc else ''}" for lang, (w, h), hc in VARIANTS],
)
async def test_every_screen_looks_as_approved(
    snapshot: SnapshotAssertion,
    tmp_path: Path,
    language: str,
    size: tuple[int, int],
    contrast: bool,
) -> None:
    svg_snapshot = snapshot.use_extension(SVGImageExtension)
    kiosk = Kiosk.init(tmp_path / "kiosk", demo=True, keyslot_cost=CHEAP_SLOTS)
    app = KioskApp(kiosk, timeouts=CALM, clock=FakeClock(), wall_clock=lambda: CLINIC_NOW)
    try:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            if contrast:
                app.theme = HIGH_CONTRAST_THEME
            app.language = language
            app.welcome.show(language, False, contrast)
            app.prepare_steps(language)
            await app.steps_built()
            app.session = example_session(language)
            for screen in SCREENS:
                await show(pilot, screen, language)
                image = app.export_screenshot(title="kiosk")
                assert image == svg_snapshot(name=screen), f"{screen} changed"
    finally:
        kiosk.close()
