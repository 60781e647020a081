"""A busy day: 1,000 sealed check-ins open as one table, scroll to the end, and the last one
opens to exactly that patient."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Static

from kiosk.desk.facade import Kiosk
from kiosk.screens.nurse_checkin import NurseCheckInScreen
from kiosk.screens.nurse_queue import NurseQueueScreen
from kiosk.widgets.staff_queue_table import StaffQueueTable
from tests.staff.conftest import NURSE, NURSE_PIN, StaffHostApp, make_kiosk
from tests.staff.queue_seed import LAST_NAME, seed_queue


@pytest.fixture
def busy_kiosk(tmp_path: Path) -> Iterator[Kiosk]:
    # Memory-backed when the machine has it: 1,000 durable commits cost seconds on a disk.
    shm = Path("/dev/shm")
    base = Path(tempfile.mkdtemp(dir=shm)) if shm.is_dir() else tmp_path
    kiosk = make_kiosk(base / "kiosk")
    yield kiosk
    kiosk.close()
    if base != tmp_path:
        shutil.rmtree(base)


async def test_a_thousand_check_ins_open_scroll_and_the_last_one_opens(busy_kiosk: Kiosk) -> None:
    seed_queue(busy_kiosk, 1000)
    app = StaffHostApp(busy_kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f12")
        await pilot.press(*NURSE, "enter", *NURSE_PIN, "enter")
        await pilot.pause()
        assert isinstance(app.screen, NurseQueueScreen)
        table = app.screen.query_one(StaffQueueTable)
        assert table.row_count == 1000
        assert "1000" in str(app.screen.query_one("#nurse-queue-title", Static).render())
        await pilot.press("pagedown", "ctrl+end")
        await pilot.pause()
        assert table.cursor_row == 999 and table.scroll_y > 0
        assert str(table.get_row_at(999)[2]) == LAST_NAME
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, NurseCheckInScreen)
        assert app.screen.opened is not None
        assert app.screen.opened.record.identity is not None
        assert app.screen.opened.record.identity.legal_name == LAST_NAME
