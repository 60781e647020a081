"""The staff unlock's answers: an unknown id reads as a wrong PIN, hostile text is refused
plainly, and one unlock takes a nurse to the queue and IT to the console. How wrong PINs slow
the PIN pad down: test_pin_pad_pace.py."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Static

from kiosk.desk.facade import Kiosk
from kiosk.screens.it_console import ITConsoleScreen
from kiosk.screens.nurse_queue import NurseQueueScreen
from kiosk.screens.staff_unlock import StaffUnlockScreen
from tests.staff.conftest import IT, IT_PIN, NURSE, NURSE_PIN, StaffHostApp


async def try_pin(pilot: Pilot[None], staff_id: str, pin: str) -> str:
    """Type an id and PIN at the unlock screen; returns what the screen says back."""
    app = pilot.app
    if not isinstance(app.screen, StaffUnlockScreen):
        await pilot.press("f12")
        await pilot.pause()
    await pilot.click("#staff-id")
    app.screen.query_one("#staff-id").value = ""
    await pilot.press(*staff_id)
    await pilot.click("#staff-pin")
    await pilot.press(*pin, "enter")
    await pilot.pause()
    if not isinstance(app.screen, StaffUnlockScreen):
        return ""
    return str(app.screen.query_one("#staff-unlock-problem", Static).render())


async def test_an_unknown_id_reads_the_same_as_a_wrong_pin(kiosk: Kiosk) -> None:
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(100, 40)) as pilot:
        unknown = await try_pin(pilot, "NOBODY", NURSE_PIN)
        wrong = await try_pin(pilot, NURSE, "111111")
        assert unknown == wrong


async def test_hostile_text_in_the_staff_id_is_refused_plainly(kiosk: Kiosk) -> None:
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(100, 40)) as pilot:
        said = await try_pin(pilot, "[b]N100\x1b[2J\u202e", NURSE_PIN)
        assert said.startswith("Unknown staff id or wrong PIN")


async def test_the_same_unlock_takes_a_nurse_to_the_queue_and_it_to_the_console(
    kiosk: Kiosk,
) -> None:
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(100, 40)) as pilot:
        assert await try_pin(pilot, NURSE, NURSE_PIN) == ""
        assert isinstance(app.screen, NurseQueueScreen)
        await pilot.click("#staff-lock")
        await pilot.pause()
        assert await try_pin(pilot, IT, IT_PIN) == ""
        assert isinstance(app.screen, ITConsoleScreen)
