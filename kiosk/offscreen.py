"""Building and laying out a screen before it is shown, so that a step switch costs no layout.

Why this module exists: Textual 8.2.8 has no public "compose now, show later" nor "lay out now,
draw later", and mounting a step screen takes it 60-150 ms, longer than a switch may take
(< 50 ms). So the kiosk builds the next patient's step screens while welcome waits, with the
only calls into Textual's private API it makes (a few widgets override private methods;
the test below names them), all of them here:

- `App._get_screen`: what `push_screen` calls to compose and mount a screen, without showing it;
- `Screen._refresh_layout`, `Screen._layout_required`: lay the screen out at a given size, and
  learn whether a widget asked for another layout while answering the first;
- `Screen._dirty_widgets`, `Screen._compositor.render_update`: draw it once, off-screen, so that
  every widget's line cache is filled and nothing is left to draw when it is shown.

tests/screens/test_offscreen.py fails when a Textual upgrade changes any of these. A
`ContentSwitcher` holding the steps (public API only) switches 2-10 times slower
(bench/content_switcher.py; figures in docs/checkin.md, "Speed")."""

from __future__ import annotations

import asyncio
from typing import Any

from textual.app import App
from textual.geometry import Size
from textual.screen import Screen

#: Layout passes a screen built ahead may take to settle (widgets that size to their width).
_SETTLE_ROUNDS = 4
#: Longest wait for a screen's widgets to handle what one layout pass sent them.
_SETTLE_WAIT_SECONDS = 2.0


async def mount_offscreen(app: App[Any], screen: Screen[Any]) -> None:
    """Compose and mount an installed screen without showing it (what `push_screen` does
    before it shows one)."""
    _, mounted = app._get_screen(screen)
    await mounted


async def lay_out_offscreen(screen: Screen[Any], size: Size) -> None:
    """Lay a mounted, not yet shown screen out until it stops changing, then draw it once
    off-screen, so that showing it costs neither a layout nor drawing every widget."""
    for _ in range(_SETTLE_ROUNDS):
        screen._layout_required = False
        screen._refresh_layout(size)
        await _messages_handled(screen)  # widgets answer their Resize (some then re-size)
        if not screen._layout_required:
            break
    screen._dirty_widgets.clear()
    screen._compositor.render_update(full=True)  # fills every widget's line cache


async def _messages_handled(screen: Screen[Any]) -> None:
    """Wait until every widget on the screen has handled what is queued for it now."""
    loop = asyncio.get_running_loop()
    handled: list[asyncio.Future[None]] = []
    for node in screen.walk_children(with_self=True):
        done: asyncio.Future[None] = loop.create_future()
        if node.call_later(done.set_result, None):
            handled.append(done)
    if handled:
        await asyncio.wait(handled, timeout=_SETTLE_WAIT_SECONDS)
