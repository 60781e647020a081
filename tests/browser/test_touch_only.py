"""A patient checks in on a tablet by touch alone, through the served kiosk in Debian's Chromium.

The only keys pressed are the words a patient must write (names, medication and allergy words,
the preventives tried, the signature) on the tablet's own keyboard. Every button, choice and box
is tapped; dates, times, counts and phone numbers go in through the kiosk's on-screen keypad.
The sealed record is opened with nurse N100's key and compared with what was entered; every
key the page received and every piece of terminal input it sent the kiosk is checked.

On a shorter tablet (its own keyboard up): a finger swipe moves a long step and taps nothing; a
tap right after touching a scrollbar's handle reaches the box it touches; and a box tapped by
its label at the bottom edge of a step comes into view as the keypad types into it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ServedKiosk
from kiosk_tab import Effect, TouchTab
from playwright.sync_api import ViewportSize
from test_browser_checkin import clinic_config, sealed
from touch_script import assert_touch_checkin_is, check_in_by_touch, touch_answers, touch_patient

from kiosk.browser.forked_sessions import SessionProgram
from kiosk.browser.web_server import kiosk_sessions
from kiosk.intake.records import RecordKind

pytestmark = pytest.mark.slow

#: What a tap sends: button 1 pressed and released (0), the pointer moving there (35).
TAP_BUTTONS = {0, 35}
#: A tablet with its own keyboard up: About you no longer fits above the keypad.
TABLET_WITH_KEYBOARD_UP: ViewportSize = {"width": 1280, "height": 600}
#: Shorter still: About you ends at the phone box's label, the rest of the box under the keypad.
TABLET_ABOUT_YOU_TO_PHONE: ViewportSize = {"width": 1280, "height": 490}


def on_about_you(tab: TouchTab, kiosk: ServedKiosk) -> None:
    """Open the served kiosk, tap Check in and wait until "About you" stands still."""
    tab.open(kiosk.url)
    # Why: the page shows the welcome as it comes; the button not drawn yet read as "below"
    # and the tab tapped a scrollbar the welcome does not have.
    tab.wait_until(lambda: tab.screen.find_button("Check in") is not None, "the Check in button")
    tab.tap_button("Check in", until=tab.shows("About you"))
    tab.wait_for(tab.cursor_in_box("Full legal name"))  # the step opens on its first box


@pytest.fixture
def real_kiosk(
    serve_program: Callable[[SessionProgram], ServedKiosk], demo_kiosk_dir: Path
) -> ServedKiosk:
    return serve_program(kiosk_sessions(demo_kiosk_dir))


@pytest.mark.xdist_group("browser_touch_only")
def test_a_patient_checks_in_by_touch_with_keys_only_for_the_words_they_write(
    real_kiosk: ServedKiosk, demo_kiosk_dir: Path, touch_tablet: Callable[[], TouchTab]
) -> None:
    tab = touch_tablet()
    answers = touch_answers(touch_patient(2))
    tab.open(real_kiosk.url)

    check_in_by_touch(tab, answers, clinic_config(demo_kiosk_dir))
    tab.screenshot("touch-only-done")

    [checkin] = sealed(demo_kiosk_dir, RecordKind.CHECKIN)
    assert_touch_checkin_is(checkin, answers)
    # No Enter, Tab, arrow or digit key: the page received only the written words' keys...
    assert "".join(tab.key_presses) == answers.free_text()
    assert len(tab.key_presses) == len(answers.free_text()), "a key that is not one character"
    # ...and the kiosk got those characters and taps, no other key and no mouse wheel.
    assert tab.keyboard_input() == answers.free_text()
    assert tab.mouse_buttons() <= TAP_BUTTONS


@pytest.mark.xdist_group("browser_touch_only")
def test_a_finger_swipe_moves_a_long_form_and_taps_nothing(
    real_kiosk: ServedKiosk, touch_tablet: Callable[..., TouchTab]
) -> None:
    tab = touch_tablet(TABLET_WITH_KEYBOARD_UP)
    on_about_you(tab, real_kiosk)
    assert tab.screen.find("Emergency contact's phone") is None, "About you fits: nothing to swipe"
    input_before = len(tab.terminal_input)

    tab.finger_swipe_up(rows=8)  # (it fails if the form stays where it was)

    tab.wait_for_text("Emergency contact's phone")
    # The swipe reached the kiosk as wheel steps, not as a tap where the finger stopped.
    assert 0 not in tab.mouse_buttons(since=input_before)


@pytest.mark.xdist_group("browser_touch_only")
def test_a_tap_after_touching_the_scrollbar_handle_reaches_the_box_it_touches(
    real_kiosk: ServedKiosk, touch_tablet: Callable[..., TouchTab]
) -> None:
    tab = touch_tablet(TABLET_WITH_KEYBOARD_UP)
    on_about_you(tab, real_kiosk)
    label = "Emergency contact's phone"
    assert tab.box_text(label) is None, "the last box is in view: nothing to scroll"
    tab.scroll_until(Effect(f"the whole {label!r} box", lambda: tab.box_text(label) == ""))
    tab.tap_scrollbar(moves=False)  # at the end: the tap lands on the handle

    tab.tap_field(label)
    tab.tap_keypad("5", label)

    # The box tapped is the one typed into, still in view where the finger left it.
    tab.wait_until(lambda: tab.box_text(label) == "5", f"the keypad's 5 in the {label!r} box")


@pytest.mark.xdist_group("browser_touch_only")
def test_the_keypad_shows_what_it_types_into_a_box_tapped_at_the_bottom_edge(
    real_kiosk: ServedKiosk, touch_tablet: Callable[..., TouchTab]
) -> None:
    tab = touch_tablet(TABLET_ABOUT_YOU_TO_PHONE)
    on_about_you(tab, real_kiosk)
    label = "Phone number"
    assert tab.screen.find(label) is not None, "the phone box's label is not on screen"
    assert tab.box_text(label) is None, "the phone box's typing line is in view: no edge to test"

    tab.tap_field(label)
    tab.tap_keypad("5550102030", label)

    # The box came into view: the patient sees the digits (the box just left now shows its
    # "Please fill in this field", which moves the boxes below it down).
    tab.wait_until(lambda: tab.box_text(label) == "5550102030", "the tapped digits in view")
