"""Schemathesis, driven by the server's own /openapi.json, finds no 500 and no answer that
breaks the description (bounded examples so the suite stays fast)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from clinic_server_harness import make_home, start_server

CHECKS = ",".join(
    (
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "response_headers_conformance",
    )
)


def test_generated_requests_never_get_a_server_error(tmp_path: Path) -> None:
    home = make_home(tmp_path)
    server = start_server(home)
    try:
        environment = {
            **os.environ,
            "SCHEMATHESIS_HOOKS": "schemathesis_hooks",
            "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), *sys.path]),
        }
        command = [
            str(Path(sys.executable).parent / "schemathesis"), "run",
            f"{server.url}/openapi.json", "--checks", CHECKS, "--max-examples", "5",
            "--seed", "20260301", "--no-color", 
        ]  # fmt: skip
        run = subprocess.run(
            command, env=environment, capture_output=True, text=True, timeout=240, cwd=tmp_path
        )
        assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
        assert "Server error" not in run.stdout
    finally:
        server.stop()
