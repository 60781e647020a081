"""The kiosk's messages to its own page in a tablet's browser, inside the terminal stream.

A served kiosk can tell the page things the terminal grid cannot carry: the words of the current
step for a screen reader, the text size, a sound to play. Each message is one JSON object
`{"kind": KIND, "body": {...}}` inside a private OSC escape sequence, `ESC ] 7717 ; JSON BEL`,
which the page's terminal (xterm.js) hands to the page's handler and never draws
(`kiosk/browser/page/static/kiosk-page.js`, `kioskPage.onMessage(kind, handler)`).

The JSON is ASCII only (every other character escaped as \\uXXXX), so nothing a patient types,
not even an escape character or a BEL, can end the sequence early or reach the terminal; a
message is at most MAX_PAGE_MESSAGE_BYTES. A kiosk in a real terminal sends nothing: the
terminal has no page, and an unknown OSC could show as garbage in some terminals.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Protocol

#: The OSC number of the kiosk's page messages (a private number no terminal uses).
PAGE_CHANNEL_OSC = 7717
#: The largest message the page accepts, as sent (the whole consent text fits many times).
MAX_PAGE_MESSAGE_BYTES = 64 * 1024
_KIND = re.compile(r"[a-z][a-z_]{0,31}")


class _TerminalWriter(Protocol):
    def write(self, data: str) -> None: ...


class ServedApp(Protocol):
    """What sending needs of a Textual App (typed here: nothing below the screens imports
    textual)."""

    @property
    def is_web(self) -> bool: ...

    @property
    def _driver(self) -> _TerminalWriter | None: ...


class PageMessageRefused(ValueError):
    """A page message with a malformed kind, or too large to send."""


def page_message(kind: str, body: Mapping[str, object]) -> str:
    """The escape sequence carrying `body` to the page as a message of `kind`."""
    if not _KIND.fullmatch(kind):
        raise PageMessageRefused(f"a page message's kind must be lower_case words, not {kind!r}")
    payload = json.dumps(
        {"kind": kind, "body": dict(body)}, ensure_ascii=True, separators=(",", ":")
    )
    if len(payload) > MAX_PAGE_MESSAGE_BYTES:
        raise PageMessageRefused(
            f"a {kind!r} page message of {len(payload)} bytes is over the "
            f"{MAX_PAGE_MESSAGE_BYTES}-byte limit"
        )
    return f"\x1b]{PAGE_CHANNEL_OSC};{payload}\x07"


def send_to_page(app: ServedApp, kind: str, body: Mapping[str, object]) -> bool:
    """Send a message to the page when `app` is served to a browser; False in a terminal.

    Call it from the app's own thread (a handler, not a thread worker): the screen's updates
    are written from there too, and a message must not land inside one of them.
    """
    if not app.is_web:
        return False
    # Private API: Textual's own OSC 52 (copy to clipboard) is written the same way.
    driver = app._driver
    assert driver is not None  # is_web says there is one
    driver.write(page_message(kind, body))
    return True
