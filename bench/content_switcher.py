"""Could a ContentSwitcher replace kiosk/offscreen.py (Textual's private API) at the same speed?

Times one patient's 7 step switches (identity -> ... -> review) both ways, in one process at
120x40, alternating rounds, every round with the steps built afresh (not timed) as each patient
gets them:

- the kiosk's way: each step its own screen, mounted and laid out off-screen
  (`kiosk/offscreen.py`), shown with `switch_screen`;
- public API only: the same step widgets (each step screen's own `compose`, its CSS aimed at
  the pane) as panes of one screen's `ContentSwitcher`, mounted ahead while hidden, shown by
  setting `current`. Textual lays out a hidden pane only when it is shown.

A switch is timed from the call to the first refresh after it (as bench/screen_switch.py's
baseline is). The panes run none of the steps' handlers, so their figure is a floor. Re-run at
a Textual upgrade: where the ratio comes near 1, the private API can go (docs/checkin.md).
"""

from __future__ import annotations

import asyncio
import gc
import re
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textual.app import App, ComposeResult  # noqa: E402
from textual.containers import Container  # noqa: E402
from textual.pilot import Pilot  # noqa: E402
from textual.screen import Screen  # noqa: E402
from textual.widgets import ContentSwitcher  # noqa: E402

from bench.screen_switch import p95  # noqa: E402
from kiosk.app import KioskApp  # noqa: E402
from kiosk.checkin_screens import build_step_screens  # noqa: E402
from kiosk.intake.checkin_steps import STEPS  # noqa: E402
from kiosk.intake.config import default_config  # noqa: E402
from kiosk.offscreen import mount_offscreen  # noqa: E402
from kiosk.screens.step_screen import StepScreen  # noqa: E402
from kiosk.themes import KIOSK_THEMES, STANDARD_THEME  # noqa: E402

ROUNDS = 8
SIZE = (120, 40)
CONFIG = default_config()


def wall_clock() -> datetime:
    return datetime.now(UTC)


def pane_css() -> str:
    """Every step screen's CSS with its selectors aimed at the pane standing in for it."""
    seen: set[type] = set()
    parts: list[str] = []
    for screen in build_step_screens("en", wall_clock, CONFIG).values():
        for cls in type(screen).__mro__:
            if cls in seen or not issubclass(cls, StepScreen):
                continue
            seen.add(cls)
            pane = ".step-pane" if cls is StepScreen else f".pane-{cls.__name__}"
            parts.append(re.sub(rf"\b{cls.__name__}\b", pane, cls.__dict__.get("DEFAULT_CSS", "")))
    return "\n".join(parts)


class StepPane(Container):
    """One step's widgets, composed by its (never mounted) step screen, as a pane."""

    DEFAULT_CSS = "StepPane { layout: vertical; height: 1fr; }"

    def __init__(self, step: StepScreen) -> None:
        super().__init__(id=f"pane-{step.STEP}", classes=f"step-pane pane-{type(step).__name__}")
        self.step = step

    def compose(self) -> ComposeResult:
        yield from self.step.compose()


class CheckInScreen(Screen[None]):
    def compose(self) -> ComposeResult:
        yield ContentSwitcher()


class BenchApp(App[None]):
    """The kiosk's CSS and theme, no kiosk behind it."""

    def __init__(self) -> None:
        super().__init__()
        for theme in KIOSK_THEMES:
            self.register_theme(theme)
        self.theme = STANDARD_THEME
        self.animation_level = "none"


async def drawn_ms(app: App[None], switch: Callable[[], Awaitable[object]]) -> float:
    drawn: asyncio.Future[float] = asyncio.get_running_loop().create_future()
    started = time.perf_counter()
    await switch()
    app.call_after_refresh(lambda: drawn.set_result(time.perf_counter()))
    return (await drawn - started) * 1000


async def offscreen_round(app: BenchApp, pilot: Pilot[None]) -> list[float]:
    screens = build_step_screens("en", wall_clock, CONFIG)
    for name, screen in screens.items():
        app.install_screen(screen, f"step-{name}")
        await mount_offscreen(app, screen)
        await screen.lay_out_ahead(app.size)
    await app.switch_screen("step-identity")
    await pilot.pause()
    times = []
    for name in STEPS[1:]:
        times.append(await drawn_ms(app, lambda name=name: app.switch_screen(f"step-{name}")))
        await pilot.pause()
    await app.switch_screen("welcome")
    for name, screen in screens.items():
        app.uninstall_screen(f"step-{name}")
        await screen.remove()
    return times


async def content_switcher_round(app: BenchApp, pilot: Pilot[None]) -> list[float]:
    screen = CheckInScreen()
    app.install_screen(screen, "check-in")
    await app.switch_screen("check-in")  # the one check-in screen, its steps not in it yet
    await app.switch_screen("welcome")
    switcher = screen.query_one(ContentSwitcher)
    panes = [StepPane(step) for step in build_step_screens("en", wall_clock, CONFIG).values()]
    for pane in panes:
        pane.display = False  # as ContentSwitcher keeps every pane but the current one
    await switcher.mount_all(panes)
    switcher.current = "pane-identity"
    await app.switch_screen("check-in")
    await pilot.pause()
    times = []
    for name in STEPS[1:]:

        async def show(name: str = name) -> None:
            switcher.current = f"pane-{name}"

        times.append(await drawn_ms(app, show))
        await pilot.pause()
    await app.switch_screen("welcome")
    app.uninstall_screen("check-in")
    await screen.remove()
    return times


async def measure() -> tuple[list[float], list[float]]:
    BenchApp.CSS = KioskApp.CSS + pane_css()
    app = BenchApp()
    offscreen: list[float] = []
    switcher: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        app.install_screen(Screen(), "welcome")
        await app.push_screen("welcome")
        await offscreen_round(app, pilot)  # warm-up, both ways
        await content_switcher_round(app, pilot)
        gc.collect()
        gc.freeze()  # as the kiosk holds full collections off mid-check-in
        for _ in range(ROUNDS):
            offscreen += await offscreen_round(app, pilot)
            switcher += await content_switcher_round(app, pilot)
    return offscreen, switcher


def main() -> int:
    offscreen, switcher = asyncio.run(measure())
    print(f"BENCH step_switch_offscreen_ms_p95 {p95(offscreen):.1f} ms")
    print(f"BENCH step_switch_offscreen_ms_median {statistics.median(offscreen):.1f} ms")
    print(f"BENCH step_switch_content_switcher_ms_p95 {p95(switcher):.1f} ms")
    print(f"BENCH step_switch_content_switcher_ms_median {statistics.median(switcher):.1f} ms")
    print(f"BENCH content_switcher_to_offscreen_ratio_p95 {p95(switcher) / p95(offscreen):.2f} x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
