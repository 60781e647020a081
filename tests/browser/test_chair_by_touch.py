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
- A whole session, as the keyboard one (tests/staff/test_chair_session.py) but by taps: a
  patient cleared at check-in (in Spanish) taken from today's list to a chair, the exam, the
  order and its working, vitals, the start, a rate change, the stop typed as 40 minutes ago,
  recovery vitals, the discharge score at the clinic's threshold, orientation, an escort who is
  not the driver named at check-in (confirmed), the instructions shown in Spanish and
  acknowledged by the patient's tap, and the discharge signed with the PIN on the pad; each
  entry sealed once, by the nurse, at the time typed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from chair_tablet import ChairTablet, clock_typed
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
    DischargeScore,
    DischargeSigned,
    EscortCheck,
    InfusionOrder,
    InfusionStart,
    InfusionStop,
    InstructionsAcknowledged,
    OrientationCheck,
    PhysicalExam,
    RateChange,
    SideEffect,
)
from kiosk.intake.chair.scores import SCORE_ITEMS, item_label_key, level_key
from kiosk.intake.chair.state import CHAIR_MEASURES
from kiosk.intake.config import ClinicConfig
from kiosk.locale import translate
from kiosk.locale.staff import STAFF_LANGUAGE, chair_text, staff_text
from tests.chair_seating import cleared_patient

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


@dataclass(frozen=True)
class PatientToSeat:
    """A patient cleared for the infusion and not yet in a chair, on a kiosk to serve."""

    data_dir: Path
    checkin_id: str
    config: ClinicConfig

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.config.time_zone)


#: Who she is, as the kiosk knows her: checked in in Spanish, naming her driver, 72 kg.
MARTA, MARTA_LANGUAGE, MARTA_DRIVER, MARTA_KG = "Marta Tablet", "es", "Luis Example", 72.0
#: Who takes her home: not the driver she named, so the nurse confirms the escort.
MARTA_ESCORT = "Jorge Example"


@pytest.fixture
def marta_to_seat(demo_kiosk_dir: Path) -> PatientToSeat:
    """Marta checked in (in Spanish), her vitals signed and cleared 100 minutes before the
    test, first on today's list; then `make demo`'s two patients seated beside her."""
    kiosk = Kiosk.open(demo_kiosk_dir)
    try:
        seated = cleared_patient(
            kiosk,
            MARTA,
            language=MARTA_LANGUAGE,
            driver=MARTA_DRIVER,
            weight_kg=MARTA_KG,
            now=datetime.now(UTC) - timedelta(minutes=65),
        )
        assert seed_demo_chairs(kiosk)
        return PatientToSeat(demo_kiosk_dir, seated.checkin_id, kiosk.config)
    finally:
        kiosk.close()


def score_at_threshold(config: ClinicConfig) -> dict[str, int]:
    """The clinic's discharge score, item by item, adding up to exactly its threshold."""
    allowed = SCORE_ITEMS[config.chair.discharge_score]
    points = {item: max(levels) for item, levels in allowed.items()}
    for item in reversed(list(allowed)):
        while (
            sum(points.values()) > config.chair.discharge_score_at_least
            and points[item] - 1 in allowed[item]
        ):
            points[item] -= 1
    return points


def test_a_whole_session_by_touch_from_the_cleared_check_in_to_the_signed_discharge(
    serve_program: Callable[[SessionProgram], ServedKiosk],
    marta_to_seat: PatientToSeat,
    nurse_tablet: Callable[[], ChairTablet],
) -> None:
    marta, zone, config = marta_to_seat, marta_to_seat.zone, marta_to_seat.config
    served = serve_program(kiosk_sessions(marta.data_dir))
    started = datetime.now(UTC)
    name = MARTA.split()[0]

    def ago(minutes: int, now: datetime | None = None) -> str:
        return clock_typed((now or started) - timedelta(minutes=minutes), zone)

    typed: dict[str, list[str]] = {}  # each kind's times, as the nurse typed them

    def save_at(kind: type[ChairLogRecord], time: str, logged: str) -> None:
        """Type the time it happened, Save; the log shows the entry at that time, with both."""
        tab.fill_time(time)
        when = f"{time} (entered "
        tab.save(when)
        tab.wait_until(lambda: logged in tab.line_showing(when), f"{logged!r} logged at {time}")
        typed.setdefault(kind.__name__, []).append(time)

    def vitals_at(time: str, systolic: str) -> None:
        tab.tap_action("vitals", chair_text("vitals.title", name=name))
        for label, reading in vitals_typed(systolic).items():
            tab.fill(label, reading)
        tab.choose(chair_text("vitals.moaa_s"), "5: responds readily")
        tab.choose(chair_text("vitals.dissociation"), "none")
        save_at(ChairVitals, time, f"Vitals: {systolic}/79 mmHg")

    tab = nurse_tablet()
    tab.open(served.url)
    tab.unlock(NURSE_ID, NURSE_PIN)
    tab.wait_for_text(MARTA)
    tab.to_the_chair_of(MARTA)

    # Before: the exam (every item normal as it opens) and the clinician's order, its working.
    tab.tap_action("exam", chair_text("exam.title", name=name))
    save_at(PhysicalExam, ago(95), "Exam: normal")
    tab.tap_action("order", chair_text("order.title", name=name))
    tab.fill(chair_text("order.clinician"), "Dr Ana Rivera")
    tab.fill(chair_text("order.concentration"), "1")
    tab.fill(chair_text("order.amount"), "0.5")
    tab.wait_for(tab.shows("0.5 mg/kg/h × 72 kg = 36 mg/h"))
    save_at(InfusionOrder, ago(94), "Order: Dr Ana Rivera, Ketamine 1 mg/mL")

    # The infusion: vitals at the start, the start, a rate change, the stop 40 minutes ago.
    vitals_at(ago(93), "124")
    tab.tap_action("start", chair_text("pump.start", name=name))
    save_at(InfusionStart, ago(92), "Start")
    tab.tap_action("rate", chair_text("pump.rate", name=name))
    tab.fill(chair_text("pump.new_rate"), "0.6")
    tab.wait_for(tab.shows("0.6 mg/kg/h × 72 kg = 43.2 mg/h"))
    tab.fill(chair_text("pump.reason"), "Tolerating well")
    save_at(RateChange, ago(75), "Rate change: 0.6 mg/kg/h")
    tab.tap_action("stop", chair_text("pump.stop", name=name))
    save_at(InfusionStop, ago(40), "Stop: completed as ordered")

    # Recovery: vitals 15 minutes after the stop, and a few minutes before now.
    vitals_at(ago(25), "122")
    vitals_at(ago(3, datetime.now(UTC)), "120")

    # The discharge: the score at the clinic's threshold, then orientation back to baseline.
    tab.tap_action("discharge", chair_text("discharge.title", name=name))
    tab.wait_for_text(chair_text("discharge.missing"))
    kind = config.chair.discharge_score
    points = score_at_threshold(config)
    for item, given in points.items():
        words = translate(level_key(kind, item, given), STAFF_LANGUAGE)
        tab.choose(translate(item_label_key(kind, item), STAFF_LANGUAGE), f"{given}: {words}")
    record_score = chair_text("discharge.record_score")
    typed["DischargeScore"] = [ago(2, datetime.now(UTC))]
    tab.fill_time_of(record_score, typed["DischargeScore"][0])
    tab.tap_button(record_score, until=tab.shows(chair_text("discharge.score_recorded")))
    tab.choose(chair_text("discharge.orientation"), chair_text("discharge.at_baseline"))
    record_orientation = chair_text("discharge.record_orientation")
    typed["OrientationCheck"] = [ago(2, datetime.now(UTC))]
    tab.fill_time_of(record_orientation, typed["OrientationCheck"][0])
    tab.tap_button(
        record_orientation, until=tab.shows(chair_text("discharge.orientation_recorded"))
    )
    # Her escort is not the driver she named: the kiosk asks, and the nurse's tap confirms.
    # (The name ends with the tablet keyboard's Enter, which records the escort as the button
    # does; why not two taps: a button ignores a tap for 0.2 s after its last press, drawn in
    # this kiosk as the button at rest, so the tab could not see when a second tap counts.)
    record_escort = chair_text("discharge.record_escort")
    typed["EscortCheck"] = [ago(1, datetime.now(UTC))]
    tab.fill_time_of(record_escort, typed["EscortCheck"][0])
    tab.fill_placeholder(chair_text("discharge.escort_name"), MARTA_ESCORT)
    confirm = chair_text("discharge.confirm_escort", escort=MARTA_ESCORT, driver=MARTA_DRIVER)
    tab.press("Enter")
    tab.wait_for_text(confirm[:60])
    tab.tap_button(record_escort, until=tab.shows(chair_text("discharge.escort_recorded")))

    # The instructions, shown to Marta in Spanish with no nurse's bar, and her tap on them.
    title = translate("chair.instructions.title", MARTA_LANGUAGE)
    tab.tap_button(chair_text("discharge.show_instructions"), until=tab.shows(title))
    acknowledge = translate("chair.instructions.acknowledge", MARTA_LANGUAGE)
    for spanish in (acknowledge, "no conduzca ni opere maquinaria pesada", "No beba alcohol"):
        tab.wait_for_text(spanish)
    assert tab.signed_in() is None and "do not drive" not in tab.screen.text()
    acknowledged = chair_text("discharge.instructions_acknowledged")
    tab.tap_button(acknowledge, until=tab.shows(acknowledged))  # back at the discharge

    # Every criterion holds but the signature: the nurse signs with the PIN on the pad.
    tab.pin_on_pad(staff_text("signoff.pin", staff_id=NURSE_ID), NURSE_PIN)
    tab.tap_button(chair_text("discharge.sign"), until=tab.every_action_whole())
    tab.find_in_log("Discharge signed")
    picture = tab.screenshot("chair-signed-discharge-by-touch")
    assert picture.exists()
    # Her chair was opened from today's list: back there, then to the board, where she is not.
    tab.tap_button(
        f"{staff_text('common.back')} (Esc)", until=tab.shows(staff_text("checkin.heading_cleared"))
    )
    tab.tap_button(staff_text("common.back"), until=tab.shows(chair_text("board.open")))
    tab.to_the_board()
    tab.wait_for(tab.board_shows("Ken", "running"))
    assert tab.board_row(name) is None  # discharged: off the board

    # On disk: each entry sealed once, by the nurse, at the time typed, entered after it.
    kinds: list[type[ChairLogRecord]] = [
        PhysicalExam,
        InfusionOrder,
        InfusionStart,
        RateChange,
        InfusionStop,
        ChairVitals,
        DischargeScore,
        OrientationCheck,
        EscortCheck,
        InstructionsAcknowledged,
        DischargeSigned,
    ]
    sealed = {
        kind.__name__: [
            (entry.record, by)
            for entry, by in sealed_entries(marta.data_dir, kind)
            if entry.record.checkin_id == marta.checkin_id
        ]
        for kind in kinds
    }
    for kind_name, records in sealed.items():
        assert all((r.nurse_id, by) == (NURSE_ID, NURSE_ID) for r, by in records), kind_name
        times = [clock_typed(r.happened_at, zone) for r, _ in records]
        if kind_name in typed:
            assert sorted(times) == sorted(typed[kind_name]), kind_name
            assert all(r.happened_at < r.entered_at for r, _ in records), kind_name
        else:  # the patient's tap and the nurse's signature are recorded when they happen
            assert len(records) == 1 and records[0][0].happened_at >= started, kind_name
    [(rate, _)] = sealed["RateChange"]
    assert isinstance(rate, RateChange)
    assert (rate.rate.value, rate.reason) == (0.6, "Tolerating well")
    [(score, _)] = sealed["DischargeScore"]
    assert isinstance(score, DischargeScore)
    assert {item.item_id: item.points for item in score.items} == points
    assert score.threshold == config.chair.discharge_score_at_least
    [(escort, _)] = sealed["EscortCheck"]
    assert isinstance(escort, EscortCheck)
    assert (escort.escort_name, escort.driver_named_at_checkin) == (MARTA_ESCORT, MARTA_DRIVER)
    assert escort.mismatch_confirmed and escort.present
    [(acknowledged, _)] = sealed["InstructionsAcknowledged"]
    assert isinstance(acknowledged, InstructionsAcknowledged)
    assert acknowledged.language == MARTA_LANGUAGE
    assert acknowledged.text_sha256 == config.chair.instructions_sha256(MARTA_LANGUAGE)
    [(signed, signed_by)] = sealed["DischargeSigned"]
    assert (signed.nurse_id, signed_by) == (NURSE_ID, NURSE_ID)
