"""Patients check in on tablets through the served kiosk, in Debian's Chromium.

Each test serves a fresh demo kiosk, drives real tabs by taps and typing (patient_script.py),
then opens what was sealed with nurse N100's key and compares it with what was entered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import psutil
import pytest
from conftest import ServedKiosk
from kiosk_tab import KioskTab
from patient_script import (
    REMAINING_STEPS,
    TabletPatient,
    answers_of,
    begin_checkin,
    expected_answers,
    finish_checkin,
    patient,
)

from kiosk.browser.forked_sessions import SessionProgram
from kiosk.browser.web_server import kiosk_sessions
from kiosk.desk.facade import Kiosk
from kiosk.intake.config import ClinicConfig
from kiosk.intake.records import CheckIn, Draft, RecordKind

pytestmark = pytest.mark.slow

NURSE, NURSE_PIN = "N100", "246810"


def sealed(data_dir: Path, kind: RecordKind) -> list[object]:
    """Every stored record of a kind, opened with the demo nurse's key."""
    kiosk = Kiosk.open(data_dir)
    nurse = kiosk.unlock(NURSE, NURSE_PIN)
    try:
        return [nurse.open_record(row.record_id) for row in kiosk.store.records(kind.value)]
    finally:
        nurse.lock()
        kiosk.close()


def session_processes(served: ServedKiosk) -> list[psutil.Process]:
    """The kiosk processes the served kiosk's forker has forked, one per open tab."""
    return psutil.Process(served.forker_pid).children()


def clinic_config(data_dir: Path) -> ClinicConfig:
    """The clinic configuration the served kiosk uses (its consent statements)."""
    kiosk = Kiosk.open(data_dir)
    try:
        return kiosk.config
    finally:
        kiosk.close()


@pytest.fixture
def real_kiosk(
    serve_program: Callable[[SessionProgram], ServedKiosk], demo_kiosk_dir: Path
) -> Iterator[ServedKiosk]:
    yield serve_program(kiosk_sessions(demo_kiosk_dir))


def assert_checkin_is(checkin: object, who: TabletPatient) -> None:
    """The sealed check-in holds exactly what `who` entered on the tablet."""
    assert isinstance(checkin, CheckIn)
    assert answers_of(checkin) == expected_answers(who)
    checklist = checkin.checklist
    assert (checklist.has_driver, checklist.driver_name, checklist.driver_phone) == (
        True,
        "Sam Example",
        "555-010-4050",
    )
    # "5" and "3" were typed as hours ago; the screens turn them into times.
    food_ago = checkin.submitted_at - checklist.last_food_at
    liquid_ago = checkin.submitted_at - checklist.last_clear_liquid_at
    assert timedelta(hours=5) <= food_ago <= timedelta(hours=5, minutes=10)
    assert timedelta(hours=3) <= liquid_ago <= timedelta(hours=3, minutes=10)
    assert checkin.consent.accepted
    assert checkin.consent.typed_name == who.legal_name.lower()


@pytest.mark.xdist_group("browser_one_tablet")
def test_a_patient_checks_in_on_a_tablet_by_taps_and_typing_talking_only_to_the_kiosk(
    real_kiosk: ServedKiosk, demo_kiosk_dir: Path, tablet: Callable[[], KioskTab]
) -> None:
    tab = tablet()
    who = patient(0)
    tab.open(real_kiosk.url)
    tab.wait_for_text("Check in")
    welcome_shot = tab.screenshot("welcome")

    begin_checkin(tab, who)
    finish_checkin(tab, who, clinic_config(demo_kiosk_dir))

    [checkin] = sealed(demo_kiosk_dir, RecordKind.CHECKIN)
    assert_checkin_is(checkin, who)
    kiosk_host = urlsplit(real_kiosk.url).netloc
    asked = {urlsplit(url).netloc for url in tab.requested_urls}
    assert asked == {kiosk_host}, f"the tablet asked other hosts: {asked - {kiosk_host}}"
    assert welcome_shot.stat().st_size > 0
    assert (welcome_shot.parent / "consent.png").stat().st_size > 0


@pytest.mark.xdist_group("browser_reload")
def test_reloading_the_tab_mid_checkin_keeps_the_sealed_draft_and_shows_welcome_again(
    real_kiosk: ServedKiosk, demo_kiosk_dir: Path, tablet: Callable[[], KioskTab]
) -> None:
    tab = tablet()
    who = patient(1)
    tab.open(real_kiosk.url)
    begin_checkin(tab, who)
    tab.type("half-typed medication")
    [interrupted_session] = session_processes(real_kiosk)

    tab.reload()

    tab.wait_for_text("Check in")
    tab.wait_for_text("Welcome. Please check in")
    assert tab.screen.find("half-typed") is None
    psutil.wait_procs([interrupted_session], timeout=15)
    assert not interrupted_session.is_running(), "the closed tab's kiosk process lingers"
    drafts = sealed(demo_kiosk_dir, RecordKind.DRAFT)
    assert [draft.identity for draft in drafts if isinstance(draft, Draft)] == [
        expected_answers(who)["identity"]
    ]
    assert sealed(demo_kiosk_dir, RecordKind.CHECKIN) == []

    kiosk = Kiosk.open(demo_kiosk_dir)
    nurse = kiosk.unlock(NURSE, NURSE_PIN)
    try:
        rows = nurse.todays_summaries()
    finally:
        nurse.lock()
        kiosk.close()
    assert [(row.kind, row.name) for row in rows] == [(RecordKind.DRAFT, who.legal_name)]


@pytest.mark.xdist_group("browser_four_tablets")
def test_four_tablets_check_in_at_once_and_each_gets_its_own_whole_record(
    real_kiosk: ServedKiosk, demo_kiosk_dir: Path, tablet: Callable[[], KioskTab]
) -> None:
    patients = [patient(number) for number in range(4)]
    tabs = [tablet() for _ in patients]
    for tab in tabs:
        tab.open(real_kiosk.url)
    # Screen by screen in turn: four sessions write the store together, none sits idle long.
    for tab, who in zip(tabs, patients, strict=True):
        begin_checkin(tab, who)
    assert len(session_processes(real_kiosk)) == 4
    config = clinic_config(demo_kiosk_dir)
    for step in REMAINING_STEPS:
        for tab, who in zip(tabs, patients, strict=True):
            step(tab, who, config)

    checkins = sealed(demo_kiosk_dir, RecordKind.CHECKIN)
    assert len(checkins) == 4
    by_name = {c.identity.legal_name: c for c in checkins if isinstance(c, CheckIn)}
    for who in patients:
        assert_checkin_is(by_name[who.legal_name], who)
    kiosk = Kiosk.open(demo_kiosk_dir)
    try:
        assert kiosk.store.integrity_ok()
        assert kiosk.store.verify_audit(kiosk.device_verify_key).ok
    finally:
        kiosk.close()
