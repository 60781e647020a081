"""The domain, vault, store, application layer, command line and every sync module load without
textual or rich.

One known exception is tolerated and named: httpx 0.28 imports rich for its own command-line
tool (`httpx._main`) whenever rich is installed, which it always is beside textual. Our code
must never import either package itself.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import kiosk.desk
import sync

ROOT = Path(__file__).resolve().parent.parent
CORE = ["kiosk.intake", "kiosk.vault", "kiosk.store", "kiosk.cli.main"]
TOLERATED = {("rich", "httpx._main")}

# Runs in a fresh interpreter: records which module first asked for textual or rich.
_WATCH = """
import importlib, json, sys
importers = []
class Watch:
    def find_spec(self, name, path=None, target=None):
        if name in ("textual", "rich"):
            frame = sys._getframe(1)
            while frame and frame.f_code.co_filename.startswith("<frozen"):
                frame = frame.f_back
            importers.append([name, frame.f_globals.get("__name__") if frame else None])
        return None
sys.meta_path.insert(0, Watch())
for name in json.loads(sys.argv[1]):
    importlib.import_module(name)
ui = sorted({m.split(".")[0] for m in sys.modules} & {"textual", "rich"})
print(json.dumps({"importers": importers, "loaded": ui}))
"""


def _modules_of(package: ModuleType) -> list[str]:
    """The package and every module in it, by name."""
    prefix = f"{package.__name__}."
    return [package.__name__] + [
        info.name for info in pkgutil.walk_packages(package.__path__, prefix=prefix)
    ]


def _ui_imports(modules: list[str]) -> set[tuple[str, str]]:
    """(package, importing module) pairs seen while importing `modules` in a new interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", _WATCH, json.dumps(modules)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, f"importing {modules} failed:\n{done.stderr}"
    report = json.loads(done.stdout)
    importers = {(name, str(importer)) for name, importer in report["importers"]}
    # A UI package present without a recorded importer would be a hole in the watch itself.
    assert set(report["loaded"]) <= {name for name, _ in importers}
    return importers - TOLERATED


def test_the_kiosk_core_never_pulls_in_the_terminal_ui() -> None:
    modules = CORE + _modules_of(kiosk.desk)
    assert len(modules) > len(CORE) + 1
    assert _ui_imports(modules) == set()


def test_no_sync_module_pulls_in_the_terminal_ui() -> None:
    modules = _modules_of(sync)
    assert len(modules) > 1
    assert _ui_imports(modules) == set()
