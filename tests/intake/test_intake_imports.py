"""The intake domain and the locale never pull in the terminal UI (DESIGN section 2)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import kiosk.intake


def test_every_intake_module_and_the_locale_import_without_textual_or_rich() -> None:
    found = pkgutil.walk_packages(kiosk.intake.__path__, prefix="kiosk.intake.")
    modules = [info.name for info in found]
    modules.append("kiosk.locale")
    program = (
        f"import importlib, sys\nfor name in {modules!r}:\n    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    )
    assert {"kiosk.intake.rules", "kiosk.intake.chair.state"} <= set(modules)
    assert result.stdout.strip() == "[]"
