"""`make demo`: a demo kiosk in ./demo-data (created on first run), started in this terminal.

Demo staff: nurse N100 with PIN 246810, IT IT1 with PIN 135790; F12 opens the staff unlock.
"""

from __future__ import annotations

import sys
from pathlib import Path

from kiosk.app import KioskApp
from kiosk.kiosk import Kiosk, KioskError

DEMO_DATA = Path("demo-data")


def ensure_demo_kiosk(data_dir: Path = DEMO_DATA) -> None:
    """Create the demo kiosk in `data_dir` (demo keys, staff, configuration) unless it exists."""
    if not (data_dir / "kiosk.db").exists():
        Kiosk.init(data_dir, demo=True).close()


def main() -> int:
    try:
        ensure_demo_kiosk()
    except KioskError as error:
        print(f"demo: {error}", file=sys.stderr)
        return 1
    print(f"demo kiosk data: {DEMO_DATA.resolve()} (staff: F12, nurse N100 / PIN 246810)")
    KioskApp(DEMO_DATA).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
