"""`make demo`: a demo kiosk in ./demo-data (created on first run), started in this terminal.

Demo staff: nurse N100 with PIN 246810, IT IT1 with PIN 135790; F12 opens the staff unlock.
"""

from __future__ import annotations

import sys
from pathlib import Path

from kiosk.app import KioskApp
from kiosk.kiosk import Kiosk, KioskError

DEMO_DATA = Path("demo-data")


def open_demo_kiosk(data_dir: Path = DEMO_DATA) -> Kiosk:
    """The demo kiosk in `data_dir`, created with demo keys, staff and configuration if new."""
    if (data_dir / "kiosk.db").exists():
        return Kiosk.open(data_dir)
    return Kiosk.init(data_dir, demo=True)


def main() -> int:
    try:
        kiosk = open_demo_kiosk()
    except KioskError as error:
        print(f"demo: {error}", file=sys.stderr)
        return 1
    print(f"demo kiosk data: {DEMO_DATA.resolve()} (staff: F12, nurse N100 / PIN 246810)")
    try:
        KioskApp(kiosk).run()
    finally:
        kiosk.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
