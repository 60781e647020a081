"""A Korean patient checks in by touch, through the served kiosk in Debian's Chromium, at a clinic
that turns draft languages on (Korean is machine-drafted and not yet reviewed clinically:
kiosk/locale/ko/translation.toml). The patient taps 한국어 on welcome; every box, button,
question and choice is then found by its Korean words and tapped; names, the medication and
the allergy are written in Hangul on the tablet's own keyboard, dates and numbers on the
kiosk's keypad. The sealed record holds exactly what was entered, in Korean.

A tablet's keyboard hands Hangul over a syllable at a time, inserted whole with no key press of
its own (as Chromium does for text a test types that no US key makes). In screen-reader mode
xterm.js leaves such text to the browser and the kiosk never got it: kiosk-page.js sends it
(`sendTextInsertedWithoutAKey`), and the test checks each character reached the kiosk once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import ServedKiosk
from kiosk_tab import TouchTab
from test_browser_checkin import clinic_config, sealed
from touch_script import assert_touch_checkin_is, check_in_by_touch, touch_answers, touch_patient

from kiosk.browser.forked_sessions import SessionProgram
from kiosk.browser.web_server import kiosk_sessions
from kiosk.intake.records import Allergy, CheckIn, Medication, RecordKind
from tests.screens.conftest import kiosk_offering_drafts

pytestmark = pytest.mark.slow

#: A patient writing in Korean: her names, a medication by its Korean generic name (read as the
#: generic on the kiosk's list), an allergy, her emergency contact, driver and preventives.
KOREAN_PATIENT = replace(
    touch_patient(5),
    legal_name="김민지",
    preferred_name="민지",
    medication=Medication(
        "라모트리진", "100 mg", "하루 두 번", read_as=("라모트리진 (lamotrigine)",)
    ),
    allergy=Allergy("페니실린", "두드러기"),
)
KOREAN_ANSWERS = touch_answers(
    KOREAN_PATIENT, "ko", contact="이서준", preventives="토피라메이트", driver="이서준"
)
#: The language's name on welcome, in its own script.
KOREAN = "한국어"


@pytest.fixture
def draft_languages_kiosk(tmp_path: Path) -> Path:
    """A demo kiosk's data folder whose clinic turns draft languages on, as IT would."""
    data_dir = tmp_path / "kiosk"
    kiosk_offering_drafts(data_dir).close()
    return data_dir


def test_a_korean_patient_checks_in_by_touch_and_the_record_is_sealed_as_entered(
    serve_program: Callable[[SessionProgram], ServedKiosk],
    draft_languages_kiosk: Path,
    touch_tablet: Callable[[], TouchTab],
) -> None:
    served = serve_program(kiosk_sessions(draft_languages_kiosk))
    tab = touch_tablet()
    answers = KOREAN_ANSWERS
    tab.open(served.url)
    tab.wait_for_text(KOREAN)
    tab.tap_button(KOREAN, until=tab.shows(answers.say("screens.welcome.check_in")))

    check_in_by_touch(tab, answers, clinic_config(draft_languages_kiosk))
    tab.screenshot("touch-in-korean-done")

    [checkin] = sealed(draft_languages_kiosk, RecordKind.CHECKIN)
    assert isinstance(checkin, CheckIn)
    assert checkin.language == "ko"
    assert checkin.consent.language == "ko"
    assert_touch_checkin_is(checkin, answers)
    # Every character written reached the kiosk once: Hangul inserted whole, Latin by its key.
    assert tab.keyboard_input() == answers.free_text()
