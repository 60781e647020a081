"""Start-up: kiosk process start to the welcome screen ready, over a bare Textual app (target 1.3).

Both are whole processes, run headless, alternately, RUNS times each; each exits as soon as its
first screen is drawn (`on_ready`, then one refresh). The kiosk is started the way `make demo`
starts it, on a data directory made once beforehand: it draws the welcome screen from the clinic
configuration and opens the kiosk's keys and database just after (so those imports, which a bare
Textual app does not have, are not part of this figure; they delay "Check in" by ~0.5 s at most).

Two conditions, each a median of RUNS: `startup_ratio` with compiled bytecode for every module
(as an installed kiosk runs: pip compiles at install; kept in a scratch PYTHONPYCACHEPREFIX, so
nothing is written into the work tree), and `startup_ratio_inherited_env` in the environment as
given (where PYTHONDONTWRITEBYTECODE is set, the kiosk's own modules are compiled from source at
every start, Textual's come compiled from site-packages).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kiosk.desk.facade import Kiosk  # noqa: E402
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


def run_once(code: str, env: dict[str, str], *args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=env, check=True)
    return time.perf_counter() - started


def medians(data: Path, env: dict[str, str]) -> tuple[float, float]:
    """Median seconds (bare, kiosk) over RUNS alternating starts, after one warm-up of each."""
    run_once(BARE, env)  # warms the file cache (and, with a cache prefix, compiles once)
    run_once(KIOSK, env, str(data))
    bare, kiosk = [], []
    for _ in range(RUNS):
        bare.append(run_once(BARE, env))
        kiosk.append(run_once(KIOSK, env, str(data)))
    return statistics.median(bare), statistics.median(kiosk)


def report(suffix: str, bare_s: float, kiosk_s: float) -> None:
    print(f"BENCH startup_bare_s{suffix} {bare_s:.3f} s")
    print(f"BENCH startup_kiosk_s{suffix} {kiosk_s:.3f} s")
    print(f"BENCH startup_ratio{suffix} {kiosk_s / bare_s:.2f} x")


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        data = Path(scratch) / "kiosk"
        Kiosk.init(data, demo=True, keyslot_cost=Argon2Cost(memory_kib=64, iterations=1, lanes=1))
        compiled = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        compiled["PYTHONPYCACHEPREFIX"] = str(Path(scratch) / "bytecode")
        bare_s, kiosk_s = medians(data, compiled)
        inherited = medians(data, dict(os.environ))
    report("", bare_s, kiosk_s)
    report("_inherited_env", *inherited)
    ratio = kiosk_s / bare_s
    print(f"target <= {TARGET}: {'met' if ratio <= TARGET else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
