"""`make demo` seats two patients in chairs, so the board shows something after F12: one whose
infusion runs, one in recovery with her vitals overdue; a second start of the demo seats no one
more."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from kiosk.cli.demo_chairs import seed_demo_chairs
from kiosk.desk.chair_desk import ChairDesk
from kiosk.desk.facade import Kiosk
from kiosk.intake.chair.log import InfusionStatus
from kiosk.vault import Argon2Cost


def test_the_demo_seats_one_running_infusion_and_one_patient_in_recovery(tmp_path: Path) -> None:
    kiosk = Kiosk.init(tmp_path / "kiosk", demo=True, keyslot_cost=Argon2Cost(64, 1, 1))
    now = datetime.now(UTC)

    assert seed_demo_chairs(kiosk, now) is True
    assert seed_demo_chairs(kiosk, now) is False

    board = ChairDesk(kiosk.unlock("N100", "246810")).board(now)
    seated = {row.patient.name: row.state for row in board}
    assert list(seated) == ["Rosa", "Ken"]  # her overdue vitals first
    assert seated["Ken"].course.status is InfusionStatus.RUNNING
    assert seated["Rosa"].minutes_in_recovery == 32
    assert seated["Rosa"].vitals_overdue_by is not None
    kiosk.close()
