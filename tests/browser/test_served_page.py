"""The served page itself: a tablet loads only the kiosk host, and each tab is its own kiosk."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from conftest import ServedKiosk
from kiosk_tab import KioskTab

pytestmark = pytest.mark.slow


def test_a_tablet_talks_only_to_the_kiosk_host_while_a_patient_types_and_taps(
    tiny_kiosk: ServedKiosk, tablet: Callable[[], KioskTab]
) -> None:
    tab = tablet()
    tab.open(tiny_kiosk.url)
    tab.wait_for_text("Welcome, session")
    tab.tap("Your name", until=tab.cursor_on_row_of("Your name"), new_effect=False)
    tab.type("Ada")
    tab.tap("Continue", until=tab.shows("Thank you Ada"))

    kiosk_host = urlsplit(tiny_kiosk.url).netloc
    other_hosts = {urlsplit(url).netloc for url in tab.requested_urls} - {kiosk_host}
    assert tab.requested_urls, "the recorder saw no request at all"
    assert other_hosts == set(), f"the page asked other hosts: {other_hosts}"


def test_two_tabs_each_get_their_own_kiosk_session(
    tiny_kiosk: ServedKiosk, tablet: Callable[[], KioskTab]
) -> None:
    first, second = tablet(), tablet()
    first.open(tiny_kiosk.url)
    second.open(tiny_kiosk.url)
    first_session, second_session = session_of(first), session_of(second)
    first.tap("Your name", until=first.cursor_on_row_of("Your name"), new_effect=False)
    first.type("Ada")
    # The whole greeting: the label is drawn at its old width first, then laid out again.
    first.tap("Continue", until=first.shows(f"Thank you Ada, session {first_session}"))

    assert second.screen.find("Ada") is None, "one tablet's answer showed on the other"
    assert second.screen.find(f"Welcome, session {second_session}") is not None
    assert first_session != second_session


def session_of(tab: KioskTab) -> str:
    """The process id the stand-in kiosk's welcome shows."""
    tab.wait_for_text("Welcome, session")
    found = re.search(r"Welcome, session (\d+)", tab.screen.lines()[0])
    assert found is not None, f"no session on the first row: {tab.screen.lines()[0]!r}"
    return found.group(1)
