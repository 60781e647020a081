"""Larger text in the browser really scales (kiosk-page.js, kiosk/app.py): on a 1024x768 tablet,
"Larger text" on the welcome screen makes the terminal's font 1.4 times larger, the kiosk
reflows to the fewer columns and rows, and the welcome screen and "About you" are drawn whole
at that size (everything the screen reader's mirror names is on screen, Back and Next too);
"About you", longer than the screen at that size, opens at its top and a tap reaches its first
box. A medication just added by taps at that size is listed in view, right above the emptied
name box. A whole check-in by taps at that size: each step opens with its title, the box or
question it starts on, Back (on the review: Edit) and the button that goes on drawn whole, each
box and question is on screen as it is reached, and the sealed record holds what was entered.
Screenshots land in test-artifacts/larger-text-*.png for a person to look at."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ServedKiosk
from kiosk_tab import Effect, KioskTab, TouchTab
from patient_script import listed
from playwright.sync_api import Page, ViewportSize
from step_mirror import ANSWERABLE, drawn, mirror, named, wait_for_mirror_of
from test_browser_checkin import clinic_config, sealed
from touch_script import (
    TOUCH_STEPS,
    TouchAnswers,
    add_medication,
    assert_touch_checkin_is,
    fill_about_you,
    start_checkin_by_touch,
    tap_in_box,
    touch_answers,
    touch_patient,
)

from kiosk.intake.questions import HEALTH_HISTORY, MIGRAINE_HISTORY, PHQ9, TODAY_CHECKLIST
from kiosk.intake.records import RecordKind

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


#: Each step of TOUCH_STEPS: its title's locale key, the button back (the review has an Edit
#: for each section instead) and the button that goes on.
STEPS_AND_THEIR_BUTTONS = (
    ("screens.identity.title", "screens.nav.back", "screens.nav.next"),
    ("screens.medications.title", "screens.nav.back", "screens.nav.next"),
    (HEALTH_HISTORY.title_key, "screens.nav.back", "screens.nav.next"),
    (MIGRAINE_HISTORY.title_key, "screens.nav.back", "screens.nav.next"),
    (PHQ9.title_key, "screens.nav.back", "screens.nav.next"),
    (TODAY_CHECKLIST.title_key, "screens.nav.back", "screens.nav.next"),
    ("screens.consent.title", "screens.nav.back", "screens.consent.agree"),
    ("screens.review.title", "screens.review.edit", "screens.review.submit"),
)
#: The steps photographed as they open, for a person to look at: their files' names.
SCREENSHOTS = {
    MIGRAINE_HISTORY.title_key: "larger-text-migraine",
    "screens.review.title": "larger-text-review",
}
#: What the mirror names as a question: one while the patient is on it.
QUESTIONS = ("textbox", "radiogroup", "checkbox")
#: The box the consent opens focused on is at its end, reached by reading down to it (the walk
#: taps it once it is drawn whole there).
AT_THE_CONSENT_S_END = "screens.consent.signature"


def opens_usable(
    tab: KioskTab, answers: TouchAnswers, title_key: str, back_key: str, go_on_key: str
) -> None:
    """The step opens with its title on top, Back and the button that goes on, and what the
    screen reader's mirror names (the box or question it opens on) drawn whole."""
    title = answers.say(title_key)

    def on_its_first_question() -> bool:
        # (until the step's first box or list has the focus, the mirror says the whole step)
        snapshot = mirror(tab)
        return any(name.startswith(title) for name in named(snapshot, "heading")) and (
            len(named(snapshot, *QUESTIONS)) <= 1
        )

    tab.wait_until(on_its_first_question, f"the mirror saying {title!r} and its first question")
    later = answers.say(AT_THE_CONSENT_S_END)
    for name in named(mirror(tab), *ANSWERABLE):
        if name.strip() and name != later:
            tab.wait_for(Effect(f"{name!r}, which the mirror names, drawn whole", drawn(tab, name)))
    shown = tab.screen.text()
    assert tab.screen.lines()[0].strip() == title, f"the title is not on top:\n{shown}"
    for button in (back_key, go_on_key):
        assert tab.screen.find_button(answers.say(button)) is not None, f"no {button}:\n{shown}"


def test_a_whole_check_in_by_touch_at_larger_text_on_a_1024x768_tablet(
    served_demo_kiosk: ServedKiosk,
    demo_kiosk_dir: Path,
    touch_tablet: Callable[[ViewportSize], TouchTab],
) -> None:
    """Every step is usable at 68x23 by taps alone: each opens with its title, the box or
    question it starts on, Back and the button that goes on drawn whole; the tab taps a box
    only once it is wholly in view and an answer only under its question's words, so each is
    on screen as the patient reaches it. The sealed record holds what was entered."""
    tab = touch_tablet(SMALL_TABLET)
    answers = touch_answers(touch_patient(3))
    config = clinic_config(demo_kiosk_dir)
    larger_text_on(tab, served_demo_kiosk.url)
    start_checkin_by_touch(tab, answers)

    for step, (title, back, go_on) in zip(TOUCH_STEPS, STEPS_AND_THEIR_BUTTONS, strict=True):
        opens_usable(tab, answers, title, back, go_on)
        if title in SCREENSHOTS:
            tab.screenshot(SCREENSHOTS[title])
        step(tab, answers, config)

    [checkin] = sealed(demo_kiosk_dir, RecordKind.CHECKIN)
    assert_touch_checkin_is(checkin, answers)
