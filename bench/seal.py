"""How long a check-in takes to become durable, and what sealing costs over a plain insert.

Prints BENCH lines:
  seal_ms_p95          validate + screen + seal (ML-KEM-768+X25519 to clinic and staff keys,
                       plus the staff-only summary) + sign + durable commit of one check-in
  seal_overhead_ratio  median of the above over the median plain durable sqlite insert of the
                       same JSON (same pragmas, same disk, interleaved round by round so both
                       see the same fsync weather on a shared machine)
  unlock_ms            median of one staff keyslot unlock at the default Argon2id cost
and, for diagnosis, the medians behind the ratio and `seal_ms_p95_in_memory`: the same
submit with the data directory on tmpfs (/dev/shm), where fsync costs nothing, to separate the
CPU work (codec, rules, HPKE, signatures) from the disk's fsync latency, and
`seal_cpu_ms_p95`: the CPU time this thread spent per submit (durable run), which neither the
disk nor other processes on a loaded machine can stretch.
"""

from __future__ import annotations

import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from kiosk.desk.facade import Kiosk
from kiosk.intake.codec import to_payload
from kiosk.vault import EnvelopeSuite
from tests.examples import example_checkin

ROUNDS = 300
WARMUP = 20
UNLOCKS = 5


def timed_ms(
    action: Callable[[], object], rounds: int, clock: Callable[[], float] = time.perf_counter
) -> list[float]:
    samples = []
    for _ in range(rounds):
        start = clock()
        action()
        samples.append((clock() - start) * 1000)
    return samples


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def plain_inserter(conn: sqlite3.Connection, payload: bytes) -> Callable[[], None]:
    """The baseline: the same JSON, durably inserted with the store's own pragmas."""
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE plain (id INTEGER PRIMARY KEY, body BLOB NOT NULL)")

    def insert() -> None:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO plain (body) VALUES (?)", [payload])
        conn.execute("COMMIT")

    return insert


def in_memory_p95(suite: EnvelopeSuite) -> float | None:
    """p95 of the same submit with the kiosk on tmpfs; None where there is no /dev/shm."""
    shm = Path("/dev/shm")
    if not shm.is_dir():
        return None
    with tempfile.TemporaryDirectory(dir=shm) as tmp:
        kiosk = Kiosk.init(Path(tmp) / "kiosk-data", demo=True, suite=suite)
        desk = kiosk.patient_desk()
        checkin = example_checkin(submitted_at=datetime.now(UTC))
        timed_ms(lambda: desk.submit_checkin(checkin), WARMUP)
        samples = timed_ms(lambda: desk.submit_checkin(checkin), ROUNDS)
        kiosk.close()
    return p95(samples)


def main() -> int:
    suite = EnvelopeSuite(sys.argv[1]) if len(sys.argv) > 1 else EnvelopeSuite.MLKEM768_X25519
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        kiosk = Kiosk.init(root / "kiosk-data", demo=True, suite=suite)
        desk = kiosk.patient_desk()
        checkin = example_checkin(submitted_at=datetime.now(UTC))

        conn = sqlite3.connect(root / "plain.db", isolation_level=None)
        insert = plain_inserter(conn, to_payload(checkin))
        submit: list[float] = []
        baseline: list[float] = []
        cpu: list[float] = []
        for round_number in range(WARMUP + ROUNDS):
            sealed_ms = timed_ms(lambda: desk.submit_checkin(checkin), 1)
            plain_ms = timed_ms(insert, 1)
            cpu_ms = timed_ms(lambda: desk.submit_checkin(checkin), 1, time.thread_time)
            if round_number >= WARMUP:
                submit += sealed_ms
                baseline += plain_ms
                cpu += cpu_ms
        conn.close()
        unlock = timed_ms(lambda: kiosk.unlock("N100", "246810").lock(), UNLOCKS)
        kiosk.close()

    ratio = statistics.median(submit) / statistics.median(baseline)
    print(f"BENCH seal_ms_p95 {p95(submit):.2f} ms")
    print(f"BENCH seal_overhead_ratio {ratio:.2f} ratio")
    print(f"BENCH unlock_ms {statistics.median(unlock):.0f} ms")
    print(f"BENCH seal_ms_median {statistics.median(submit):.2f} ms")
    print(f"BENCH plain_insert_ms_median {statistics.median(baseline):.2f} ms")
    memory = in_memory_p95(suite)
    if memory is not None:
        print(f"BENCH seal_ms_p95_in_memory {memory:.2f} ms")
    print(f"BENCH seal_cpu_ms_p95 {p95(cpu):.2f} ms")
    print(f"# suite {suite.value}; {ROUNDS} check-ins; targets: p95 <= 3 ms, ratio <= 5")
    return 0


if __name__ == "__main__":
    sys.exit(main())
