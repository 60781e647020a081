"""Snapshots of the patient screens, one test per screen and state (as in posting's
tests/test_snapshots.py), so the first picture that changes does not hide the others.

Every screen is pinned at 80x24 and 120x40 in English and Spanish, in high contrast and in
larger text; a few screens also in the states a patient meets there (the keypad ready for a
date, the end after a declined consent). The four AI-drafted languages (Chinese, Vietnamese,
Korean, Tagalog), at a clinic that turns drafts on, are pinned on the welcome screen with all
six languages named in their own scripts and on the consent, its text wrapped inside its border
(a Chinese or Korean character takes two cells) and, ticked and signed in the patient's own
script, at its end. Deterministic: fixed clocks, no cursor blink, fixed example answers, a fresh
kiosk for each picture. Regenerate after a deliberate change with
`pytest tests/screens/test_snapshots.py --snapshot-update` and review the SVG diff."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytest_textual_snapshot import SVGImageExtension
from syrupy.assertion import SnapshotAssertion
from textual.containers import VerticalScroll
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
from tests.screens.conftest import (
    CALM,
    CHEAP_SLOTS,
    CLINIC_NOW,
    FakeClock,
    click,
    kiosk_offering_drafts,
    tab_to,
    type_text,
)


@dataclass(frozen=True)
class Look:
    """How the kiosk is set up before the picture: language, terminal size, display choices."""

    language: str
    size: tuple[int, int]
    high_contrast: bool = False
    larger_text: bool = False
    #: The clinic turns draft languages on: the welcome screen offers all six.
    drafts_on: bool = False

    def __str__(self) -> str:
        width, height = self.size
        chosen = (
            ("-high-contrast" if self.high_contrast else "")
            + ("-larger-text" if self.larger_text else "")
            + ("-drafts-on" if self.drafts_on else "")
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
SIZES = ((80, 24), (120, 40))
#: The four AI-drafted languages at both sizes, at a clinic that turns drafts on.
NEW_LANGUAGES = tuple(
    Look(language, size, drafts_on=True)
    for language in ("zh-Hans", "vi", "ko", "tl")
    for size in SIZES
)
#: A patient's name in each new language's own script, as they would sign it.
NAMES = {
    "zh-Hans": "王小明",
    "vi": "Nguyễn Thị Minh Khai",
    "ko": "김민준",
    "tl": "Maria Dela Cruz",
}

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
    if look.drafts_on:
        kiosk = kiosk_offering_drafts(tmp_path / "kiosk")
    else:
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


async def consent_signed(app: KioskApp, pilot: Pilot[None]) -> None:
    """The consent's end, every statement ticked and the name signed in the patient's script."""
    session = app.session
    assert session is not None
    name = NAMES[app.language]
    session.identity = example_identity(legal_name=name)
    await app.show_step("consent")
    await pilot.pause()
    for acknowledgement in app.config.consent.acknowledgements:
        await click(pilot, f"#ack-{acknowledgement.id}")
    await click(pilot, "#signature")
    await type_text(pilot, name)
    app.screen.query_one("#step-body", VerticalScroll).scroll_end(animate=False, immediate=True)


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


@pytest.mark.parametrize("look", NEW_LANGUAGES, ids=str)
@pytest.mark.parametrize("screen", ("welcome", "consent"))
async def test_new_language_screen(
    snapshot: SnapshotAssertion, tmp_path: Path, screen: str, look: Look
) -> None:
    assert await picture(tmp_path, look, SCREENS[screen]) == as_svg(snapshot)


@pytest.mark.parametrize("look", NEW_LANGUAGES, ids=str)
async def test_consent_ticked_and_signed_in_the_patients_own_script(
    snapshot: SnapshotAssertion, tmp_path: Path, look: Look
) -> None:
    assert await picture(tmp_path, look, consent_signed) == as_svg(snapshot)


@pytest.mark.parametrize("look", [Look("en", size, drafts_on=True) for size in SIZES], ids=str)
async def test_welcome_offering_all_six_languages(
    snapshot: SnapshotAssertion, tmp_path: Path, look: Look
) -> None:
    assert await picture(tmp_path, look, welcome) == as_svg(snapshot)
