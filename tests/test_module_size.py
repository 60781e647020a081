"""A module over 400 lines says at its top why it is that long (issue 15: one job per file)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 400
REASON = "# Over 400 lines: "
MODULES = sorted(path for room in ("kiosk", "sync") for path in (ROOT / room).rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(ROOT)))
def test_a_long_module_says_why_at_its_top(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    if len(lines) > LIMIT:
        assert lines[0].startswith(REASON), (
            f"{path.relative_to(ROOT)} has {len(lines)} lines and no '{REASON}...' line at its top"
        )
