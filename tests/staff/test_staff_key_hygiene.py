"""When a shift ends, by Lock or by walking away, nothing reachable from the app can read a
patient record: no staff private key, no opened record, no summary row, no patient name."""

from __future__ import annotations

import dataclasses
import gc
import types
from collections import deque

from textual.pilot import Pilot

from kiosk.desk.facade import Kiosk
from kiosk.desk.staff_session import StaffSession
from kiosk.intake.records import CheckIn, Draft, Vitals
from kiosk.screens.nurse_queue import NurseQueueScreen
from kiosk.store.nurse_table import CheckInSummary
from kiosk.vault import RecipientPrivateKey
from tests.staff.conftest import NURSE, NURSE_PIN, PatientStandIn, StaffHostApp, seed_today
from tests.staff.journeys import open_only_checkin, unlock
from tests.waiting import wait_until

# Names typed by the seeded patients: none may survive in anything the app can reach.
PATIENT_NAMES = ("Uma Urgent", "Pat Plain", "Dee Draft")
SECRET_KINDS = (RecipientPrivateKey, CheckIn, Draft, Vitals, CheckInSummary)


def reachable_from(root: object) -> list[object]:
    """Every object reachable from `root` by references, not crossing into modules or classes
    (module globals are the interpreter's, not the app's)."""
    seen: set[int] = {id(root)}
    found: list[object] = []
    queue: deque[object] = deque([root])
    while queue:
        current = queue.popleft()
        found.append(current)
        for child in gc.get_referents(current):
            if isinstance(child, types.ModuleType | type | types.FunctionType):
                continue
            if id(child) not in seen:
                seen.add(id(child))
                queue.append(child)
    return found


def leaks(app: StaffHostApp) -> list[str]:
    """What a thief with the app's memory could still read after the shift."""
    problems = []
    for thing in reachable_from(app):
        if isinstance(thing, SECRET_KINDS):
            problems.append(type(thing).__name__)
        elif isinstance(thing, StaffSession) and not thing.locked:
            problems.append("an unlocked StaffSession")
        elif isinstance(thing, str) and any(name in thing for name in PATIENT_NAMES):
            problems.append(f"patient text {thing[:40]!r}")
    return problems


async def open_a_record(pilot: Pilot[None], app: StaffHostApp) -> None:
    await unlock(pilot, NURSE, NURSE_PIN)
    assert isinstance(app.screen, NurseQueueScreen)
    await open_only_checkin(app, pilot)  # the urgent one, at the top


async def test_after_the_nurse_presses_lock_no_key_or_record_is_reachable(kiosk: Kiosk) -> None:
    seed_today(kiosk)
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_a_record(pilot, app)
        assert "RecipientPrivateKey" in leaks(app)  # the check can see a key while it is there
        await pilot.click("#staff-lock")
        await pilot.pause()
        gc.collect()
        assert isinstance(app.screen, PatientStandIn)
        assert leaks(app) == []
        assert app.locks == [(NURSE, "logout")]


async def test_a_shift_left_alone_locks_itself_and_drops_the_key(kiosk: Kiosk) -> None:
    seed_today(kiosk)
    # Long enough to open a record on a busy machine, short enough to wait for.
    kiosk.config = dataclasses.replace(kiosk.config, staff_idle_seconds=3)
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_a_record(pilot, app)
        await wait_until(pilot, lambda: isinstance(app.screen, PatientStandIn), "the idle lock")
        await pilot.pause()  # the lock's message and the first patient frame, as a person sees
        gc.collect()
        assert leaks(app) == []
        assert app.locks == [(NURSE, "idle")]
    actions = [(e.actor, e.action) for e in kiosk.store.audit_entries()]
    assert (NURSE, "staff.lock.idle") in actions
