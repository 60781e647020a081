"""Clinic server ingest: 20 simulated kiosks send signed batches of 50 sealed records.

Every record is sealed and every request signed before the clock starts, so the load
generator (which shares the machine's cores with the server) does little more than send
bytes. The server runs `clinic-server run --workers <cores>`. Two phases per database:

- flat out: the 20 kiosks send their batches back to back.
  `ingest_rps_<db>` is the server's own figure: records stored per second between the first
  and the last receipt time the server wrote (target >= 2000). `ingest_rps_<db>_client` is the
  same run as the kiosks saw it (wall clock, first request to last answer).
  `ingest_server_cpu_ms_per_batch_<db>` is the CPU time the server processes spent per batch,
  and `ingest_rps_per_server_core_<db>` the records one fully busy core stores per second at
  that cost: figures that do not depend on what else the machine is running.
  `ingest_p99_ms_flat_out_<db>` is the batch latency there: with 20 batches always waiting it
  is about 20 batch-times by Little's law, whatever the server does, so it measures queueing.
- at the target rate: the same 20 kiosks each send one batch every half second, together
  2000 records per second, on a fixed schedule (open loop, so a slow answer does not slow the
  senders). `ingest_p99_ms` is the worse database's p99 batch latency there (target <= 150).

`ingest_batch_over_health_ratio` is the same-run baseline: median batch latency at the target
rate over the median of an unsigned /v1/health request by the same clients.
"""

from __future__ import annotations

import contextlib
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil
import psycopg
from sqlalchemy import func, select

from kiosk.vault import DeviceSigningKey, RecipientPublicKey, Sealer
from sync import wire
from sync.server.database_engine import engine_for
from sync.server.schema import envelopes

KIOSKS = 20
BATCH = 50
FLAT_OUT_BATCHES = 8  # per kiosk
PACED_BATCHES = 10  # per kiosk
PACED_INTERVAL_S = KIOSKS * BATCH / 2000  # each kiosk's period for 2000 records/s in total
PASSPHRASE = "benchmark passphrase only"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
WORKERS = os.cpu_count() or 1


def cli(home: Path, db: str, *args: str) -> str:
    from sync.server.cli import main as clinic_server

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        if clinic_server(["--home", str(home), "--db", db, *args]) != 0:
            raise SystemExit(f"clinic-server {args[0]} failed")
    return out.getvalue()


def start(home: Path, db: str) -> tuple[subprocess.Popen[str], str]:
    command = [
        sys.executable, "-m", "sync.server.cli", "--home", str(home), "--db", db,
        "run", "--port", "0", "--quiet", "--workers", str(WORKERS),
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    if "listening on" not in line:
        process.kill()
        raise SystemExit("the clinic server did not start")
    return process, line.split("listening on ", 1)[1].strip()


@dataclass(frozen=True)
class SignedBatch:
    """A batch body and the headers that sign it, made before the clock starts."""

    body: bytes
    headers: dict[str, str]


class Kiosk:
    """One simulated kiosk: its key, its pre-signed batches, its connection."""

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
        self.sealer = Sealer(self.device_id, self.key, [clinic_key])
        self.flat_out = [self.signed_batch() for _ in range(FLAT_OUT_BATCHES)]
        self.paced = [self.signed_batch() for _ in range(PACED_BATCHES)]

    def signed_batch(self) -> SignedBatch:
        payload = b'{"kind":"checkin","bench":"' + b"x" * 1500 + b'"}'
        body = wire.encode_batch(
            [self.sealer.seal("checkin", payload).envelope for _ in range(BATCH)]
        )
        headers = wire.sign_request(self.key, self.device_id, "POST", wire.PATH_BATCH, body)
        headers["Content-Type"] = wire.BATCH_CONTENT_TYPE
        return SignedBatch(body, headers)

    def send(self, batch: SignedBatch) -> float:
        started = time.perf_counter()
        answer = self.http.post(wire.PATH_BATCH, content=batch.body, headers=batch.headers)
        latency = time.perf_counter() - started
        results = wire.BatchAnswer.from_json(answer.content, expected=BATCH).results
        if any(r.status is not wire.RecordStatus.ACCEPTED for r in results):
            raise SystemExit("a benchmark record was not accepted")
        return latency

    def send_flat_out(self) -> list[float]:
        return [self.send(batch) for batch in self.flat_out]

    def send_paced(self, start_at: float) -> list[float]:
        latencies = []
        for number, batch in enumerate(self.paced):
            delay = start_at + number * PACED_INTERVAL_S - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            latencies.append(self.send(batch))
        return latencies

    def health_latencies(self) -> list[float]:
        latencies = []
        for _ in range(PACED_BATCHES):
            started = time.perf_counter()
            self.http.get(wire.PATH_HEALTH).raise_for_status()
            latencies.append(time.perf_counter() - started)
        return latencies


def server_cpu_seconds(process: subprocess.Popen[str]) -> float:
    """CPU time used so far by the server and its worker processes."""
    tree = psutil.Process(process.pid)
    total = 0.0
    for part in [tree, *tree.children(recursive=True)]:
        times = part.cpu_times()
        total += times.user + times.system
    return total


@dataclass(frozen=True)
class BackendFigures:
    server_rps: float
    server_cpu_ms_per_batch: float
    client_rps: float
    flat_out_p99_ms: float
    paced_p99_ms: float
    batch_over_health: float


def server_rate(db: str, until: float) -> float:
    """Records per second between the server's first and last receipt time before `until`."""
    engine = engine_for(db)
    try:
        with engine.connect() as conn:
            first, last, total = conn.execute(
                select(
                    func.min(envelopes.c.received_at),
                    func.max(envelopes.c.received_at),
                    func.count(),
                ).where(envelopes.c.received_at <= until)
            ).one()
            at_first = conn.execute(
                select(func.count()).where(envelopes.c.received_at == first)
            ).scalar_one()
    finally:
        engine.dispose()
    # Why: the records of the first receipt arrived before the span starts.
    return float((total - at_first) / (last - first))


def run_backend(folder: Path, db: str) -> BackendFigures:
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
            cpu_before = server_cpu_seconds(process)
            started = time.perf_counter()
            flat_out = [t for ts in pool.map(Kiosk.send_flat_out, kiosks) for t in ts]
            elapsed = time.perf_counter() - started
            cpu = server_cpu_seconds(process) - cpu_before
            flat_out_end = time.time()
            time.sleep(1)  # let the flat-out queue drain before the paced phase
            begin = time.perf_counter() + 0.2
            offsets = [begin + k * PACED_INTERVAL_S / KIOSKS for k in range(KIOSKS)]
            paced = [t for ts in pool.map(Kiosk.send_paced, kiosks, offsets) for t in ts]
        for kiosk in kiosks:
            kiosk.http.close()
    finally:
        process.terminate()
        process.wait(timeout=30)
    records = KIOSKS * FLAT_OUT_BATCHES * BATCH
    return BackendFigures(
        server_rps=server_rate(db, flat_out_end),
        server_cpu_ms_per_batch=cpu / (KIOSKS * FLAT_OUT_BATCHES) * 1000,
        client_rps=records / elapsed,
        flat_out_p99_ms=statistics.quantiles(flat_out, n=100)[98] * 1000,
        paced_p99_ms=statistics.quantiles(paced, n=100)[98] * 1000,
        batch_over_health=statistics.median(paced) / statistics.median(health),
    )


def report(db: str, figures: BackendFigures) -> None:
    per_core = BATCH * 1000 / figures.server_cpu_ms_per_batch
    print(f"BENCH ingest_rps_{db} {figures.server_rps:.0f} records/s")
    print(f"BENCH ingest_rps_{db}_client {figures.client_rps:.0f} records/s")
    print(f"BENCH ingest_server_cpu_ms_per_batch_{db} {figures.server_cpu_ms_per_batch:.1f} ms")
    print(f"BENCH ingest_rps_per_server_core_{db} {per_core:.0f} records/s")
    print(f"BENCH ingest_p99_ms_flat_out_{db} {figures.flat_out_p99_ms:.1f} ms")
    print(f"BENCH ingest_p99_ms_{db} {figures.paced_p99_ms:.1f} ms", flush=True)


def main() -> None:
    print(f"# {WORKERS} server workers, load average {os.getloadavg()[0]:.1f}", flush=True)
    with tempfile.TemporaryDirectory() as scratch:
        sqlite = run_backend(Path(scratch), f"sqlite:///{Path(scratch) / 'clinic.db'}")
    report("sqlite", sqlite)
    name = f"clinic_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        with tempfile.TemporaryDirectory() as scratch:
            pg = run_backend(Path(scratch), f"postgresql://postgres@127.0.0.1:5432/{name}")
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    report("pg", pg)
    print(f"BENCH ingest_p99_ms {max(sqlite.paced_p99_ms, pg.paced_p99_ms):.1f} ms")
    print(f"BENCH ingest_batch_over_health_ratio {sqlite.batch_over_health:.1f} x")
    print(f"# load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
