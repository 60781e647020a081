"""Larger text in the browser really scales (kiosk-page.js, kiosk/app.py): on a 1024x768 tablet,
"Larger text" on the welcome screen makes the terminal's font 1.4 times larger, the kiosk
reflows to the fewer columns and rows, and the welcome screen and "About you" are drawn whole
at that size (everything the screen reader's mirror names is on screen, Back and Next too);
"About you", longer than the screen at that size, opens at its top and a tap reaches its first
box. A medication just added by taps at that size is listed in view, right above the emptied
name box.
Screenshots land in test-artifacts/larger-text-*.png for a person to look at."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ServedKiosk
from kiosk_tab import KioskTab, TouchTab
from patient_script import listed
from playwright.sync_api import Page, ViewportSize
from step_mirror import mirror, named, wait_for_mirror_of
from test_browser_checkin import clinic_config
from touch_script import (
    add_medication,
    fill_about_you,
    start_checkin_by_touch,
    tap_in_box,
    touch_answers,
    touch_patient,
)

pytestmark = pytest.mark.slow

SMALL_TABLET: ViewportSize = {"width": 1024, "height": 768}
#: The page's font grows 1.4 times: the columns shrink by about as much.
LARGER_TEXT_SCALE = 1.4


@pytest.fixture
def small_tablet(new_page: Callable[..., Page]) -> KioskTab:
    return KioskTab(new_page(SMALL_TABLET))


def larger_text_on(tab: KioskTab, url: str) -> None:
    """Open the kiosk, tap "Larger text" and wait until the kiosk has reflowed to the larger
    cells and drawn the welcome screen whole again."""
    tab.open(url)
    wait_for_mirror_of(tab, "Infusion Clinic")
    normal = (tab.screen.cols, tab.screen.rows)
    tab.tap("Larger text", until=tab.shows("[X] Larger text"))
    tab.wait_until(
        lambda: tab.screen.cols <= normal[0] / LARGER_TEXT_SCALE + 1,
        f"the terminal reflowing to larger cells (it had {normal[0]} columns)",
    )
    assert tab.screen.rows <= normal[1] / LARGER_TEXT_SCALE + 1
    wait_for_mirror_of(tab, "Infusion Clinic")
    tab.wait_until(lambda: "[checked]" in mirror(tab), "Larger text ticked")


def test_larger_text_scales_the_font_and_the_kiosk_reflows_whole_on_a_1024x768_tablet(
    served_demo_kiosk: ServedKiosk, small_tablet: KioskTab
) -> None:
    tab = small_tablet
    larger_text_on(tab, served_demo_kiosk.url)
    tab.screenshot("larger-text-welcome")
    tab.tap_button("Check in", until=tab.shows("About you"))

    about_you = wait_for_mirror_of(tab, "About you")
    assert named(about_you, "textbox") == ["Full legal name"]
    assert tab.screen.find_button("Back") is not None
    assert tab.screen.find_button("Next") is not None
    tab.screenshot("larger-text-about-you")


def test_a_step_longer_than_the_screen_opens_at_its_top_and_a_tap_reaches_its_first_box(
    served_demo_kiosk: ServedKiosk, touch_tablet: Callable[[ViewportSize], TouchTab]
) -> None:
    """At larger text "About you" is longer than the screen. It opened, then scrolled itself
    three rows down a moment later: its words to the patient went above the top, and a tap
    aimed at the first box landed on the second (the name was written there)."""
    tab = touch_tablet(SMALL_TABLET)
    larger_text_on(tab, served_demo_kiosk.url)
    tab.tap_button("Check in", until=tab.shows("About you"))

    tap_in_box(tab, "Full legal name", "Ana Example")  # (it fails if the name lands elsewhere)

    assert tab.screen.find("Please tell us who you are") is not None
    assert tab.box_text("Preferred name (optional)") == ""


def test_a_medication_added_at_larger_text_is_listed_in_view_with_the_box_for_the_next(
    served_demo_kiosk: ServedKiosk,
    demo_kiosk_dir: Path,
    touch_tablet: Callable[[ViewportSize], TouchTab],
) -> None:
    """At 23 rows the medication just added was listed below the fold: the focus went back to
    the name box above it, and the patient could not see what they had added."""
    tab = touch_tablet(SMALL_TABLET)
    answers = touch_answers(touch_patient(1))
    larger_text_on(tab, served_demo_kiosk.url)
    start_checkin_by_touch(tab, answers)
    fill_about_you(tab, answers, clinic_config(demo_kiosk_dir))

    add_medication(tab, answers)  # (it fails if the row is not listed on screen)
    tab.screenshot("larger-text-medication-added")

    name = answers.say("screens.medications.name")
    tab.wait_for(tab.cursor_in_box(name, ""))  # the name box has the cursor, ready for the next
    assert tab.screen.find(listed(answers.who.medication)) is not None
    assert tab.box_text(name) == ""
