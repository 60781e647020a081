"""Bench: the nurse's side through the screens.

Prints, each the median of several runs in this process:
  BENCH unlock_ms                 id + PIN to the (empty) nurse queue on screen, real Argon2id
  BENCH unlock_keyslot_ms         the same unlock through the kiosk facade alone (baseline)
  BENCH unlock_screen_ratio       unlock_ms / unlock_keyslot_ms
  BENCH queue_open_ms_1000        unlock done to the table of 1,000 of today's check-ins ready
  BENCH summaries_open_ms_1000    opening the 1,000 sealed summaries alone (baseline)
  BENCH queue_open_ui_ratio       queue_open_ms_1000 / summaries_open_ms_1000
Target: queue_open_ms_1000 <= 500.
"""

from __future__ import annotations

import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual.widgets import Input  # noqa: E402

from kiosk.desk.facade import Kiosk  # noqa: E402
from kiosk.desk.staff_shift import StaffShift  # noqa: E402
from kiosk.screens.nurse_queue import NurseQueueScreen  # noqa: E402
from kiosk.screens.staff_unlock import StaffUnlockScreen  # noqa: E402
from kiosk.widgets.staff_queue_table import StaffQueueTable  # noqa: E402
from tests.staff.conftest import NURSE, NURSE_PIN, StaffHostApp  # noqa: E402
from tests.staff.queue_seed import seed_queue  # noqa: E402

RUNS = 5


async def until_queue_ready(app: StaffHostApp, rows: int) -> None:
    while True:
        screen = app.screen
        tables = screen.query(StaffQueueTable) if isinstance(screen, NurseQueueScreen) else []
        if tables and tables[0].row_count == rows and screen.is_mounted:
            return
        await asyncio.sleep(0.0005)


async def screen_unlock_ms(kiosk: Kiosk, rows: int) -> float:
    """Type id and PIN into the unlock screen; ms until the queue with `rows` rows is there."""
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(StaffUnlockScreen(kiosk))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StaffUnlockScreen)
        screen.query_one("#staff-id", Input).value = NURSE
        screen.query_one("#staff-pin", Input).value = NURSE_PIN
        start = time.perf_counter()
        screen.attempt_unlock()
        await until_queue_ready(app, rows)
        elapsed = time.perf_counter() - start
        app.screen.query_one("#staff-lock").press()
        await pilot.pause()
    return elapsed * 1000


async def queue_open_ms(kiosk: Kiosk, rows: int) -> float:
    """With the staff key already unlocked: ms until the queue of `rows` rows is ready."""
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        shift = StaffShift(kiosk, kiosk.unlock(NURSE, NURSE_PIN), idle_seconds=600)
        start = time.perf_counter()
        app.push_screen(NurseQueueScreen(shift))
        await until_queue_ready(app, rows)
        elapsed = time.perf_counter() - start
        app.screen.query_one("#staff-lock").press()
        await pilot.pause()
    return elapsed * 1000


def median_ms(action: object, runs: int = RUNS) -> float:
    assert callable(action)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    shm = Path("/dev/shm")
    base = Path(tempfile.mkdtemp(dir=shm if shm.is_dir() else None))
    try:
        # Real Argon2id cost: the demo kiosk is made exactly as `kiosk init --demo` makes it.
        empty = Kiosk.init(base / "empty", demo=True)
        unlock_keyslot = median_ms(lambda: empty.unlock(NURSE, NURSE_PIN).lock())
        unlock_screen = statistics.median(
            asyncio.run(screen_unlock_ms(empty, 0)) for _ in range(RUNS)
        )
        busy = Kiosk.init(base / "busy", demo=True)
        seed_queue(busy, 1000)
        session = busy.unlock(NURSE, NURSE_PIN)
        summaries = median_ms(session.todays_summaries)
        session.lock()
        queue = statistics.median(asyncio.run(queue_open_ms(busy, 1000)) for _ in range(RUNS))
    finally:
        shutil.rmtree(base)
    print(f"BENCH unlock_ms {unlock_screen:.1f} ms")
    print(f"BENCH unlock_keyslot_ms {unlock_keyslot:.1f} ms")
    print(f"BENCH unlock_screen_ratio {unlock_screen / unlock_keyslot:.2f} x")
    print(f"BENCH queue_open_ms_1000 {queue:.1f} ms")
    print(f"BENCH summaries_open_ms_1000 {summaries:.1f} ms")
    print(f"BENCH queue_open_ui_ratio {queue / summaries:.2f} x")


if __name__ == "__main__":
    main()
