"""Started the way `make demo` starts it (from a data directory), the kiosk draws the welcome
screen from the clinic configuration first, then opens its keys and database, and checks in."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from kiosk.app import CLINIC_CONFIG_FILE, KioskApp
from kiosk.desk.data_folder import CONFIG_NAME
from kiosk.desk.facade import Kiosk
from kiosk.screens.staff_unlock import StaffUnlockScreen
from tests.screens.conftest import CALM, CHEAP_SLOTS, FakeClock


def test_the_app_reads_the_configuration_file_the_facade_writes() -> None:
    assert CLINIC_CONFIG_FILE == CONFIG_NAME


async def test_a_kiosk_started_from_its_data_directory_opens_and_checks_in(
    tmp_path: Path,
) -> None:
    data = tmp_path / "kiosk"
    Kiosk.init(data, demo=True, keyslot_cost=CHEAP_SLOTS).close()
    app = KioskApp(data, timeouts=CALM, clock=FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        name = str(app.welcome.query_one("#clinic-name", Static).render())
        assert name == app.config.clinic_name["en"]
        await app.steps_built()
        assert app.kiosk is not None
        await pilot.click("#check-in")
        await pilot.pause()
        assert app.screen.name == "identity"


async def test_f12_pressed_as_the_welcome_screen_first_shows_opens_the_staff_sign_in(
    tmp_path: Path,
) -> None:
    """The kiosk opens its keys and database just after the welcome screen is drawn; F12 in
    that moment (a nurse at a kiosk just started) was dropped without a word."""
    data = tmp_path / "kiosk"
    Kiosk.init(data, demo=True, keyslot_cost=CHEAP_SLOTS).close()
    app = KioskApp(data, timeouts=CALM, clock=FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.kiosk is None  # not opened yet
        await pilot.press("f12")
        await app.steps_built()
        await pilot.pause()
        assert isinstance(app.screen, StaffUnlockScreen)
