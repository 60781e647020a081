"""What a nurse reads on the staff screens: readings typed box after box, titles not internal ids,
nurse-voiced headings, no follow-ups that did not apply, one time format, "1 flag" not "1 flags",
and the "Vitals signed" toast never over a button."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from textual import events
from textual.pilot import Pilot
from textual.widgets import Button, Input, Static

from kiosk.desk.facade import Kiosk
from kiosk.desk.nurse_answers import answer_sections
from kiosk.desk.staff_shift import StaffShift
from kiosk.intake.records import Answer, PregnancyTest
from kiosk.screens.nurse_checkin import NurseCheckInScreen
from kiosk.screens.nurse_queue import NurseQueueScreen
from kiosk.screens.nurse_signoff import NurseSignOffScreen
from kiosk.screens.nurse_vitals import NurseVitalsScreen, build_vitals
from kiosk.widgets.staff_pin_pad import StaffPinPad
from kiosk.widgets.staff_queue_table import StaffQueueTable
from tests.examples import example_checklist, example_migraine
from tests.staff.conftest import NURSE, NURSE_PIN, StaffHostApp, checkin_for, seed_today, tap
from tests.waiting import wait_until


def static_text(app: StaffHostApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def open_vitals(app: StaffHostApp, pilot: Pilot[None], kiosk: Kiosk) -> NurseVitalsScreen:
    shift = StaffShift(kiosk, kiosk.unlock(NURSE, NURSE_PIN), idle_seconds=600)
    screen = NurseVitalsScreen(shift, "checkin-under-test")
    await app.push_screen(screen)
    await pilot.pause()
    return screen


async def test_enter_moves_to_the_next_box_so_170_then_95_is_two_readings(kiosk: Kiosk) -> None:
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_vitals(app, pilot, kiosk)
        await pilot.press("1", "7", "0", "enter", "9", "5", "enter")
        await pilot.pause()
        assert screen.query_one("#vital-systolic", Input).value == "170"
        assert screen.query_one("#vital-diastolic", Input).value == "95"
        assert screen.values["systolic"] == 170 and screen.values["diastolic"] == 95
        assert screen.focused is screen.query_one("#vital-heart_rate", Input)


async def test_enter_in_the_last_reading_moves_on_to_the_pregnancy_test(kiosk: Kiosk) -> None:
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_vitals(app, pilot, kiosk)
        screen.query_one("#vital-pain_now", Input).focus()
        await pilot.press("4", "enter")
        await pilot.pause()
        assert screen.focused is screen.query_one("#vitals-pregnancy")


async def test_a_number_far_too_big_names_the_limit_not_the_number_format(kiosk: Kiosk) -> None:
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_vitals(app, pilot, kiosk)
        await pilot.press(*"17095")
        await pilot.pause()
        note = static_text(app, "#note-systolic")
        assert "must be between 50 and 300 mmHg" in note
        assert "as a number" not in note and "systolic" in screen.problems
        screen.query_one("#vital-weight", Input).focus()
        await pilot.press(*"123456.5")
        await pilot.pause()
        assert "must be between 25.0 and 350.0 kg" in static_text(app, "#note-weight")


async def test_a_pasted_reading_with_its_unit_or_far_too_long_gets_a_message_not_a_bell(
    kiosk: Kiosk,
) -> None:
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_vitals(app, pilot, kiosk)
        systolic = screen.query_one("#vital-systolic", Input)
        systolic.post_message(events.Paste("120 mmHg"))
        await pilot.pause()
        assert systolic.value == "120 mmHg", "a paste must land where the nurse can fix it"
        said = static_text(app, "#note-systolic")
        assert said and "systolic" in screen.problems
        systolic.value = ""
        systolic.post_message(events.Paste("9" * 5000))
        await pilot.pause()
        assert "too long" in static_text(app, "#note-systolic")


async def test_the_pin_pad_has_digits_and_backspace_but_no_decimal_point(kiosk: Kiosk) -> None:
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f12")
        await pilot.pause()
        labels = [str(b.label) for b in app.screen.query_one(StaffPinPad).query(Button)]
    assert sorted(labels) == sorted([*"0123456789", "\u232b"])


async def test_an_interrupted_check_in_names_its_step_as_the_nurse_reads_it(kiosk: Kiosk) -> None:
    seed_today(kiosk)
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f12")
        await pilot.pause()
        await pilot.press(*NURSE, "enter", *NURSE_PIN, "enter")
        await pilot.pause()
        queue = app.screen
        assert isinstance(queue, NurseQueueScreen)
        table = queue.query_one(StaffQueueTable)
        row = next(i for i in range(table.row_count) if str(table.get_row_at(i)[2]) == "Dee Draft")
        table.cursor_row = row
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, NurseCheckInScreen)
        body = " ".join(str(s.render()) for s in app.screen.query(".nurse-section-title"))
        resume = str(app.screen.query_one("#nurse-checkin-resume", Button).label)
    assert "Interrupted check-in, stopped at: Migraine history" in body
    assert resume == "Resume on the kiosk at: Migraine history"
    assert "'migraine'" not in body + resume
    assert "Identity" in body and "Health history" in body
    assert "Who you are" not in body and "Your health history" not in body


def test_follow_ups_that_did_not_apply_are_left_out_of_the_nurses_view() -> None:
    zone = ZoneInfo("America/New_York")
    checkin = checkin_for(
        "Pat Plain",
        "p-plain",
        migraine=example_migraine(earlier_ketamine=Answer.NO, earlier_ketamine_outcome=""),
        checklist=example_checklist(has_driver=False, driver_name="", driver_phone=""),
    )
    questions = [q for section in answer_sections(checkin, zone) for q, _ in section.rows]
    assert not any("earlier ketamine treatment go" in q for q in questions)
    assert not any("driver" in q.lower() and "name" in q.lower() for q in questions)
    with_ketamine = checkin_for(
        "Pat Plain",
        "p-plain",
        migraine=example_migraine(earlier_ketamine=Answer.YES, earlier_ketamine_outcome="helped"),
    )
    rows = [row for section in answer_sections(with_ketamine, zone) for row in section.rows]
    assert any(answer == "helped" for _, answer in rows)


def test_every_time_in_the_nurses_view_is_in_the_clinic_zone_with_its_name() -> None:
    zone = ZoneInfo("America/New_York")
    checkin = checkin_for("Pat Plain", "p-plain")
    food = checkin.checklist.last_food_at.astimezone(zone)
    rows = dict(row for section in answer_sections(checkin, zone) for row in section.rows)
    assert f"{food:%Y-%m-%d %H:%M} {food:%Z}" in rows.values()
    assert food.tzname() in ("EST", "EDT")


async def test_one_flag_is_one_flag_and_the_toast_leaves_the_buttons_free(kiosk: Kiosk) -> None:
    ids = seed_today(kiosk)
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("f12")
        await pilot.pause()
        await pilot.press(*NURSE, "enter", *NURSE_PIN, "enter")
        await pilot.pause()
        shift = app.screen.shift  # type: ignore[attr-defined]
        values = {
            "systolic": 165.0,  # one CAUTION flag
            "diastolic": 80.0,
            "heart_rate": 70.0,
            "spo2": 98.0,
            "temperature": 36.8,
            "respiratory_rate": 14.0,
            "weight": 70.0,
            "pain_now": 2.0,
        }
        vitals = build_vitals(
            ids["plain"], NURSE, values, PregnancyTest.NEGATIVE, datetime.now(UTC)
        )
        await app.push_screen(NurseSignOffScreen(shift, vitals, None))
        await pilot.pause()
        await tap(pilot, "#decision-cleared")
        await tap(pilot, "#signoff-pin")
        await pilot.press(*NURSE_PIN, "enter")
        await pilot.pause()
        assert isinstance(app.screen, NurseQueueScreen)
        await wait_until(pilot, lambda: bool(app.screen.query("Toast")), "a toast after signing")
        toasts = list(app.screen.query("Toast"))
        said = str(toasts[0].render())
        refresh = app.screen.query_one("#nurse-queue-refresh").region
        covered = [t for t in toasts if t.region.overlaps(refresh)]
    assert "1 flag)" in said and "1 flags" not in said
    assert covered == []
