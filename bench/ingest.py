"""Clinic server ingest: 20 simulated kiosks send signed batches of 50 sealed records at once.

Prints `BENCH ingest_rps_sqlite`, `BENCH ingest_rps_pg` (targets >= 2000 records/s),
`BENCH ingest_p99_ms` (the worse backend's p99 batch latency; target <= 150) and, as the
same-run baseline, `BENCH ingest_batch_over_health_ratio`: the median batch latency over the
median latency of an unsigned /v1/health request made by the same 20 clients.
"""

from __future__ import annotations

import contextlib
import io
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psycopg

from kiosk.vault import DeviceSigningKey, RecipientPublicKey, Sealer
from sync import wire
from sync.server.cli import main as clinic_server

KIOSKS = 20
BATCH = 50
BATCHES_PER_KIOSK = 8
PASSPHRASE = "benchmark passphrase only"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"


def cli(home: Path, db: str, *args: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        if clinic_server(["--home", str(home), "--db", db, *args]) != 0:
            raise SystemExit(f"clinic-server {args[0]} failed")
    return out.getvalue()


def start(home: Path, db: str) -> tuple[subprocess.Popen[str], str]:
    command = [
        sys.executable, "-m", "sync.server.cli", "--home", str(home), "--db", db,
        "run", "--port", "0", "--quiet",
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    if "listening on" not in line:
        process.kill()
        raise SystemExit("the clinic server did not start")
    return process, line.split("listening on ", 1)[1].strip()


class Kiosk:
    """One simulated kiosk: its key, its pre-sealed batches, its connection."""

    def __init__(self, url: str, clinic_key: RecipientPublicKey, code: str) -> None:
        self.device_id = f"bench-{uuid.uuid4().hex[:10]}"
        self.key = DeviceSigningKey.generate()
        self.http = httpx.Client(base_url=url, timeout=60)
        enrolment = wire.EnrolmentRequest(code, self.device_id, self.key.verify_key().raw)
        body = wire.dump_json(enrolment.to_json())
        headers = wire.sign_request(self.key, self.device_id, "POST", wire.PATH_ENROL, body)
        answer = self.http.post(wire.PATH_ENROL, content=body, headers=headers)
        if answer.status_code != 200:
            raise SystemExit(f"enrolment failed: {answer.text}")
        sealer = Sealer(self.device_id, self.key, [clinic_key])
        payload = b'{"kind":"checkin","bench":"' + b"x" * 1500 + b'"}'
        self.batches = [
            wire.encode_batch([sealer.seal("checkin", payload).envelope for _ in range(BATCH)])
            for _ in range(BATCHES_PER_KIOSK)
        ]

    def send_all(self) -> list[float]:
        latencies = []
        for body in self.batches:
            headers = wire.sign_request(self.key, self.device_id, "POST", wire.PATH_BATCH, body)
            headers["Content-Type"] = wire.BATCH_CONTENT_TYPE
            started = time.perf_counter()
            answer = self.http.post(wire.PATH_BATCH, content=body, headers=headers)
            latencies.append(time.perf_counter() - started)
            results = wire.BatchAnswer.from_json(answer.content, expected=BATCH).results
            if any(r.status is not wire.RecordStatus.ACCEPTED for r in results):
                raise SystemExit("a benchmark record was not accepted")
        return latencies

    def health_latencies(self) -> list[float]:
        latencies = []
        for _ in range(BATCHES_PER_KIOSK):
            started = time.perf_counter()
            self.http.get(wire.PATH_HEALTH).raise_for_status()
            latencies.append(time.perf_counter() - started)
        return latencies


def run_backend(folder: Path, db: str) -> tuple[float, float, float]:
    """(records per second, p99 batch ms, batch/health median ratio) for one database."""
    home = folder / "home"
    passphrase = folder / "passphrase"
    passphrase.write_text(PASSPHRASE)
    cli(home, db, "init", "--passphrase-file", str(passphrase))
    clinic_key = RecipientPublicKey.from_bytes((home / "clinic-key.pub").read_bytes())
    process, url = start(home, db)
    try:
        kiosks = [
            Kiosk(url, clinic_key, cli(home, db, "enroll-token").strip()) for _ in range(KIOSKS)
        ]
        with ThreadPoolExecutor(max_workers=KIOSKS) as pool:
            health = [t for ts in pool.map(Kiosk.health_latencies, kiosks) for t in ts]
            started = time.perf_counter()
            batches = [t for ts in pool.map(Kiosk.send_all, kiosks) for t in ts]
            elapsed = time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=30)
    records = KIOSKS * BATCHES_PER_KIOSK * BATCH
    p99 = statistics.quantiles(batches, n=100)[98] * 1000
    return records / elapsed, p99, statistics.median(batches) / statistics.median(health)


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        sqlite_rps, sqlite_p99, sqlite_ratio = run_backend(
            Path(scratch), f"sqlite:///{Path(scratch) / 'clinic.db'}"
        )
    print(f"BENCH ingest_rps_sqlite {sqlite_rps:.0f} records/s")
    name = f"clinic_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        with tempfile.TemporaryDirectory() as scratch:
            pg_rps, pg_p99, _ = run_backend(
                Path(scratch), f"postgresql://postgres@127.0.0.1:5432/{name}"
            )
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(f"BENCH ingest_rps_pg {pg_rps:.0f} records/s")
    print(f"BENCH ingest_p99_ms {max(sqlite_p99, pg_p99):.1f} ms")
    print(f"BENCH ingest_batch_over_health_ratio {sqlite_ratio:.1f} x")


if __name__ == "__main__":
    main()
