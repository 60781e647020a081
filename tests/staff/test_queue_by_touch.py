"""The nurse's queue by touch and by arrow keys: a tap picks a row, a tap on the picked row opens
it; the first row is the most urgent."""

from __future__ import annotations

from kiosk.desk.facade import Kiosk
from kiosk.screens.nurse_checkin import NurseCheckInScreen
from kiosk.screens.nurse_queue import NurseQueueScreen
from kiosk.widgets.staff_queue_table import StaffQueueTable
from tests.staff.conftest import NURSE, NURSE_PIN, StaffHostApp, seed_today


async def test_a_tap_picks_a_row_and_a_second_tap_opens_that_patient(kiosk: Kiosk) -> None:
    seed_today(kiosk)
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f12")
        await pilot.press(*NURSE, "enter", *NURSE_PIN, "enter")
        await pilot.pause()
        assert isinstance(app.screen, NurseQueueScreen)
        table = app.screen.query_one(StaffQueueTable)
        assert "URGENT" in str(table.get_row_at(0)[0])
        names = [str(table.get_row_at(i)[2]) for i in range(table.row_count)]

        await pilot.click(StaffQueueTable, offset=(20, 2))  # the header, then rows 0, 1
        await pilot.pause()
        assert table.cursor_row == 1 and isinstance(app.screen, NurseQueueScreen)
        await pilot.press("up", "down", "down", "up")
        assert table.cursor_row == 1

        await pilot.click(StaffQueueTable, offset=(20, 2))
        await pilot.pause()
        assert isinstance(app.screen, NurseCheckInScreen)
        opened = app.screen.opened
        assert opened is not None and opened.record.identity is not None
        assert opened.record.identity.legal_name == names[1]


async def test_a_tap_on_the_header_or_below_the_last_row_opens_nothing(kiosk: Kiosk) -> None:
    seed_today(kiosk)
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f12")
        await pilot.press(*NURSE, "enter", *NURSE_PIN, "enter")
        await pilot.pause()
        table = app.screen.query_one(StaffQueueTable)
        for line in (0, table.row_count + 1, table.row_count + 5):
            await pilot.click(StaffQueueTable, offset=(20, line))
            await pilot.click(StaffQueueTable, offset=(20, line))
            await pilot.pause()
            assert isinstance(app.screen, NurseQueueScreen)
        assert table.cursor_row == 0
