"""IT at the kiosk: sees the kiosk's identity and state, manages staff, checks the audit chain,
exports the sealed queue; never reads a patient record."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Input, Static

from kiosk.desk.errors import KioskError
from kiosk.desk.facade import Kiosk
from kiosk.desk.staff_console import StaffConsole, StaffConsoleError
from kiosk.screens.it_console import ITConsoleScreen
from kiosk.vault import WrongPin
from sync.client.pins import ServerPins
from tests.staff.conftest import (
    IT,
    IT_PIN,
    NURSE,
    NURSE_PIN,
    StaffHostApp,
    seed_today,
)
from tests.waiting import button_ready


def shown(app: StaffHostApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def sign_in_as_it(pilot: Pilot[None]) -> None:
    await pilot.press("f12")
    await pilot.pause()
    await pilot.press(*IT, "enter", *IT_PIN, "enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ITConsoleScreen)


async def press_remove(pilot: Pilot[None]) -> None:
    await pilot.click("#it-staff-remove")
    await button_ready(pilot, pilot.app.screen.query_one("#it-staff-remove", Button))


async def fill(pilot: Pilot[None], **boxes: str) -> None:
    for box, text in boxes.items():
        pilot.app.screen.query_one(f"#it-{box}", Input).value = text
    await pilot.pause()


async def test_it_sees_identity_counts_and_not_enrolled(kiosk: Kiosk) -> None:
    seed_today(kiosk)
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 60)) as pilot:
        await sign_in_as_it(pilot)
        identity = shown(app, "#it-identity")
        assert kiosk.kiosk_id in identity and kiosk.device_fingerprint() in identity
        # No TPM on this kiosk: IT reads what a stolen disk's PIN guess costs instead.
        assert "PINs if the disk is stolen: Argon2id, " in identity and "(no TPM)" in identity
        assert "not enrolled" in identity
        # The interrupted check-in stays on the kiosk as a draft; the two finished ones wait.
        assert "draft: 1" in shown(app, "#it-counts") and "queued: 2" in shown(app, "#it-counts")
        assert "not enrolled" in shown(app, "#it-sync")
        staff = app.screen.query_one("#it-staff", DataTable)
        assert {str(staff.get_row_at(i)[0]) for i in range(staff.row_count)} == {IT, NURSE}


async def test_it_adds_a_nurse_who_can_read_after_another_nurse_unlocks(kiosk: Kiosk) -> None:
    ids = seed_today(kiosk)
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 60)) as pilot:
        await sign_in_as_it(pilot)
        newcomer = {"staff-id": "N200", "staff-name": "Nia Newnurse", "staff-pin": "864200"}
        await fill(pilot, **newcomer)
        await pilot.click("#it-staff-add")
        await pilot.pause()
        assert shown(app, "#it-staff-result").startswith("\u2714 N200 added")
        assert app.screen.query_one("#it-staff-pin", Input).value == ""
    kiosk.unlock(NURSE, NURSE_PIN).lock()  # completes the new nurse's pending slot
    newcomer = kiosk.unlock("N200", "864200")
    assert newcomer.open_record(ids["plain"]).patient_id == "p-plain"
    actions = [(e.actor, e.action) for e in kiosk.store.audit_entries()]
    assert (IT, "staff.added") in actions


async def test_bad_staff_details_are_refused_and_change_nothing(kiosk: Kiosk) -> None:
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 60)) as pilot:
        await sign_in_as_it(pilot)
        before = kiosk.store.list_staff()
        for staff_id, name, pin, problem in [
            ("N300", "Nora", "12", "PIN"),
            ("N300", "Nora", "12ab56", "digits"),
            ("bad id!", "Nora", "482916", "staff id"),
            ("N300", "\x1b[2JNora", "482916", "name"),
            (NURSE, "Someone", "482916", "already enrolled"),
        ]:
            await fill(pilot, **{"staff-id": staff_id, "staff-name": name, "staff-pin": pin})
            app.screen.query_one("#it-staff-add", Button).press()
            await pilot.pause()
            said = shown(app, "#it-staff-result")
            assert said.startswith("\u2716") and problem in said, said
        assert kiosk.store.list_staff() == before


async def test_it_resets_one_pin_and_removes_a_person_but_not_itself(kiosk: Kiosk) -> None:
    console = StaffConsole(kiosk, actor=IT)
    console.add_staff("N200", "Nia Newnurse", "nurse", "864200")
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 60)) as pilot:
        await sign_in_as_it(pilot)
        await fill(pilot, **{"staff-id": "N200", "staff-pin": "111222"})
        await pilot.click("#it-staff-reset")
        await pilot.pause()
        assert "new PIN set for N200" in shown(app, "#it-staff-result")
        await fill(pilot, **{"staff-id": IT})
        await press_remove(pilot)
        await press_remove(pilot)
        assert "your own credential" in shown(app, "#it-staff-result")
        await fill(pilot, **{"staff-id": "N200"})
        await press_remove(pilot)
        await press_remove(pilot)
        assert "N200 removed" in shown(app, "#it-staff-result")
    assert kiosk.store.get_staff("N200") is None
    assert kiosk.unlock(NURSE, NURSE_PIN).can_read_records


def test_a_pin_reset_rewraps_only_that_persons_keyslot(kiosk: Kiosk) -> None:
    console = StaffConsole(kiosk, actor=IT)
    console.add_staff("N200", "Nia Newnurse", "nurse", "864200")

    def other_slots() -> dict[str, bytes]:
        return {r.staff_id: r.keyslot for r in kiosk.store.list_staff() if r.staff_id != "N200"}

    others = other_slots()
    console.reset_pin("N200", "555777")
    assert other_slots() == others
    with pytest.raises(WrongPin):
        kiosk.unlock("N200", "864200")
    kiosk.unlock("N200", "555777").lock()


def test_the_last_nurse_cannot_be_removed(kiosk: Kiosk) -> None:
    with pytest.raises(StaffConsoleError, match="last nurse"):
        StaffConsole(kiosk, actor=IT).remove_staff(NURSE)


async def test_it_checks_the_audit_chain_and_exports_the_sealed_queue(
    kiosk: Kiosk, tmp_path: Path
) -> None:
    seed_today(kiosk)
    target = tmp_path / "usb" / "queue.bin"
    target.parent.mkdir()
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 60)) as pilot:
        await sign_in_as_it(pilot)
        await pilot.click("#it-audit")
        await pilot.pause()
        assert "audit chain is whole" in shown(app, "#it-audit-result")
        await fill(pilot, **{"export-path": str(target)})
        app.screen.query_one("#it-export").press()
        await pilot.pause()
        assert "2 sealed records written" in shown(app, "#it-export-result")
        app.screen.query_one("#it-export").press()
        await pilot.pause()
        assert "already exists" in shown(app, "#it-export-result")
    assert target.stat().st_mode & 0o077 == 0
    assert b"Uma Urgent" not in target.read_bytes()


def test_an_it_credential_cannot_open_a_patient_record(kiosk: Kiosk) -> None:
    ids = seed_today(kiosk)
    session = kiosk.unlock(IT, IT_PIN)
    with pytest.raises(KioskError, match="IT credentials cannot open"):
        session.open_record(ids["plain"])


async def test_removing_a_person_asks_for_a_second_press_first(kiosk: Kiosk) -> None:
    StaffConsole(kiosk, actor=IT).add_staff("N200", "Nia Newnurse", "nurse", "864200")
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 60)) as pilot:
        await sign_in_as_it(pilot)
        await fill(pilot, **{"staff-id": "N200"})
        await press_remove(pilot)
        assert "Press Remove again to remove N200" in shown(app, "#it-staff-result")
        assert kiosk.store.get_staff("N200") is not None
        # Changing the id in between: the earlier press no longer counts for anyone.
        await fill(pilot, **{"staff-id": NURSE})
        await fill(pilot, **{"staff-id": "N200"})
        await press_remove(pilot)
        assert kiosk.store.get_staff("N200") is not None
        await press_remove(pilot)
        assert "N200 removed" in shown(app, "#it-staff-result")
    assert kiosk.store.get_staff("N200") is None


async def test_the_pin_hint_states_the_rule_the_add_button_enforces(kiosk: Kiosk) -> None:
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 60)) as pilot:
        await sign_in_as_it(pilot)
        hint = str(app.screen.query_one("#it-staff-pin", Input).placeholder)
        await fill(pilot, **{"staff-id": "N300", "staff-name": "Nora", "staff-pin": "12345"})
        app.screen.query_one("#it-staff-add", Button).press()
        await pilot.pause()
        refused = shown(app, "#it-staff-result")
    assert hint == "new PIN (6 to 128 digits)"
    assert "6 to 128" in refused


def _pins() -> ServerPins:
    """An enrolment as the kiosk keeps it (the console only reads its names and times)."""
    return ServerPins(
        server_url="https://clinic.example:8443",
        device_id="device-1",
        config_key=b"\x02" * 32,
        config_key_fingerprint="ef56 0789",
        tls_certificate=None,
        tls_fingerprint=None,
        max_body_bytes=1_000_000,
        max_records_per_batch=50,
        enrolled_at="2026-11-22T02:15:00.000000Z",
    )


async def it_console_showing(pilot: Pilot[None], **changes: object) -> tuple[str, str]:
    """What IT reads under "This kiosk" and "Sync" for an enrolled kiosk in the given state."""
    await sign_in_as_it(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ITConsoleScreen)
    overview = replace(screen.console.overview(), enrolment=_pins(), **changes)
    screen.console.overview = lambda: overview  # type: ignore[method-assign]
    screen.refresh_all()
    await pilot.pause()
    return shown(pilot.app, "#it-identity"), shown(pilot.app, "#it-sync")  # type: ignore[arg-type]


async def test_enrolment_time_is_shown_in_the_clinic_zone_like_every_other_time(
    kiosk: Kiosk,
) -> None:
    zone = ZoneInfo(kiosk.config.time_zone)
    expected = datetime(2026, 11, 22, 2, 15, tzinfo=UTC).astimezone(zone)
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 60)) as pilot:
        identity, _ = await it_console_showing(pilot)
    assert f"Enrolled at: {expected:%Y-%m-%d %H:%M %Z}" in identity


async def test_an_enrolled_kiosk_with_nothing_waiting_says_so(kiosk: Kiosk) -> None:
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 60)) as pilot:
        _, sync = await it_console_showing(pilot)
    assert "Next retry: nothing waiting" in sync
    assert "Last attempt: never" in sync
    assert "quarantine" not in sync


async def test_quarantined_records_are_counted_beside_last_error_none(kiosk: Kiosk) -> None:
    counts = {**kiosk.store.counts_by_state(), "quarantined": 1, "queued": 2}
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 60)) as pilot:
        _, one = await it_console_showing(pilot, counts=counts)
    assert "Last error: none" in one and "1 record in quarantine (see below)" in one
    assert "Next retry: with the next sync run" in one
    counts["quarantined"] = 2
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 60)) as pilot:
        _, two = await it_console_showing(pilot, counts=counts)
    assert "2 records in quarantine (see below)" in two
