"""The infusion chair in served browser tabs, by touch, with several nurses at once.

`make demo`'s two patients in chairs (Ken's infusion running, Rosa in recovery with her vitals
overdue) on a served kiosk, and nurses at tablets in Debian's Chromium, each tab its own kiosk
process behind its own sign-in. Every button, row and choice is tapped; the tablet's own
keyboard types only what goes into a box (a staff id, a reading, a reason) and the PIN goes in
through the sign-in's digit pad. Each tap waits for its effect (chair_tablet.py), never a time.

- Two nurses chart two chairs at once, their taps interleaved: each board shows the other's
  entry once it has redrawn, and each sealed entry names the nurse whose tab wrote it.
- A nurse's tab closed mid-entry loses no saved entry and leaves the other nurse's tab signed
  in and working; a new tab starts at the welcome screen and needs its own sign-in.
- One chair's short session: vitals, a rate change with its reason, the stop, and a discharge
  refused while its criteria are missing, in words.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from chair_tablet import ChairTablet
from conftest import ServedKiosk
from playwright.sync_api import Page
from test_browser_checkin import session_processes

from kiosk.browser.forked_sessions import SessionProgram
from kiosk.browser.web_server import kiosk_sessions
from kiosk.cli.demo_chairs import NURSE_ID, NURSE_PIN, seed_demo_chairs
from kiosk.desk.facade import Kiosk
from kiosk.desk.staff_console import StaffConsole
from kiosk.intake.chair.log import ChairEntry
from kiosk.intake.chair.records import (
    CHAIR_RECORD_KINDS,
    ChairLogRecord,
    ChairVitals,
    DischargeSigned,
    InfusionStop,
    RateChange,
    SideEffect,
)
from kiosk.intake.chair.state import CHAIR_MEASURES
from kiosk.locale.staff import chair_text

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser_chair_by_touch")]

#: Two more nurses beside the demo's N100, each with a PIN of their own.
N200, N200_PIN = "N200", "135246"
N300, N300_PIN = "N300", "864213"
#: The in-chair vitals form's boxes, as labelled on screen, with what the nurse types.
VITALS_LABELS = [f"{measure.label} ({measure.unit})" for measure in CHAIR_MEASURES]


def vitals_typed(systolic: str) -> dict[str, str]:
    """Calm readings (as the order of the form's boxes), the systolic given."""
    return dict(zip(VITALS_LABELS, [systolic, "79", "72", "97", "15"], strict=True))


@pytest.fixture
def chairs_dir(demo_kiosk_dir: Path) -> Path:
    """The demo kiosk with two more nurses and `make demo`'s two patients seated."""
    kiosk = Kiosk.open(demo_kiosk_dir)
    try:
        console = StaffConsole(kiosk, "cli")
        console.add_staff(N200, "Second Nurse", "nurse", N200_PIN)
        console.add_staff(N300, "Third Nurse", "nurse", N300_PIN)
        assert seed_demo_chairs(kiosk)  # N100's unlock also gives the new nurses the staff key
    finally:
        kiosk.close()
    return demo_kiosk_dir


@pytest.fixture
def chairs(serve_program: Callable[[SessionProgram], ServedKiosk], chairs_dir: Path) -> ServedKiosk:
    return serve_program(kiosk_sessions(chairs_dir))


@pytest.fixture
def nurse_tablet(new_page: Callable[..., Page]) -> Callable[[], ChairTablet]:
    """Tablet-sized touch tabs, each in its own browser context (each a tablet of its own)."""
    return lambda: ChairTablet(new_page())


def at_the_board(tab: ChairTablet, kiosk: ServedKiosk, staff_id: str, pin: str) -> None:
    """Open the kiosk in the tab, sign in as the nurse, and wait for both seeded chairs."""
    tab.open(kiosk.url)
    tab.unlock(staff_id, pin)
    tab.to_the_board()
    tab.wait_for(tab.board_shows("Rosa", "OVERDUE"))
    tab.wait_for(tab.board_shows("Ken", "running 0.6 mg/kg/h, 52.8 mL/h"))


def sealed_entries(data_dir: Path, kind: type[ChairLogRecord]) -> list[tuple[ChairEntry, str]]:
    """Every stored chair entry of a kind, opened with N100's key, each with the staff id its
    audit entry names (the nurse whose shift sealed it)."""
    kiosk = Kiosk.open(data_dir)
    nurse = kiosk.unlock(NURSE_ID, NURSE_PIN)
    try:
        ids = [row.record_id for row in kiosk.store.records(CHAIR_RECORD_KINDS[kind])]
        entries = nurse.open_chair_entries(ids)
        sealed_by = {
            entry.record_id: entry.actor
            for entry in kiosk.store.audit_entries()
            if entry.action.startswith("chair.") and entry.record_id is not None
        }
        return [(entry, sealed_by[entry.record_id]) for entry in entries]
    finally:
        nurse.lock()
        kiosk.close()


def test_two_nurses_chart_two_chairs_at_once_each_entry_sealed_as_theirs(
    chairs: ServedKiosk, chairs_dir: Path, nurse_tablet: Callable[[], ChairTablet]
) -> None:
    started = datetime.now(UTC)
    ana, ben = nurse_tablet(), nurse_tablet()
    at_the_board(ana, chairs, NURSE_ID, NURSE_PIN)
    at_the_board(ben, chairs, N200, N200_PIN)
    picture = ana.screenshot("chair-board-by-touch")
    assert picture.exists()

    # Ana takes Rosa's overdue vitals while Ben changes Ken's rate, a tap each in turn.
    ana.open_chair("Rosa")
    ben.open_chair("Ken")
    ana.tap_action("vitals", chair_text("vitals.title", name="Rosa"))
    ben.tap_action("rate", chair_text("pump.rate", name="Ken"))
    ben.fill(chair_text("pump.new_rate"), "0.7")
    for label, typed in vitals_typed("131").items():
        ana.fill(label, typed)
    ben.wait_for(ben.shows("0.7 mg/kg/h × 88 kg = 61.6 mg/h"))  # the working, as typed
    ben.fill(chair_text("pump.reason"), "Pain still 6 of 10")
    ana.choose(chair_text("vitals.moaa_s"), "5: responds readily")
    ana.choose(chair_text("vitals.dissociation"), "mild")
    ben.save("Rate change: 0.7 mg/kg/h, Pain still 6 of 10")
    ana.save("Vitals: 131/79 mmHg, HR 72, SpO2 97%, RR 15, MOAA/S 5, dissociation mild")
    ana.back_to_the_board()
    ben.back_to_the_board()

    # Each board shows the other nurse's entry once it has redrawn (each second).
    ana.wait_for(ana.board_shows("Ken", "running 0.7 mg/kg/h, 61.6 mL/h"))
    ben.wait_for(ben.board_shows("Rosa", "due in 1"))  # her next vitals 15 min after these
    assert "OVERDUE" not in (ben.board_row("Rosa") or "")
    assert (ana.signed_in(), ben.signed_in()) == (NURSE_ID, N200)

    [(vitals, vitals_by)] = [
        (entry, by)
        for entry, by in sealed_entries(chairs_dir, ChairVitals)
        if entry.record.entered_at >= started
    ]
    assert isinstance(vitals.record, ChairVitals)
    assert (vitals.record.systolic_mmhg, vitals.record.diastolic_mmhg) == (131, 79)
    assert (vitals.record.nurse_id, vitals_by) == (NURSE_ID, NURSE_ID)
    [(rate, rate_by)] = [
        (entry, by)
        for entry, by in sealed_entries(chairs_dir, RateChange)
        if entry.record.entered_at >= started
    ]
    assert isinstance(rate.record, RateChange)
    assert (rate.record.rate.value, rate.record.reason) == (0.7, "Pain still 6 of 10")
    assert (rate.record.nurse_id, rate_by) == (N200, N200)
    assert vitals.record.checkin_id != rate.record.checkin_id  # Rosa's chair, Ken's chair


def test_a_nurse_tab_closed_mid_entry_loses_nothing_saved_and_leaves_the_other_tab_working(
    chairs: ServedKiosk, chairs_dir: Path, nurse_tablet: Callable[[], ChairTablet]
) -> None:
    started = datetime.now(UTC)
    ana, ben = nurse_tablet(), nurse_tablet()
    at_the_board(ana, chairs, NURSE_ID, NURSE_PIN)
    at_the_board(ben, chairs, N200, N200_PIN)
    ana.open_chair("Ken")
    ben.open_chair("Ken")
    ben.tap_action("vitals", chair_text("vitals.title", name="Ken"))
    for label, typed in vitals_typed("133").items():
        ben.fill(label, typed)
    ben.choose(chair_text("vitals.moaa_s"), "4: lethargic response")
    ben.choose(chair_text("vitals.dissociation"), "mild")
    ben.save("Vitals: 133/79 mmHg")
    ben.tap_action("rate", chair_text("pump.rate", name="Ken"))
    ben.fill(chair_text("pump.new_rate"), "0.8")  # half typed: never saved

    ben.page.close()  # Ben's tab is closed (a tablet put down, a browser shut)
    ana.wait_until(lambda: len(session_processes(chairs)) == 1, "Ben's kiosk session ended")

    # Ana's tab is still signed in as Ana, and shows Ben's saved vitals in Ken's log.
    ana.find_in_log("Vitals: 133/79 mmHg")
    assert ana.signed_in() == NURSE_ID
    ana.tap_action("side_effect", chair_text("side_effect.title", name="Ken"))
    ana.choose(chair_text("side_effect.which"), "Nausea")
    ana.choose(chair_text("side_effect.action"), "a drug given")
    ana.fill_placeholder(chair_text("side_effect.action_detail"), "ondansetron 4 mg IV")
    ana.save("Side effect: nausea; a drug given: ondansetron 4 mg IV")
    assert ana.signed_in() == NURSE_ID

    # A new tab is the patient's welcome screen: it needs its own nurse and PIN.
    cleo = nurse_tablet()
    cleo.open(chairs.url)
    cleo.wait_for_text("Staff: tap here")
    assert cleo.signed_in() is None
    cleo.unlock(N300, N300_PIN)
    cleo.to_the_board()
    cleo.open_chair("Ken")
    cleo.find_in_log("Vitals: 133/79 mmHg")
    cleo.find_in_log("Side effect: nausea")
    assert (cleo.signed_in(), ana.signed_in()) == (N300, NURSE_ID)

    # On disk: Ben's vitals as Ben's, Ana's side effect as Ana's, no rate of 0.8.
    [(vitals, vitals_by)] = [
        (entry, by)
        for entry, by in sealed_entries(chairs_dir, ChairVitals)
        if entry.record.entered_at >= started
    ]
    assert isinstance(vitals.record, ChairVitals) and vitals.record.systolic_mmhg == 133
    assert (vitals.record.nurse_id, vitals_by) == (N200, N200)
    [(effect, effect_by)] = sealed_entries(chairs_dir, SideEffect)
    assert isinstance(effect.record, SideEffect)
    assert effect.record.action_detail == "ondansetron 4 mg IV"
    assert (effect.record.nurse_id, effect_by) == (NURSE_ID, NURSE_ID)
    assert [
        entry
        for entry, _ in sealed_entries(chairs_dir, RateChange)
        if entry.record.entered_at >= started
    ] == []


def test_a_short_session_by_touch_and_a_discharge_refused_while_criteria_are_missing(
    chairs: ServedKiosk, chairs_dir: Path, nurse_tablet: Callable[[], ChairTablet]
) -> None:
    started = datetime.now(UTC)
    tab = nurse_tablet()
    at_the_board(tab, chairs, NURSE_ID, NURSE_PIN)
    tab.open_chair("Ken")
    tab.screenshot("chair-by-touch")

    tab.tap_action("vitals", chair_text("vitals.title", name="Ken"))
    for label, typed in vitals_typed("126").items():
        tab.fill(label, typed)
    tab.choose(chair_text("vitals.moaa_s"), "5: responds readily")
    tab.choose(chair_text("vitals.dissociation"), "none")
    tab.save("Vitals: 126/79 mmHg, HR 72, SpO2 97%, RR 15, MOAA/S 5, dissociation none")
    tab.tap_action("rate", chair_text("pump.rate", name="Ken"))
    tab.fill(chair_text("pump.new_rate"), "0.5")
    tab.wait_for(tab.shows("0.5 mg/kg/h × 88 kg = 44 mg/h"))
    tab.fill(chair_text("pump.reason"), "Dizzy at 0.6")
    tab.save("Rate change: 0.5 mg/kg/h, Dizzy at 0.6")
    tab.tap_action("stop", chair_text("pump.stop", name="Ken"))
    tab.save("Stop: completed as ordered")
    tab.tap_action("discharge", chair_text("discharge.title", name="Ken"))

    # What is missing, in words, and the signature refused for it.
    for missing in (
        chair_text("discharge.missing"),
        "more minutes of observation after the stop.",
        "No discharge score since the stop.",
        "Orientation has not been checked since the stop.",
        "No escort recorded.",
        "The patient has not acknowledged the discharge instructions.",
        "The nurse's signature with the PIN.",
    ):
        tab.wait_for_text(missing)
    tab.tap_button(chair_text("discharge.sign"), until=tab.shows(chair_text("discharge.not_ready")))
    assert tab.signed_in() == NURSE_ID

    kinds: list[type[ChairLogRecord]] = [ChairVitals, RateChange, InfusionStop, DischargeSigned]
    written = {
        kind.__name__: [
            (entry.record.nurse_id, by)
            for entry, by in sealed_entries(chairs_dir, kind)
            if entry.record.entered_at >= started
        ]
        for kind in kinds
    }
    signed = [(NURSE_ID, NURSE_ID)]
    assert written == {
        "ChairVitals": signed,
        "RateChange": signed,
        "InfusionStop": signed,
        "DischargeSigned": [],
    }
