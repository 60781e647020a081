"""Fixtures for the patient screens: a demo kiosk on tmp_path, the App with fake clocks, and
helpers that type and tab the way a person at the kiosk would."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widget import Widget

from kiosk.app import IdleTimeouts, KioskApp
from kiosk.desk.facade import Kiosk
from kiosk.intake.questions import HEALTH_HISTORY
from kiosk.intake.records import (
    CheckIn,
    ConsentDeclined,
    ConsentSignature,
    Draft,
    HealthHistory,
    Identity,
    MedicationList,
    MigraineHistory,
    Phq9,
    RecordKind,
    TodayChecklist,
)
from kiosk.intake.rules import screen_checkin
from kiosk.messages import ResumeDraftRequested
from kiosk.store.nurse_table import CheckInSummary
from kiosk.vault import Argon2Cost
from kiosk.widgets.choice_list import ChoiceList
from kiosk.widgets.keypad import KEYS, Keypad

#: Argon2id at its floor: the unlock is the same, the tests just do not wait for it.
CHEAP_SLOTS = Argon2Cost(memory_kib=64, iterations=1, lanes=1)
NURSE, NURSE_PIN = "N100", "246810"
#: The wall clock the patient sees: 10:30 on a Friday morning in the clinic (New York).
CLINIC_NOW = datetime(2025, 3, 14, 14, 30, tzinfo=UTC)
#: The health history questions shown while every answer is No (the follow-ups stay hidden).
SHOWN_WHEN_ALL_NO = tuple(q.id for q in HEALTH_HISTORY.questions if q.follow_up_of is None)
#: Timeouts long enough never to fire unless a test moves the fake clock.
CALM = IdleTimeouts(idle_seconds=90, warning_seconds=30, done_seconds=10)


class FakeClock:
    """A monotonic clock that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def kiosk(tmp_path: Path) -> Iterator[Kiosk]:
    opened = Kiosk.init(tmp_path / "kiosk", demo=True, keyslot_cost=CHEAP_SLOTS)
    yield opened
    opened.close()


def kiosk_offering_drafts(data_dir: Path) -> Kiosk:
    """A demo kiosk whose clinic turns draft languages on in its clinic.toml, as IT would."""
    Kiosk.init(data_dir, demo=True, keyslot_cost=CHEAP_SLOTS).close()
    config = data_dir / "clinic.toml"
    text = config.read_text("utf-8")
    assert "show_drafts = false" in text
    config.write_text(text.replace("show_drafts = false", "show_drafts = true"), "utf-8")
    return Kiosk.open(data_dir)


@pytest.fixture
def drafts_kiosk(tmp_path: Path) -> Iterator[Kiosk]:
    opened = kiosk_offering_drafts(tmp_path / "kiosk")
    yield opened
    opened.close()


@pytest.fixture
def drafts_app(drafts_kiosk: Kiosk, clock: FakeClock) -> KioskApp:
    return KioskApp(drafts_kiosk, timeouts=CALM, clock=clock, wall_clock=lambda: CLINIC_NOW)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def app(kiosk: Kiosk, clock: FakeClock) -> KioskApp:
    return KioskApp(kiosk, timeouts=CALM, clock=clock, wall_clock=lambda: CLINIC_NOW)


async def ready(app: KioskApp, pilot: Pilot[None]) -> None:
    """Wait until the welcome screen is up and the first patient's steps are built."""
    await pilot.pause()
    await app.steps_built()
    await pilot.pause()


async def resume_draft(app: KioskApp, pilot: Pilot[None], kiosk: Kiosk, draft: Draft) -> str:
    """Store a draft and have a nurse resume it on this kiosk; its record id."""
    record_id = kiosk.patient_desk().save_draft(draft)
    await ready(app, pilot)
    app.post_message(ResumeDraftRequested(record_id, draft))
    await pilot.pause()
    await app.steps_built()
    await pilot.pause()
    return record_id


async def type_text(pilot: Pilot[None], text: str) -> None:
    """Type like a person: one key per character."""
    await pilot.press(*("space" if char == " " else char for char in text))


async def type_about_you(
    app: KioskApp, pilot: Pilot[None], legal_name: str = "Dana Example", born: str = "07/02/1984"
) -> None:
    """On About you, type each answer and Enter (no preferred name), then Enter on Next, and
    wait until its draft is sealed and Medications is up."""
    for answer in (legal_name, "", born, "555 010 2030", "Sam", "555 010 4050"):
        await type_text(pilot, answer)
        await pilot.press("enter")
    await pilot.press("enter")
    await app.seals_settled()
    await pilot.pause()
    assert app.screen.name == "medications"


async def tab_to(pilot: Pilot[None], widget_id: str, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the widget with this id has the focus."""
    for _ in range(60):
        focused: Widget | None = pilot.app.focused
        if focused is not None and focused.id == widget_id:
            return
        await pilot.press("shift+tab" if backwards else "tab")
    raise AssertionError(f"Tab never reached #{widget_id}")


async def click(pilot: Pilot[None], selector: str) -> None:
    """Tap a widget on the current screen, scrolling it into view first as a finger would."""
    widget = pilot.app.screen.query_one(selector)
    widget.scroll_visible(animate=False, immediate=True)
    await pilot.pause()
    assert await pilot.click(widget), f"could not tap {selector}"
    await pilot.pause()


def sealed(kiosk: Kiosk, kind: RecordKind) -> list[CheckIn | Draft | ConsentDeclined]:
    """Every stored record of a kind still holding its payload (a superseded draft is purged
    when the next one is stored), opened with the nurse's key."""
    session = kiosk.unlock(NURSE, NURSE_PIN)
    rows = [row for row in kiosk.store.records(kind.value) if row.has_payload]
    try:
        opened = [session.open_record(row.record_id) for row in rows]
    finally:
        session.lock()
    return [record for record in opened if isinstance(record, CheckIn | Draft | ConsentDeclined)]


def assert_sealed_checkin(
    kiosk: Kiosk,
    *,
    language: str,
    identity: Identity,
    medications: MedicationList,
    history: HealthHistory,
    migraine: MigraineHistory,
    phq9: Phq9,
    checklist: TodayChecklist,
    typed_name: str,
) -> CheckInSummary:
    """The one sealed check-in, opened with the nurse's key, holds exactly these answers and the
    clinic's consent, every box ticked, signed `typed_name` in this language; the nurse's list
    shows the flags the rules compute for it. Returns the check-in's row on that list."""
    [checkin] = sealed(kiosk, RecordKind.CHECKIN)
    assert isinstance(checkin, CheckIn)
    consent = kiosk.config.consent
    expected = CheckIn(
        patient_id=checkin.patient_id,
        language=language,
        started_at=checkin.started_at,
        submitted_at=checkin.submitted_at,
        identity=identity,
        medications=medications,
        history=history,
        migraine=migraine,
        phq9=phq9,
        checklist=checklist,
        consent=ConsentSignature(
            document_id=consent.document_id,
            version=consent.version,
            language=language,
            text_sha256=consent.text_sha256(language),
            acknowledgements=tuple(a.id for a in consent.acknowledgements),
            typed_name=typed_name,
            signed_at=checkin.consent.signed_at,
            accepted=True,
        ),
    )
    assert checkin == expected

    flags = screen_checkin(expected, kiosk.config)
    nurse = kiosk.unlock(NURSE, NURSE_PIN)
    [row] = [row for row in nurse.todays_summaries() if row.kind is RecordKind.CHECKIN]
    assert row.flag_codes == tuple(flag.code for flag in flags)
    nurse.lock()
    return row


def screen_lines(app: App[None]) -> list[str]:
    """The text of every row the patient (or the nurse) sees now, as drawn."""
    strips: list[Strip] = app.screen._compositor.render_strips()
    return ["".join(segment.text for segment in strip) for strip in strips]


async def tap_keypad(pilot: Pilot[None], keys: str) -> None:
    """Tap keys on the on-screen keypad (it types into the box last tapped)."""
    keypad = pilot.app.screen.query_one(Keypad)
    width = keypad.size.width // len(KEYS)
    for key in keys:
        assert await pilot.click(keypad, offset=(KEYS.index(key) * width + 1, 1))
    await pilot.pause()


async def fill(pilot: Pilot[None], field_id: str, text: str = "", keypad: str = "") -> None:
    """Tap a box, then type on the tablet's keyboard or tap the kiosk keypad."""
    await click(pilot, f"#{field_id}")
    if text:
        await type_text(pilot, text)
    if keypad:
        await tap_keypad(pilot, keypad)


async def tap_choice(pilot: Pilot[None], list_id: str, question_id: str, value: str) -> None:
    """Tap an answer box in a question list, scrolling it into view as a finger would."""
    screen = pilot.app.screen
    choices = screen.query_one(f"#{list_id}", ChoiceList)
    box = choices.box_for(question_id, value)
    if choices.max_scroll_y > 0:
        choices.scroll_to(y=box.y, animate=False, immediate=True)
    else:
        screen.query_one("#step-body").scroll_to(
            y=choices.virtual_region.y + box.y, animate=False, immediate=True
        )
    await pilot.pause()
    x = box.x + 2 - int(choices.scroll_x)
    y = box.y + 1 - int(choices.scroll_y)
    assert await pilot.click(choices, offset=(x, y)), f"could not tap {question_id}={value}"
    await pilot.pause()
    assert choices.answers.get(question_id) == value
