"""What a screen reader finds in the page's mirror of the step (kiosk/page_mirror.py,
kiosk-page.js), read through Chromium's accessibility tree (Playwright's aria snapshot)."""

from __future__ import annotations

import re
from collections.abc import Callable

from kiosk_tab import Effect, KioskTab

#: One node of an aria snapshot: its role and its name (`- radio "No" [checked]`).
_NODE = re.compile(r'^\s*- (\w+) "((?:[^"\\]|\\.)*)"', re.MULTILINE)
#: What a patient answers or presses: the question the patient is on is one of these.
ANSWERABLE = frozenset({"textbox", "radiogroup", "radio", "checkbox", "button"})
#: What the terminal draws around words: borders, box edges, a scrollbar, spaces.
_DRAWING = re.compile(r"[▊▎▔▁▌▐│┃─━╭╮╰╯▇▆▅▄▃▂█\s]+")


def mirror(tab: KioskTab) -> str:
    """The aria snapshot of the page's live region now."""
    return tab.page.locator("#step-mirror[aria-live=polite]").aria_snapshot()


def named(snapshot: str, *roles: str) -> list[str]:
    """The names of the snapshot's nodes of these roles, in order."""
    return [name for role, name in _NODE.findall(snapshot) if role in roles]


def drawn_words(tab: KioskTab) -> str:
    """The screen's words in reading order, borders dropped, wrapped lines joined."""
    return _DRAWING.sub(" ", tab.screen.text())


def is_drawn_whole(tab: KioskTab, words: str) -> bool:
    """`words` stand on the screen whole (wrapped, perhaps, but not cut off)."""
    return _DRAWING.sub(" ", words).strip() in drawn_words(tab)


def drawn(tab: KioskTab, words: str) -> Callable[[], bool]:
    return lambda: is_drawn_whole(tab, words)


def wait_for_mirror_of(tab: KioskTab, title: str) -> str:
    """Wait until the mirror says the step whose title starts with `title`, then until
    everything it names to answer or press is drawn whole on the screen. The snapshot."""
    tab.wait_until(
        lambda: any(name.startswith(title) for name in named(mirror(tab), "heading")),
        f"the mirror saying {title!r}",
    )
    snapshot = mirror(tab)
    answerable = [name for name in named(snapshot, *ANSWERABLE) if name.strip()]
    assert answerable, f"the mirror of {title!r} names nothing to answer:\n{snapshot}"
    for name in answerable:
        tab.wait_for(Effect(f"{name!r}, which the mirror names, drawn whole", drawn(tab, name)))
    return snapshot
