"""A nurse's shift, driven by keystrokes and clicks as at the kiosk."""

from __future__ import annotations

from textual.widgets import Input, Static

from kiosk.desk.facade import Kiosk
from kiosk.intake.records import Severity, Vitals
from kiosk.screens.nurse_checkin import NurseCheckInScreen
from kiosk.screens.nurse_queue import NurseQueueScreen
from kiosk.screens.nurse_signoff import NurseSignOffScreen
from kiosk.screens.nurse_vitals import NurseVitalsScreen
from kiosk.widgets.staff_queue_table import StaffQueueTable
from tests.staff.conftest import (
    HALF_TYPED,
    NURSE,
    NURSE_PIN,
    PatientStandIn,
    StaffHostApp,
    seed_today,
    tap,
)
from tests.staff.journeys import unlock


def static_text(app: StaffHostApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_a_nurse_signs_vitals_past_a_hold_threshold_and_the_sealed_record_matches(
    kiosk: Kiosk,
) -> None:
    ids = seed_today(kiosk)
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot, NURSE, NURSE_PIN)
        assert isinstance(app.screen, NurseQueueScreen)
        table = app.screen.query_one(StaffQueueTable)
        assert table.row_count == 3
        first_row = [str(cell) for cell in table.get_row_at(0)]
        assert "URGENT" in first_row[0] and first_row[2] == "Uma Urgent"

        await pilot.press("enter")  # open the urgent check-in at the top
        await pilot.pause()
        assert isinstance(app.screen, NurseCheckInScreen)
        flags = static_text(app, "#nurse-checkin-flags")
        assert "URGENT" in flags and "heart" in flags.lower()

        await pilot.click("#nurse-checkin-vitals")
        await pilot.pause()
        assert isinstance(app.screen, NurseVitalsScreen)
        typed = {
            "systolic": "165",
            "diastolic": "85",
            "heart_rate": "72",
            "spo2": "97",
            "temperature": "98.6",
            "respiratory_rate": "14",
            "weight": "150",
            "pain_now": "4",
        }
        await pilot.click("#unit-temperature")  # C -> F
        await pilot.click("#unit-weight")  # kg -> lb
        for measure, value in typed.items():
            await pilot.click(f"#vital-{measure}")
            await pilot.press(*value)
        await pilot.pause()
        assert "CAUTION" in static_text(app, "#note-systolic")
        assert static_text(app, "#note-diastolic") == ""
        app.screen.query_one("#vitals-pregnancy").value = __import__(
            "kiosk.intake.records", fromlist=["PregnancyTest"]
        ).PregnancyTest.NOT_APPLICABLE
        await pilot.pause()
        await pilot.click("#vitals-sign")
        await pilot.pause()
        assert isinstance(app.screen, NurseSignOffScreen)
        await tap(pilot, "#decision-hold")  # her STOP flags wait for a clinician
        await tap(pilot, "#signoff-hold-reason")
        await pilot.press(*"Ask Dr. Rivera", "tab")
        await tap(pilot, "#signoff-pin")
        await pilot.press(*NURSE_PIN, "enter")
        await pilot.pause()
        assert isinstance(app.screen, NurseQueueScreen)
        rows = [app.screen.query_one(StaffQueueTable).get_row_at(i) for i in range(3)]
        urgent_row = next(r for r in rows if str(r[2]) == "Uma Urgent")
        assert str(urgent_row[4]) == "on hold"  # the decision, once made

        await pilot.click("#staff-lock")
        await pilot.pause()
        assert isinstance(app.screen, PatientStandIn)
        assert app.screen.query_one("#patient-answer", Input).value == HALF_TYPED

    session = kiosk.unlock(NURSE, NURSE_PIN)
    summary = next(s for s in session.todays_summaries() if s.record_id == ids["urgent"])
    assert summary.vitals_record_id is not None
    vitals = session.open_record(summary.vitals_record_id)
    assert isinstance(vitals, Vitals)
    assert (vitals.systolic_mmhg, vitals.diastolic_mmhg, vitals.heart_rate_per_min) == (165, 85, 72)
    assert vitals.temperature_c == 37.0 and vitals.weight_kg == 68.0
    assert vitals.nurse_id == NURSE and vitals.checkin_id == ids["urgent"]
    assert summary.vitals_highest is Severity.CAUTION
    actions = [(e.actor, e.action) for e in kiosk.store.audit_entries()]
    assert (NURSE, "staff.unlocked") in actions
    assert (NURSE, "vitals.recorded") in actions
    assert (NURSE, "staff.lock.logout") in actions
