"""Read aloud in a tablet's browser, in Debian's Chromium, on a served demo kiosk with the real
espeak-ng: the patient taps "Read aloud" and "Check in"; the page is told what to say, asks the
kiosk host for each utterance's audio and plays it, and no request leaves the kiosk host."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import ServedKiosk
from kiosk_tab import KioskTab

from kiosk.browser.forked_sessions import SessionProgram
from kiosk.browser.web_server import kiosk_sessions

pytestmark = pytest.mark.slow


def test_the_page_plays_what_the_kiosk_says_from_the_kiosk_host_alone(
    serve_program: Callable[[SessionProgram], ServedKiosk],
    tablet: Callable[[], KioskTab],
    demo_kiosk_dir: Path,
) -> None:
    served = serve_program(kiosk_sessions(demo_kiosk_dir))
    tab = tablet()
    asked: list[dict[str, object]] = []
    tab.page.on(
        "request",
        lambda request: (
            asked.append(json.loads(request.post_data or "{}"))
            if request.url.endswith("/read-aloud")
            else None
        ),
    )
    tab.open(served.url)
    tab.wait_for_text("Check in")
    tab.tap("Read aloud", until=tab.shows("[X] Read aloud"))
    tab.tap_button("Check in", until=tab.shows("About you"))

    def played() -> int:
        return int(tab.page.evaluate("Number(document.body.dataset.readAloudPlayed || 0)"))

    tab.wait_until(lambda: played() >= 2, "the page playing what the kiosk said")
    said = [str(utterance["text"]) for utterance in asked]
    assert "About you" in said  # the step's title, as drawn
    assert all(utterance["language"] == "en" for utterance in asked)
    host = urlsplit(served.url).netloc
    assert all(urlsplit(url).netloc == host for url in tab.requested_urls), tab.requested_urls
