"""A screen reader on the tablet hears the kiosk (kiosk/page_mirror.py, kiosk-page.js), read
through Chromium's accessibility tree: the aria snapshot of the page's live region names the
screen's title and what the patient is on, each drawn whole on the screen, and follows the
patient from box to box, Tab and Shift+Tab keeping the page's focus in the terminal."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import ServedKiosk
from kiosk_tab import KioskTab
from step_mirror import mirror, named, wait_for_mirror_of

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
