"""Memory: resident set growth over 100 complete check-ins in one kiosk process (target 10 MB).

Runs the real App headless, drives WARMUP check-ins (caches, first imports, Textual's own
pools), then CHECKINS more, each from welcome through every step, submit, Done and the wipe.
Prints `BENCH rss_growth_mb_100 <MB after - MB before>` and, as the same-run baseline, the
growth over the warm-up itself.
"""

from __future__ import annotations

import asyncio
import gc
import sys
import tempfile
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.checkin_driver import TimedKioskApp, one_checkin  # noqa: E402
from kiosk.app import IdleTimeouts  # noqa: E402
from kiosk.desk.facade import Kiosk  # noqa: E402
from kiosk.vault import Argon2Cost  # noqa: E402

WARMUP = 10
CHECKINS = 100
TARGET_MB = 10.0
NEVER = IdleTimeouts(idle_seconds=10**6, warning_seconds=10**6, done_seconds=10**6)


def rss_mb() -> float:
    gc.collect()
    return float(psutil.Process().memory_info().rss) / 1_000_000


async def measure(data: Path) -> tuple[float, float, float]:
    kiosk = Kiosk.open(data)
    app = TimedKioskApp(kiosk, timeouts=NEVER)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            start = rss_mb()
            for _ in range(WARMUP):
                await one_checkin(app, pilot, lambda _ms: None, lambda _ms: None)
            warm = rss_mb()
            for _ in range(CHECKINS):
                await one_checkin(app, pilot, lambda _ms: None, lambda _ms: None)
            end = rss_mb()
    finally:
        kiosk.close()
    return start, warm, end


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        data = Path(scratch) / "kiosk"
        Kiosk.init(data, demo=True, keyslot_cost=Argon2Cost(memory_kib=64, iterations=1, lanes=1))
        start, warm, end = asyncio.run(measure(data))
    growth = end - warm
    print(f"BENCH rss_warmup_growth_mb_{WARMUP} {warm - start:.1f} MB")
    print(f"BENCH rss_growth_mb_{CHECKINS} {growth:.1f} MB")
    print(f"target <= {TARGET_MB}: {'met' if growth <= TARGET_MB else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
