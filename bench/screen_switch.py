"""Screen switch: from pressing Next to the next step drawn, during check-ins at 120x40.

Runs the real App headless (Pilot), one warm-up check-in then CHECKINS measured ones, every
step filled in place and Next pressed with Enter; "drawn" is the first refresh after the new
step is current. The baseline, measured in the same run and process, switches between two
one-label screens. Prints `BENCH screen_switch_ms_p95` (target <= 50), the baseline's p95, and
the median from Submit to the Done screen (which includes sealing the check-in).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textual.app import App  # noqa: E402
from textual.screen import Screen  # noqa: E402
from textual.widgets import Label  # noqa: E402

from bench.checkin_driver import TimedKioskApp, one_checkin  # noqa: E402
from kiosk.app import IdleTimeouts  # noqa: E402
from kiosk.desk.facade import Kiosk  # noqa: E402
from kiosk.vault import Argon2Cost  # noqa: E402

CHECKINS = 5
SIZE = (120, 40)
TARGET_MS = 50.0
NEVER = IdleTimeouts(idle_seconds=10**6, warning_seconds=10**6, done_seconds=10**6)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


class OneLabel(Screen[None]):
    def compose(self):  # type: ignore[no-untyped-def]
        yield Label("Next screen")


def _stamp(drawn: asyncio.Future[float]) -> None:
    drawn.set_result(time.perf_counter())


async def baseline_ms(switches: int) -> list[float]:
    """Two installed one-label screens, switched back and forth: Textual's own floor."""
    app: App[None] = App()
    times: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        app.install_screen(OneLabel(), "a")
        app.install_screen(OneLabel(), "b")
        await app.push_screen("a")
        await app.switch_screen("b")
        await pilot.pause()
        for index in range(switches):
            drawn: asyncio.Future[float] = asyncio.get_running_loop().create_future()
            started = time.perf_counter()
            await app.switch_screen("a" if index % 2 else "b")
            app.call_after_refresh(partial(_stamp, drawn))
            times.append((await drawn - started) * 1000)
    return times


async def kiosk_ms(data: Path) -> tuple[list[float], list[float]]:
    kiosk = Kiosk.open(data)
    app = TimedKioskApp(kiosk, timeouts=NEVER)
    switches: list[float] = []
    submits: list[float] = []
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await one_checkin(app, pilot, lambda _ms: None, lambda _ms: None)  # warm-up
            for _ in range(CHECKINS):
                await one_checkin(app, pilot, switches.append, submits.append)
    finally:
        kiosk.close()
    return switches, submits


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        data = Path(scratch) / "kiosk"
        Kiosk.init(data, demo=True, keyslot_cost=Argon2Cost(memory_kib=64, iterations=1, lanes=1))
        switches, submits = asyncio.run(kiosk_ms(data))
    floor = asyncio.run(baseline_ms(len(switches)))
    value = p95(switches)
    print(f"BENCH screen_switch_ms_p95 {value:.1f} ms")
    print(f"BENCH screen_switch_ms_median {statistics.median(switches):.1f} ms")
    print(f"BENCH screen_switch_baseline_ms_p95 {p95(floor):.1f} ms")
    print(f"BENCH screen_switch_ratio_to_baseline {value / p95(floor):.2f} x")
    print(f"BENCH submit_to_done_ms_median {statistics.median(submits):.1f} ms")
    print(f"target <= {TARGET_MS}: {'met' if value <= TARGET_MS else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
