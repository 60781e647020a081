"""Runs exported bundles through the real FHIR engine in tests/fhir_engine (Medplum, by Node)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

ENGINE = Path(__file__).parents[1] / "fhir_engine"


def import_into_engine(*imports: list[dict[str, Any]]) -> dict[str, Any]:
    """Each argument is one import (a list of bundles) into the same Medplum repository.

    Every bundle goes in as one transaction. The answer (tests/fhir_engine/import_bundles.mjs):
    per import the resources created, updated and unchanged per resource type, every failure
    and the references of each bundle that did not resolve once it was in; what the repository
    holds per type; references that do not resolve; validation issues.
    """
    if not (ENGINE / "node_modules" / "@medplum" / "fhir-router").is_dir():
        pytest.fail("the FHIR engine is not installed: run `make services` (npm ci from the lock)")
    done = subprocess.run(
        ["node", "import_bundles.mjs"],
        cwd=ENGINE,
        input=json.dumps({"imports": list(imports)}),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout)
    return result
