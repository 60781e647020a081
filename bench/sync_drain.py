"""Sync drain benchmark: a kiosk with 10,000 queued check-ins drains them to a local clinic
server (SQLite, `clinic-server run` on loopback).

Prints:
  BENCH sync_drain_rps      records acknowledged per second, whole drain (target >= 1500)
  BENCH sync_bytes_ratio    bytes on the wire (both directions, headers included) over the
                            sealed envelope bytes sent (target <= 1.5)
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kiosk.desk.enrolment import enroll
from kiosk.desk.facade import Kiosk
from kiosk.intake.codec import to_payload
from kiosk.store.timestamps import utc_now
from kiosk.vault import Argon2Cost, Sealer
from sync.client.engine import SyncEngine
from sync.server.cli import main as clinic_server_main
from tests.examples import example_checkin

CHEAP_SLOTS = Argon2Cost(memory_kib=8, iterations=1, lanes=1)


def start_server(home: Path) -> tuple[subprocess.Popen[bytes], str]:
    passphrase = home.parent / "passphrase"
    passphrase.write_text("bench passphrase, not secret\n")
    clinic_server_main(["--home", str(home), "init", "--passphrase-file", str(passphrase)])
    process = subprocess.Popen(
        [sys.executable, "-m", "sync.server.cli", "--home", str(home), "run"]
        + ["--port", "0", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert process.stdout is not None
    line = process.stdout.readline().decode()
    return process, line.rsplit(" ", 1)[1].strip()


def queue_checkins(kiosk: Kiosk, count: int) -> None:
    """Seal `count` check-ins and queue them, fast: queueing speed is bench/seal.py's subject."""
    clinic_key = kiosk.clinic_public_key()
    assert clinic_key is not None
    sealer = Sealer(kiosk.kiosk_id, kiosk.device_key, [clinic_key, kiosk.staff_public_key])
    payload = to_payload(example_checkin())
    # Set-up only: skip the per-commit fsync that bench/seal.py measures; the drain keeps FULL.
    kiosk.store._db.execute("PRAGMA synchronous = OFF")
    for _ in range(count):
        kiosk.store.add_record(
            sealer.seal("checkin", payload), actor="bench", action="checkin.submitted"
        )
    kiosk.store._db.execute("PRAGMA synchronous = FULL")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        server, url = start_server(root / "clinic-server")
        try:
            kiosk = Kiosk.init(root / "kiosk", demo=True, keyslot_cost=CHEAP_SLOTS)
            code = subprocess.run(
                [sys.executable, "-m", "sync.server.cli", "--home", str(root / "clinic-server")]
                + ["enroll-token"],
                capture_output=True,
                check=True,
            ).stdout.decode()
            enroll(kiosk, url, code.strip())
            queue_checkins(kiosk, args.records)
            engine = SyncEngine.for_kiosk(kiosk)
            started = time.perf_counter()
            report = engine.run_once(utc_now(), force=True)
            elapsed = time.perf_counter() - started
            assert report.acked == args.records, report
            engine.close()
            kiosk.close()
        finally:
            server.terminate()
            server.wait()
    print(f"BENCH sync_drain_rps {args.records / elapsed:.0f} records/s")
    print(f"BENCH sync_bytes_ratio {report.bytes_on_wire / report.sealed_bytes:.3f} ratio")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
