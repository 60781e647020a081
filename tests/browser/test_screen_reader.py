"""A screen reader on the tablet hears the kiosk (kiosk/page_mirror.py, kiosk-page.js), read
through Chromium's accessibility tree: the aria snapshot of the page's live region names the
screen's title and what the patient is on, each drawn whole on the screen, and follows the
patient from box to box, Tab and Shift+Tab keeping the page's focus in the terminal; through a
whole check-in, every step is named as it opens, with its first box or its first question and
that question's options."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ServedKiosk
from kiosk_tab import KioskTab
from patient_script import REMAINING_STEPS, begin_checkin, patient, words
from step_mirror import is_drawn_whole, mirror, named, wait_for_mirror_of
from test_browser_checkin import assert_checkin_is, clinic_config, sealed

from kiosk.intake.records import RecordKind

pytestmark = pytest.mark.slow


def test_a_screen_reader_hears_the_welcome_and_follows_the_patient_from_box_to_box(
    served_demo_kiosk: ServedKiosk, tablet: Callable[[], KioskTab]
) -> None:
    tab = tablet()
    tab.open(served_demo_kiosk.url)
    welcome = wait_for_mirror_of(tab, "Infusion Clinic")
    assert "Check in" in named(welcome, "button")  # the whole screen, or what has the focus
    tab.tap_button("Check in", until=tab.shows("About you"))

    about_you = wait_for_mirror_of(tab, "About you")
    assert named(about_you, "textbox") == ["Full legal name"]
    tab.press("Tab")
    tab.wait_until(
        lambda: named(mirror(tab), "textbox") == ["Preferred name (optional)"],
        "the mirror following the patient to the next box",
    )
    tab.press("Shift+Tab")
    tab.wait_until(
        lambda: named(mirror(tab), "textbox") == ["Full legal name"],
        "the mirror following the patient back",
    )
    # The page's focus stayed in the terminal: what the patient types next reaches the box
    # (in screen-reader mode the browser's own Shift+Tab took the focus out of the page's
    # terminal, and the keys after it went nowhere).
    tab.page.keyboard.type("Ana")
    tab.wait_for(tab.box_shows("Full legal name", "Ana"))


#: Each step after "About you", the mirror's heading, and what it names the patient is on when
#: the step opens (its first box, its first question with that question's options, or Submit).
STEPS_AS_HEARD = (
    ("Medications and allergies", "textbox", ["Medication name"]),
    ("Your health history", "radio", ["Yes", "No", "Not sure"]),
    ("Your migraine history", "textbox", ["Headache days a month (0-31)"]),
    ("How you have been feeling", "radio", [words(f"questions.phq9.option{n}") for n in range(4)]),
    ("Today", "textbox", ["Last solid food"]),
    ("Consent", "textbox", ["Your full legal name (signature)"]),
    ("Check your answers", "button", ["Submit"]),
)


def heading(tab: KioskTab) -> str | None:
    """The screen's title as the mirror says it now."""
    return next(iter(named(mirror(tab), "heading")), None)


def test_a_screen_reader_hears_every_step_of_a_check_in_name_its_question_and_choices(
    served_demo_kiosk: ServedKiosk, tablet: Callable[[], KioskTab], demo_kiosk_dir: Path
) -> None:
    """A whole check-in on a tablet: as each step opens, the aria snapshot of the page's mirror
    names the step and the question the patient is on, a list's question with its options,
    each drawn whole on the screen; the check-in is sealed as answered."""
    tab = tablet()
    tab.open(served_demo_kiosk.url)
    who = patient(6)
    config = clinic_config(demo_kiosk_dir)
    begin_checkin(tab, who)
    for step, (title, role, names) in zip(REMAINING_STEPS, STEPS_AS_HEARD, strict=True):
        if title == "Consent":
            # The consent opens at the top of its text with the focus in the signature box out
            # of sight below it (read first, sign after): the mirror names that box, which is
            # not drawn until the patient scrolls to it. (The mirror does not carry the consent's
            # text itself yet.)
            tab.wait_until(lambda: heading(tab) == "Consent", "the mirror saying Consent")
            snapshot = mirror(tab)
        else:
            snapshot = wait_for_mirror_of(tab, title)
        assert named(snapshot, role) == names, snapshot
        if role == "radio":  # the options are those of the question the patient is on
            (question,) = named(snapshot, "radiogroup")
            assert is_drawn_whole(tab, question)
        step(tab, who, config)
    (checkin,) = sealed(demo_kiosk_dir, RecordKind.CHECKIN)
    assert_checkin_is(checkin, who)
