"""What the staff screens look like, pinned as SVG snapshots, one test per screen and state in
each theme (standard and high contrast), so the first changed picture does not hide the rest.
Data is fixed (fictional patients, frozen clocks, stand-in kiosk ids) so the pictures change
only when the screens do. Update with `pytest --snapshot-update` and review the SVG diff."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, cast

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input

from kiosk.desk.facade import Kiosk
from kiosk.desk.staff_session import StaffSession
from kiosk.desk.staff_shift import StaffShift
from kiosk.intake.config import ClinicConfig, default_config
from kiosk.intake.records import Answer, Phq9, PregnancyTest, RecordKind, Severity
from kiosk.intake.rules import screen_checkin
from kiosk.screens.it_console import ITConsoleScreen
from kiosk.screens.nurse_checkin import NurseCheckInScreen, OpenedCheckIn
from kiosk.screens.nurse_queue import NurseQueueScreen
from kiosk.screens.nurse_signoff import NurseSignOffScreen
from kiosk.screens.nurse_vitals import NurseVitalsScreen
from kiosk.screens.staff_unlock import StaffUnlockScreen
from kiosk.store.nurse_table import CheckInSummary
from kiosk.store.rows import StaffRow
from kiosk.themes import HIGH_CONTRAST_THEME, KIOSK_THEMES, STANDARD_THEME
from kiosk.vault import Argon2Cost, PinProtection
from tests.examples import example_checkin, example_history, example_vitals
from tests.staff.conftest import NURSE

ARRIVED = datetime(2025, 3, 14, 14, 0, tzinfo=UTC)


def summary(n: int, name: str, highest: Severity | None, urgent: bool, done: bool) -> Any:
    return CheckInSummary(
        record_id=f"record-{n}",
        kind=RecordKind.CHECKIN if n != 4 else RecordKind.DRAFT,
        arrived_at=ARRIVED.replace(minute=5 * n),
        patient_id=f"p-{n}",
        name=name,
        preferred_name=None,
        date_of_birth=date(1980 + n, 1 + n, 1 + n),
        highest=highest,
        urgent=urgent,
        flag_codes=(),
        step="migraine" if n == 4 else None,
        consent_declined=False,
        vitals_done=done,
        vitals_record_id=None,
        vitals_highest=None,
    )


SUMMARIES = [
    summary(1, "Uma Urgent", Severity.STOP, True, False),
    summary(2, "Stan Stop", Severity.STOP, False, False),
    summary(3, "Cara Caution", Severity.CAUTION, False, True),
    summary(4, "Dee Draft", Severity.INFO, False, False),
    summary(5, "Pat Plain", None, False, True),
]


class FakeSession:
    staff_id, role = "N100", "nurse"

    def todays_summaries(self) -> list[Any]:
        return list(SUMMARIES)

    def lock(self) -> None:
        pass


@dataclass
class FakeStore:
    """Just what the IT console reads, with fixed values."""

    staff: list[StaffRow] = field(default_factory=list)

    def counts_by_state(self) -> dict[str, int]:
        return {"draft": 0, "queued": 12, "sending": 0, "acked": 30, "quarantined": 0}

    def get_setting(self, _key: str) -> None:
        return None

    def records(self) -> list[object]:
        return []

    def list_staff(self) -> list[StaffRow]:
        return self.staff

    def append_audit(self, *_args: object) -> None:
        pass


@dataclass
class FakeKiosk:
    config: ClinicConfig = field(default_factory=default_config)
    kiosk_id: str = "kiosk-0123456789abcdef"
    store: FakeStore = field(default_factory=FakeStore)

    def device_fingerprint(self) -> str:
        return "a1b2 c3d4 e5f6 0718 293a 4b5c 6d7e 8f90"

    def clinic_fingerprint(self) -> None:
        return None

    def pin_protection(self) -> PinProtection:
        return PinProtection(Argon2Cost(256 * 1024, 2, 4), 0.61, tpm_tcti=None)


def fake_shift(role: str = "nurse") -> StaffShift:
    session = FakeSession()
    session.role = role
    session.staff_id = "IT1" if role == "it" else "N100"
    kiosk = FakeKiosk()
    kiosk.store.staff = [
        StaffRow("IT1", "Demo IT", "it", b"", ARRIVED, 0, None, 0),
        StaffRow("N100", "Demo Nurse", "nurse", b"", ARRIVED, 0, None, 0),
    ]
    return StaffShift(
        cast(Kiosk, kiosk), cast(StaffSession, session), idle_seconds=120, clock=lambda: 0.0
    )


class ScreenHost(App[None]):
    def __init__(self, make: Callable[[], Screen[None]], theme: str) -> None:
        super().__init__()
        self._make = make
        for kiosk_theme in KIOSK_THEMES:
            self.register_theme(kiosk_theme)
        self.theme = theme

    def on_mount(self) -> None:
        self.push_screen(self._make())


def opened_urgent() -> OpenedCheckIn:
    checkin = example_checkin(
        phq9=Phq9((1, 1, 1, 1, 1, 1, 1, 1, 2)), history=example_history(heart_disease=Answer.YES)
    )
    return OpenedCheckIn("record-1", checkin, screen_checkin(checkin, default_config()), None)


async def no_blink(pilot: Pilot[None]) -> None:
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await pilot.pause()


async def typed_vitals(pilot: Pilot[None]) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, NurseVitalsScreen)
    for measure, value in (("systolic", "182"), ("diastolic", "95"), ("heart_rate", "251")):
        screen.query_one(f"#vital-{measure}", Input).value = value
        screen.check(measure)
    await no_blink(pilot)


#: Each staff screen in one state, by a name a nurse or IT would use for it.
STATES: dict[str, tuple[Callable[[], Screen[None]], Callable[[Pilot[None]], Any]]] = {
    "staff_unlock": (lambda: StaffUnlockScreen(cast(Kiosk, FakeKiosk())), no_blink),
    "nurse_queue": (lambda: NurseQueueScreen(fake_shift()), no_blink),
    "urgent_checkin": (lambda: NurseCheckInScreen(fake_shift(), opened_urgent()), no_blink),
    "vitals_out_of_range": (lambda: NurseVitalsScreen(fake_shift(), "record-1"), typed_vitals),
    "signoff": (
        lambda: NurseSignOffScreen(
            fake_shift(),
            example_vitals(
                nurse_id="N100", systolic_mmhg=182, pregnancy_test=PregnancyTest.NEGATIVE
            ),
            None,
            opened_urgent().grounds(),
        ),
        no_blink,
    ),
    "it_console": (lambda: ITConsoleScreen(fake_shift("it")), no_blink),
}
THEMES = pytest.mark.parametrize("theme", [STANDARD_THEME, HIGH_CONTRAST_THEME])
SIZE = (110, 36)


@THEMES
@pytest.mark.parametrize("state", STATES)
def test_staff_screen(snap_compare: Any, state: str, theme: str) -> None:
    make, before = STATES[state]
    assert snap_compare(ScreenHost(make, theme), terminal_size=SIZE, run_before=before)


@THEMES
def test_staff_unlock_after_a_wrong_pin(snap_compare: Any, kiosk: Kiosk, theme: str) -> None:
    """A real demo kiosk checks the PIN: the one-line refusal, the PIN box emptied."""

    async def wrong_pin(pilot: Pilot[None]) -> None:
        await pilot.press(*NURSE, "enter", *"000000", "enter")
        await no_blink(pilot)

    host = ScreenHost(lambda: StaffUnlockScreen(kiosk), theme)
    assert snap_compare(host, terminal_size=SIZE, run_before=wrong_pin)
