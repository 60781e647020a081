"""Start-up: kiosk process start to the welcome screen ready, over a bare Textual app (target 1.3).

Both are whole processes, run headless, alternately, RUNS times each; each exits as soon as its
first screen is drawn (`on_ready`, then one refresh). The kiosk is started the way `make demo`
starts it, on a data directory made once beforehand: it draws the welcome screen from the clinic
configuration and opens the kiosk's keys and database just after (so those imports, which a bare
Textual app does not have, are not part of this figure; they delay "Check in" by ~0.5 s at most).
Prints `BENCH startup_ratio <median kiosk / median bare> x` and both medians.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kiosk.kiosk import Kiosk  # noqa: E402
from kiosk.vault import Argon2Cost  # noqa: E402

RUNS = 7
TARGET = 1.3

BARE = """
from textual.app import App
from textual.widgets import Label

class Bare(App[None]):
    def compose(self):
        yield Label("Welcome")

    def on_ready(self) -> None:
        self.call_after_refresh(self.exit)

Bare().run(headless=True, size=(120, 40))
"""

KIOSK = """
import sys
from pathlib import Path
from kiosk.app import KioskApp

class TimedKiosk(KioskApp):
    def on_ready(self) -> None:
        self.call_after_refresh(self.exit)

TimedKiosk(Path(sys.argv[1])).run(headless=True, size=(120, 40))
"""


def run_once(code: str, *args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, check=True)
    return time.perf_counter() - started


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        data = Path(scratch) / "kiosk"
        Kiosk.init(data, demo=True, keyslot_cost=Argon2Cost(memory_kib=64, iterations=1, lanes=1))
        run_once(BARE)  # warm the file cache for both
        run_once(KIOSK, str(data))
        bare, kiosk = [], []
        for _ in range(RUNS):
            bare.append(run_once(BARE))
            kiosk.append(run_once(KIOSK, str(data)))
    bare_s, kiosk_s = statistics.median(bare), statistics.median(kiosk)
    ratio = kiosk_s / bare_s
    print(f"BENCH startup_bare_s {bare_s:.3f} s")
    print(f"BENCH startup_kiosk_s {kiosk_s:.3f} s")
    print(f"BENCH startup_ratio {ratio:.2f} x")
    print(f"target <= {TARGET}: {'met' if ratio <= TARGET else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
