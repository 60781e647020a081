"""One browser tab's kiosk session: open the kiosk's data directory and run the check-in app.

`kiosk serve` has the session forker (session_forker.py) load this module once, call
`preload()`, and fork `main(["--data", DIR])` once per browser tab. The forker runs with
TEXTUAL_DRIVER set to Textual's web driver, so the app draws into the tab, not a terminal.
When the tab closes, the app is asked to quit; what the patient had finished is already sealed.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, TextIO

from kiosk.app import KioskApp
from kiosk.desk.errors import KioskError
from kiosk.desk.facade import Kiosk
from kiosk.intake.config import default_config
from kiosk.intake.drugs import drug_list
from kiosk.locale import LANGUAGES, catalog
from kiosk.speech.voices import installed_voices

#: What a session imports only later (step screens after the welcome screen, staff screens at
#: the staff key, the sync engine at the first sync): loaded once in the forker instead.
LATER_IMPORTS = (
    "kiosk.checkin_screens",
    "kiosk.screens.staff_unlock",
    "kiosk.screens.it_console",
    "sync.client.engine",
)

CRASH_NOTE = (
    "kiosk session: ended by an error; details withheld because they may hold patient data "
    "(reproduce it with `make demo` on test data)"
)


class SessionApp(Protocol):
    """What a session runs: the kiosk App (or, in tests, a stand-in)."""

    @property
    def return_code(self) -> int | None: ...

    def run(self) -> object: ...


def _stderr_withheld() -> TextIO:
    """Point this process's stderr at /dev/null and return the real one.

    Why: Textual prints a crash's traceback with local variables (patient answers among them)
    on stderr, and textual-serve copies a session's stderr into the service log.
    """
    real_stderr = os.fdopen(os.dup(2), "w")
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    os.close(null)
    return real_stderr


def run_withholding_errors(app: SessionApp) -> int:
    """Run `app`; a crash leaves one fixed line in the log and no traceback. Its exit code."""
    real_stderr = _stderr_withheld()
    try:
        app.run()
    except Exception:
        code = 1  # its traceback, too, may name patient values
    else:
        code = app.return_code or 0  # None: closed by its tab or by the server, not an error
    if code != 0:
        print(CRASH_NOTE, file=real_stderr, flush=True)
    return code


def preload() -> None:
    """Load, before any session is forked, what every session would otherwise load for itself:
    the modules it imports late, the words of every language, the drug list, the defaults, the
    read-aloud voices."""
    for module in LATER_IMPORTS:
        importlib.import_module(module)
    for language in LANGUAGES:
        catalog(language)
    drug_list()
    default_config()
    installed_voices()  # one `espeak-ng --voices` for every tab


def main(argv: Sequence[str] | None = None) -> int:
    """Run one session until its tab goes away; a kiosk that cannot open is one stderr line."""
    parser = argparse.ArgumentParser(prog="python -m kiosk.browser.tab_session")
    parser.add_argument("--data", type=Path, required=True, help="the kiosk's data directory")
    arguments = parser.parse_args(argv)
    try:
        kiosk = Kiosk.open(arguments.data)
    except KioskError as error:
        print(f"kiosk session: {error}", file=sys.stderr)
        return 1
    try:
        # No sync of its own: the kiosk host runs one sync loop for every tab (web_server.py).
        return run_withholding_errors(KioskApp(kiosk, sync_interval=None))
    finally:
        kiosk.close()


if __name__ == "__main__":
    sys.exit(main())
