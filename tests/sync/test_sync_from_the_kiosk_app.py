"""IT presses "Sync now" at the kiosk: the App's sync worker delivers the queue to a real clinic
server in the background, and the IT console shows the records as delivered."""

from __future__ import annotations

from textual.widgets import Button, Static

from kiosk.app import KioskApp
from kiosk.desk.enrolment import EnrolmentResult
from kiosk.desk.facade import Kiosk
from kiosk.screens.it_console import ITConsoleScreen
from tests.sync.clinic_harness import ClinicServer, submit_checkins


async def test_it_presses_sync_now_and_the_queue_reaches_the_clinic(
    kiosk: Kiosk, clinic_server: ClinicServer, enrolment: EnrolmentResult
) -> None:
    sent = submit_checkins(kiosk, 2)
    app = KioskApp(kiosk, sync_interval=3600)
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.press("f12")
        await pilot.pause()
        await pilot.press(*"IT1", "enter", *"135790", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ITConsoleScreen)
        assert "acked: 0" in str(app.screen.query_one("#it-counts", Static).render())

        app.screen.query_one("#it-sync-now", Button).press()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()

        assert "acked: 2" in str(app.screen.query_one("#it-counts", Static).render())
    assert set(sent) <= set(clinic_server.stored(kiosk))
