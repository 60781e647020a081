"""A complete check-in through the served kiosk in Debian's Chromium, scripted (no target yet).

Serves a demo kiosk on a free loopback port and runs the browser tests' patient script
(tests/browser/patient_script.py: taps, typing, the consent scrolled and signed) in a fresh
tablet-sized tab, RUNS times; prints the median seconds from opening the page to "Thank you!"
and, separately, from opening the page to the welcome screen. The script waits for the kiosk to
finish drawing after each step, so the figure is what a very quick patient would need.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "browser")]

from conftest import CHROMIUM, CHROMIUM_ARGS, TABLET_VIEWPORT  # noqa: E402
from kiosk_tab import KioskTab  # noqa: E402
from patient_script import begin_checkin, finish_checkin, patient  # noqa: E402

from kiosk.browser.web_server import KioskWebServer, kiosk_sessions  # noqa: E402
from kiosk.desk.facade import Kiosk  # noqa: E402

RUNS = 3


def main() -> int:
    if not CHROMIUM.exists():
        print("browser_checkin: no /usr/bin/chromium (run scripts/ensure-chromium)")
        return 1
    with tempfile.TemporaryDirectory() as scratch:
        data_dir = Path(scratch) / "kiosk"
        kiosk = Kiosk.init(data_dir, demo=True)
        config = kiosk.config
        kiosk.close()
        loop = asyncio.new_event_loop()
        server = KioskWebServer(kiosk_sessions(data_dir), host="127.0.0.1", port=0)
        url = loop.run_until_complete(server.start())
        thread = threading.Thread(target=loop.run_forever, daemon=True)
        thread.start()
        welcome_s: list[float] = []
        checkin_s: list[float] = []
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
                )
                for run in range(RUNS):
                    context = browser.new_context(viewport=TABLET_VIEWPORT, has_touch=True)
                    tab = KioskTab(context.new_page())
                    started = time.perf_counter()
                    tab.open(url)
                    tab.wait_for_text("Check in")
                    welcome_s.append(time.perf_counter() - started)
                    who = patient(run % 4)
                    begin_checkin(tab, who)
                    finish_checkin(tab, who, config)
                    checkin_s.append(time.perf_counter() - started)
                    context.close()
                browser.close()
        finally:
            asyncio.run_coroutine_threadsafe(server.stop(), loop).result(60)
            loop.call_soon_threadsafe(loop.stop)
            thread.join(10)
    print(f"BENCH browser_welcome_s {statistics.median(welcome_s):.2f} s")
    print(f"BENCH browser_checkin_s {statistics.median(checkin_s):.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
