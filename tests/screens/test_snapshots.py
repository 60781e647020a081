"""Snapshots of the patient screens, one test per screen and state (as in posting's
tests/test_snapshots.py), so the first picture that changes does not hide the others.

Every screen is pinned at 80x24 and 120x40 in English and Spanish, in high contrast and in
larger text; a few screens also in the states a patient meets there (the keypad ready for a
date, the end after a declined consent). Deterministic: fixed clocks, no cursor blink, fixed
example answers, a fresh kiosk for each picture. Regenerate after a deliberate change with
`pytest tests/screens/test_snapshots.py --snapshot-update` and review the SVG diff."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
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
from tests.screens.conftest import CALM, CHEAP_SLOTS, CLINIC_NOW, FakeClock, click, tab_to


@dataclass(frozen=True)
class Look:
    """How the kiosk is set up before the picture: language, terminal size, display choices."""

    language: str
    size: tuple[int, int]
    high_contrast: bool = False
    larger_text: bool = False

    def __str__(self) -> str:
        width, height = self.size
        chosen = ("-high-contrast" if self.high_contrast else "") + (
            "-larger-text" if self.larger_text else ""
        )
        return f"{self.language}-{width}x{height}{chosen}"


ENGLISH, SPANISH = Look("en", (80, 24)), Look("es", (80, 24))
LOOKS = (
    ENGLISH,
    Look("en", (120, 40)),
    SPANISH,
    Look("es", (120, 40)),
    Look("en", (80, 24), high_contrast=True),
    Look("en", (80, 24), larger_text=True),
)

#: Puts one screen up on the App, the way a patient would find it.
PutUp = Callable[[KioskApp, Pilot[None]], Awaitable[None]]


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


async def picture(tmp_path: Path, look: Look, put_up: PutUp) -> str:
    """The kiosk's screen as an SVG, after a patient with the example answers set up `look`
    on the welcome screen and `put_up` brought the screen to show."""
    kiosk = Kiosk.init(tmp_path / "kiosk", demo=True, keyslot_cost=CHEAP_SLOTS)
    app = KioskApp(kiosk, timeouts=CALM, clock=FakeClock(), wall_clock=lambda: CLINIC_NOW)
    try:
        async with app.run_test(size=look.size) as pilot:
            await pilot.pause()
            if look.high_contrast:
                app.theme = HIGH_CONTRAST_THEME
            app.language = look.language
            app.welcome.show(look.language, False, look.high_contrast)
            if look.larger_text:
                await click(pilot, "#larger-text")
            app.prepare_steps(look.language)
            await app.steps_built()
            app.session = example_session(look.language)
            await put_up(app, pilot)
            await pilot.pause()
            await pilot.wait_for_scheduled_animations()
            await pilot.pause()
            return app.export_screenshot(title="kiosk")
    finally:
        kiosk.close()


def step(name: str) -> PutUp:
    async def put_up(app: KioskApp, _pilot: Pilot[None]) -> None:
        await app.show_step(name)

    return put_up


async def welcome(app: KioskApp, _pilot: Pilot[None]) -> None:
    await app.switch_screen("welcome")


def done(declined: bool) -> PutUp:
    async def put_up(app: KioskApp, _pilot: Pilot[None]) -> None:
        app.done.show(app.language, declined=declined)
        await app.switch_screen("done")

    return put_up


async def still_there(app: KioskApp, _pilot: Pilot[None]) -> None:
    """The "Are you still there?" question over About you, 17 seconds before the wipe."""
    await app.show_step("identity")
    await app.push_screen(StillThereScreen(app.language, 17))


async def keypad_ready(app: KioskApp, pilot: Pilot[None]) -> None:
    """About you with the date of birth box in use: the keypad types (elsewhere it is grey)."""
    await app.show_step("identity")
    await pilot.pause()
    await tab_to(pilot, "date_of_birth")


SCREENS: dict[str, PutUp] = {
    "welcome": welcome,
    **{
        name: step(name)
        for name in (
            "identity",
            "medications",
            "history",
            "migraine",
            "mood",
            "checklist",
            "consent",
            "review",
        )
    },
    "done": done(declined=False),
    "still_there": still_there,
}


def as_svg(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(SVGImageExtension)


@pytest.mark.parametrize("look", LOOKS, ids=str)
@pytest.mark.parametrize("screen", SCREENS)
async def test_patient_screen(
    snapshot: SnapshotAssertion, tmp_path: Path, screen: str, look: Look
) -> None:
    assert await picture(tmp_path, look, SCREENS[screen]) == as_svg(snapshot)


@pytest.mark.parametrize("look", (ENGLISH, SPANISH), ids=str)
async def test_about_you_with_the_keypad_ready_for_the_date_of_birth(
    snapshot: SnapshotAssertion, tmp_path: Path, look: Look
) -> None:
    assert await picture(tmp_path, look, keypad_ready) == as_svg(snapshot)


@pytest.mark.parametrize("look", (ENGLISH, SPANISH), ids=str)
async def test_done_after_the_consent_was_declined(
    snapshot: SnapshotAssertion, tmp_path: Path, look: Look
) -> None:
    assert await picture(tmp_path, look, done(declined=True)) == as_svg(snapshot)
