"""The kiosk's messages reach its page in Chromium (kiosk/page_channel.py and
kioskPage.onMessage in kiosk-page.js): exactly as sent, malformed ones dropped, the session
working on afterwards."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import ServedKiosk
from kiosk_tab import KioskTab
from page_message_app import GREETING

from kiosk.browser.forked_sessions import SessionProgram

pytestmark = pytest.mark.slow

LISTEN = """() => {
  window.heard = [];
  for (const kind of ["greeting", "garbage", "after_garbage"]) {
    kioskPage.onMessage(kind, (body) => window.heard.push([kind, body]));
  }
}"""


@pytest.fixture
def page_message_kiosk(
    serve_program: Callable[[SessionProgram], ServedKiosk], tiny_app_importable: None
) -> ServedKiosk:
    return serve_program(SessionProgram("page_message_app"))


def _heard(tab: KioskTab, count: int) -> list[list[object]]:
    tab.page.wait_for_function(f"window.heard.length >= {count}")
    heard: list[list[object]] = tab.page.evaluate("window.heard")
    return heard


def test_the_page_hears_the_kiosk_s_messages_and_drops_malformed_ones(
    page_message_kiosk: ServedKiosk, tablet: Callable[[], KioskTab]
) -> None:
    tab = tablet()
    tab.open(page_message_kiosk.url)
    tab.wait_for_text("Say hello")
    tab.page.evaluate(LISTEN)

    tab.tap("Say hello", until=tab.shows("Messages sent: 1 greeting"))
    assert _heard(tab, 1) == [["greeting", {"words": GREETING, "number": 17}]]

    tab.tap("Send garbage", until=tab.shows("garbage and one more"))
    assert _heard(tab, 2)[1:] == [["after_garbage", {"words": "still listening"}]]

    tab.tap("Type here", until=tab.cursor_on_row_of("Type here"), new_effect=False)
    tab.type("Ada")
    tab.wait_for_text("Ada")
    assert _heard(tab, 2)[2:] == [], "a malformed message reached a handler"
