"""What the chair's screens look like, pinned as SVG snapshots in both themes: the board with a
chair overdue and one counting down, and one chair with its order, flags, what the discharge
needs and its log. A real demo kiosk holds the entries (fictional patients); the chair's clock
and the idle clock are frozen so the pictures change only when the screens do. Update with
`pytest --snapshot-update` and review the SVG diff."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.screen import Screen

from kiosk.desk.facade import Kiosk
from kiosk.desk.staff_shift import StaffShift
from kiosk.intake.chair.records import Rate, RateChange, RateUnit, SideEffect, SideEffectAction
from kiosk.screens.chair import ChairScreen
from kiosk.screens.chair_board import ChairBoardScreen
from kiosk.themes import HIGH_CONTRAST_THEME, STANDARD_THEME
from tests.chair_seating import NURSE, NURSE_PIN, cleared_patient
from tests.staff.conftest import make_kiosk
from tests.staff.test_chair_desk import entry, started
from tests.staff.test_staff_snapshots import SIZE, ScreenHost, no_blink

#: The frozen moment the pictures are drawn at (a weekday afternoon in the clinic's zone).
NOW = datetime(2026, 3, 10, 19, 0, tzinfo=UTC)


def seated_shift(data: Path) -> tuple[StaffShift, str]:
    """Two patients in chairs at NOW: Ann's vitals overdue, Bo's due in 11 minutes, with a rate
    change and a side effect; a nurse's shift whose clocks are frozen; Ann's chair id."""
    kiosk: Kiosk = make_kiosk(data)
    ann = cleared_patient(kiosk, "Ann Chair", now=NOW)
    bo = cleared_patient(kiosk, "Bo Chair", now=NOW)
    shift = StaffShift(kiosk, kiosk.unlock(NURSE, NURSE_PIN), idle_seconds=120, clock=lambda: 0.0)
    shift.chairs.clock = lambda: NOW
    desk = shift.chairs
    started(kiosk, desk, ann, NOW - timedelta(minutes=22))
    at = NOW - timedelta(minutes=12)
    rate = Rate(0.6, RateUnit.MG_PER_KG_PER_HOUR)
    desk.write(entry(ann, RateChange, at, rate=rate, reason="Tolerating well"), NOW)
    effect = entry(
        ann,
        SideEffect,
        NOW - timedelta(minutes=9),
        effect_id="nausea",
        detail="",
        action=SideEffectAction.DRUG_GIVEN,
        action_detail="ondansetron 4 mg IV",
        action_at=NOW - timedelta(minutes=8),
    )
    desk.write(effect, NOW)
    started(kiosk, desk, bo, NOW - timedelta(minutes=4))
    return shift, ann.checkin_id


THEMES = pytest.mark.parametrize("theme", [STANDARD_THEME, HIGH_CONTRAST_THEME])
#: Each screen, and the terminal it is drawn on (the chair's tall enough to show its log).
SCREENS: dict[str, tuple[Callable[[StaffShift, str], Screen[None]], tuple[int, int]]] = {
    "board": (lambda shift, _: ChairBoardScreen(shift), SIZE),
    "chair_log": (lambda shift, checkin_id: ChairScreen(shift, checkin_id), (120, 56)),
}


@THEMES
@pytest.mark.parametrize("screen", SCREENS)
def test_chair_screen(snap_compare: Any, tmp_path: Path, screen: str, theme: str) -> None:
    shift, checkin_id = seated_shift(tmp_path / "kiosk")
    make, size = SCREENS[screen]
    assert snap_compare(
        ScreenHost(lambda: make(shift, checkin_id), theme), terminal_size=size, run_before=no_blink
    )
