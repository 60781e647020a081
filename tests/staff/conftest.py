"""Fixtures for the staff side: a demo kiosk on tmp_path with cheap keyslots, and a host App.

The host App stands in for the patient App: one patient screen with a half-typed answer, and
F12 opening the staff unlock, so the staff screens are tested the way the kiosk shows them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Static

from kiosk.desk.facade import Kiosk
from kiosk.intake.records import Answer, CheckIn, Phq9
from kiosk.messages import ResumeDraftRequested, ShiftLocked
from kiosk.screens.staff_unlock import StaffUnlockScreen
from kiosk.vault import Argon2Cost
from tests.examples import (
    example_checkin,
    example_consent,
    example_draft,
    example_history,
    example_identity,
)

#: Argon2id at its floor: the unlock logic is the same, the tests just do not wait for it.
CHEAP_SLOTS = Argon2Cost(memory_kib=64, iterations=1, lanes=1)
NURSE, NURSE_PIN = "N100", "246810"
IT, IT_PIN = "IT1", "135790"
HALF_TYPED = "answer the patient was typing"


def make_kiosk(data_dir: Path) -> Kiosk:
    return Kiosk.init(data_dir, demo=True, keyslot_cost=CHEAP_SLOTS)


@pytest.fixture
def kiosk(tmp_path: Path) -> Iterator[Kiosk]:
    opened = make_kiosk(tmp_path / "kiosk")
    yield opened
    opened.close()


def checkin_for(name: str, patient_id: str, **overrides: Any) -> CheckIn:
    """The example check-in for another (fictional) patient, consent signed in their name."""
    return example_checkin(
        patient_id=patient_id,
        identity=example_identity(legal_name=name),
        consent=example_consent(typed_name=name),
        **overrides,
    )


def seed_today(kiosk: Kiosk) -> dict[str, str]:
    """Three patients: one plain, one urgent (PHQ-9 item 9), one interrupted; returns their ids."""
    desk = kiosk.patient_desk()
    plain = desk.submit_checkin(checkin_for("Pat Plain", "p-plain"))
    urgent = desk.submit_checkin(
        checkin_for(
            "Uma Urgent",
            "p-urgent",
            phq9=Phq9((1, 1, 1, 1, 1, 1, 1, 1, 2)),
            history=example_history(heart_disease=Answer.YES),
        )
    )
    draft = desk.save_draft(
        example_draft(patient_id="p-draft", identity=example_identity(legal_name="Dee Draft"))
    )
    return {"plain": plain.record_id, "urgent": urgent.record_id, "draft": draft}


class PatientStandIn(Screen[None]):
    """A patient screen with something typed in it, to see it survive the staff visit."""

    def compose(self) -> ComposeResult:
        yield Static("Patient check-in")
        yield Input(HALF_TYPED, id="patient-answer")


class StaffHostApp(App[None]):
    """The patient App as the staff side sees it: a patient screen and the staff key (F12)."""

    BINDINGS = [Binding("f12", "staff", "Staff", priority=True)]

    def __init__(self, kiosk: Kiosk) -> None:
        super().__init__()
        self.kiosk = kiosk
        self.locks: list[tuple[str, str]] = []
        self.resumed: list[tuple[str, str]] = []

    def on_mount(self) -> None:
        self.push_screen(PatientStandIn())

    def action_staff(self) -> None:
        self.push_screen(StaffUnlockScreen(self.kiosk))

    def on_shift_locked(self, message: ShiftLocked) -> None:
        self.locks.append((message.staff_id, message.reason))

    def on_resume_draft_requested(self, message: ResumeDraftRequested) -> None:
        # Only ids: the test host must not keep the draft itself reachable.
        self.resumed.append((message.record_id, message.draft.step))


async def tap(pilot: Pilot[None], selector: str) -> None:
    """Scroll a widget into view, as a nurse scrolls to it, then tap it."""
    pilot.app.screen.query_one(selector).scroll_visible(animate=False)
    await pilot.pause()
    await pilot.click(selector)
    await pilot.pause()
