"""The chair board's rows under a nurse's finger and under other nurses' entries.

The board redraws each second in what-is-due-first order, so a row can move while a nurse looks
at it: another nurse's vitals on the overdue chair send it down the board. A tap on a row opens
that patient's chair at once (a row picked by the first tap could be another patient's by the
second), and the row picked with the arrows stays with its patient when the board sorts again,
so Enter opens the chair the nurse chose.
"""

from __future__ import annotations

from datetime import UTC, datetime

from textual.pilot import Pilot

from kiosk.app import KioskApp
from kiosk.cli.demo_chairs import seed_demo_chairs
from kiosk.desk.chair_desk import ChairDesk
from kiosk.desk.facade import Kiosk
from kiosk.intake.chair.records import ChairVitals
from kiosk.screens.chair import ChairScreen
from kiosk.screens.chair_board import ChairBoardScreen
from tests.chair_examples import vitals_fields
from tests.chair_seating import NURSE, NURSE_PIN
from tests.staff.chair_keys import unlock
from tests.staff.test_chair_screens import board_rows
from tests.waiting import wait_until


async def on_the_board(pilot: Pilot[None]) -> None:
    """F12, the demo nurse's id and PIN, then the board with both demo patients on it."""
    await unlock(pilot)
    await pilot.press("f2")
    await wait_until(
        pilot,
        lambda: isinstance(pilot.app.screen, ChairBoardScreen) and len(board_rows(pilot)) == 2,
        "the board with its two chairs",
    )


def patient_names(pilot: Pilot[None]) -> list[str]:
    return [row[1] for row in board_rows(pilot)]


def opened_chair(pilot: Pilot[None]) -> str:
    """The name of the patient whose chair is on screen."""
    screen = pilot.app.screen
    assert isinstance(screen, ChairScreen), f"no chair opened: {type(screen).__name__}"
    desk = screen.shift.chairs
    return desk.patient(screen.checkin_id, desk.clock()).name


async def test_one_tap_on_a_row_of_the_board_opens_that_patients_chair(kiosk: Kiosk) -> None:
    """Before: the first tap only picked the row (the board says a tap opens the chair)."""
    seed_demo_chairs(kiosk)
    async with KioskApp(kiosk).run_test(size=(120, 40)) as pilot:
        await on_the_board(pilot)
        assert patient_names(pilot) == ["Rosa", "Ken"]  # Rosa's overdue vitals first

        await pilot.click("#chair-board", offset=(20, 2))  # the header, Rosa, then Ken

        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ChairScreen), "a chair")
        assert opened_chair(pilot) == "Ken"


async def test_the_row_picked_stays_with_its_patient_when_the_board_sorts_again(
    kiosk: Kiosk,
) -> None:
    """Before: the pick stayed on the second row, which the sort gave to Rosa, and Enter opened
    Rosa's chair for a nurse who had picked Ken."""
    seed_demo_chairs(kiosk)
    async with KioskApp(kiosk).run_test(size=(120, 40)) as pilot:
        await on_the_board(pilot)
        await pilot.press("down")  # Ken, under Rosa's overdue vitals
        await pilot.pause()

        # Another nurse, at another tab, takes Rosa's vitals: she is no longer due first.
        session = kiosk.unlock(NURSE, NURSE_PIN)
        other = ChairDesk(session)
        now = datetime.now(UTC)
        rosa = next(row.state.checkin_id for row in other.board(now) if row.patient.name == "Rosa")
        other.write(
            ChairVitals(
                checkin_id=rosa, nurse_id=NURSE, happened_at=now, entered_at=now, **vitals_fields()
            ),
            now,
        )
        session.lock()
        await wait_until(pilot, lambda: patient_names(pilot) == ["Ken", "Rosa"], "Ken on top")
        await pilot.press("enter")

        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ChairScreen), "a chair")
        assert opened_chair(pilot) == "Ken"
