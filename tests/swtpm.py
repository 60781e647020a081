"""A real software TPM 2.0 (Debian's swtpm) for the tests and the benchmark.

`running_swtpm()` starts one in socket mode with a fresh state folder (a new TPM, as a machine
ships it: empty owner and lockout authorizations), waits until it answers, yields the TCTI the
kiosk reaches it by (`swtpm:path=...`, what `KIOSK_TPM_TCTI` takes), and stops it afterwards.
`make services` installs swtpm (scripts/ensure-swtpm).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STARTUP_DEADLINE_S = 30.0
POLL_S = 0.02


@contextmanager
def running_swtpm() -> Iterator[str]:
    """A fresh TPM for the duration of the block; its TCTI string."""
    program = shutil.which("swtpm")
    if program is None:
        raise RuntimeError("swtpm is not installed: run `make services` (scripts/ensure-swtpm)")
    # Why a folder of its own under /tmp: a Unix socket path must stay under 108 bytes.
    folder = Path(tempfile.mkdtemp(prefix="swtpm-"))
    server = folder / "tpm.sock"
    process = subprocess.Popen(
        [
            program,
            "socket",
            "--tpm2",
            "--tpmstate",
            f"dir={folder}",
            "--server",
            f"type=unixio,path={server}",
            "--ctrl",
            f"type=unixio,path={server}.ctrl",
            "--flags",
            "not-need-init,startup-clear",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for_sockets(process, [server, Path(f"{server}.ctrl")])
        yield f"swtpm:path={server}"
    finally:
        process.terminate()
        process.wait(timeout=STARTUP_DEADLINE_S)
        if process.stderr is not None:
            process.stderr.close()
        shutil.rmtree(folder, ignore_errors=True)


def _wait_for_sockets(process: subprocess.Popen[bytes], paths: list[Path]) -> None:
    """Until swtpm accepts a connection on each socket; its own error if it exits first."""
    deadline = time.monotonic() + STARTUP_DEADLINE_S
    waiting = list(paths)
    while waiting:
        if process.poll() is not None:
            error = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise RuntimeError(f"swtpm exited ({process.returncode}): {error.strip()}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"swtpm did not open {waiting[0]} in {STARTUP_DEADLINE_S:.0f} s")
        with socket.socket(socket.AF_UNIX) as probe:
            try:
                probe.connect(str(waiting[0]))
            except OSError:
                time.sleep(POLL_S)
                continue
        waiting.pop(0)
