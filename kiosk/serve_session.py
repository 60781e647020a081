"""One browser tab's kiosk session: open the kiosk's data directory and run the check-in app.

`kiosk serve` runs `python -m kiosk.serve_session --data DIR` once per browser tab. textual-serve
has set TEXTUAL_DRIVER to Textual's web driver, so the app draws into the tab, not a terminal.
When the tab closes, the app is asked to quit; what the patient had finished is already sealed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from kiosk.app import KioskApp
from kiosk.kiosk import Kiosk, KioskError


def main(argv: Sequence[str] | None = None) -> int:
    """Run one session until its tab goes away; a kiosk that cannot open is one stderr line."""
    parser = argparse.ArgumentParser(prog="python -m kiosk.serve_session")
    parser.add_argument("--data", type=Path, required=True, help="the kiosk's data directory")
    arguments = parser.parse_args(argv)
    try:
        kiosk = Kiosk.open(arguments.data)
    except KioskError as error:
        print(f"kiosk session: {error}", file=sys.stderr)
        return 1
    try:
        KioskApp(kiosk).run()
    finally:
        kiosk.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
