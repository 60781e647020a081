"""The restore drill a clinic should run (ODK Central's users lost data to backups never
restored): back up while two kiosks sync, restore into a fresh home, and find every record and
every audit link the server had acknowledged; a damaged backup is refused by name and leaves
the fresh home empty. On SQLite and on the real PostgreSQL (pg_dump / pg_restore)."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from clinic_server_harness import (
    KioskDouble,
    RunningServer,
    ServerHome,
    fresh_postgres_database,
)
from sqlalchemy import select

from sync import wire
from sync.server.cli import main as clinic_server
from sync.server.schema import audit_links, envelopes
from sync.server.storage import ClinicStore


@dataclass
class SyncingKiosk:
    """A kiosk that keeps sending check-ins and audit links; what the server acknowledged."""

    double: KioskDouble
    acked: dict[str, str] = field(default_factory=dict)  # record id -> sha256
    audit_through: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def one_round(self) -> None:
        sealed = [self.double.seal_checkin() for _ in range(3)]
        answer = self.double.send([s.envelope for s in sealed])
        assert answer.status_code == 200, answer.text
        results = wire.BatchAnswer.from_json(answer.content, expected=3).results
        seq = self.audit_through + 1
        link = wire.AuditLink(seq, f"h{seq}", f"h{seq - 1}" if seq > 1 else "0" * 64)
        audit = self.double.signed("POST", wire.PATH_AUDIT, wire.encode_audit_links([link]))
        assert audit.status_code == 200, audit.text
        with self.lock:
            for record, result in zip(sealed, results, strict=True):
                if result.status.delivered:
                    self.acked[record.record_id] = hashlib.sha256(record.envelope).hexdigest()
            self.audit_through = wire.AuditAnswer.from_json(audit.content).through_seq

    def acknowledged(self) -> tuple[dict[str, str], int]:
        with self.lock:
            return dict(self.acked), self.audit_through


@contextlib.contextmanager
def syncing(kiosks: list[SyncingKiosk]) -> Iterator[None]:
    """Each kiosk syncs in its own thread until the block ends."""
    stop = threading.Event()
    failures: list[BaseException] = []

    def loop(kiosk: SyncingKiosk) -> None:
        try:
            while not stop.is_set():
                kiosk.one_round()
        except BaseException as error:  # surfaced in the test thread below
            failures.append(error)

    threads = [threading.Thread(target=loop, args=(k,)) for k in kiosks]
    for thread in threads:
        thread.start()
    try:
        yield
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert not failures, failures


def wait_until(condition: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        threading.Event().wait(0.01)  # Why: yield to the syncing threads between polls.


def cli(home: Path, db_url: str, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = clinic_server(["--home", str(home), "--db", db_url, *args])
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def fresh_db_url(server_home: ServerHome, tmp_path: Path) -> Iterator[str]:
    """Where the restore goes: a new SQLite path, or a new empty PostgreSQL database."""
    if server_home.db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored' / 'clinic.db'}"
        return
    with fresh_postgres_database("clinic_restore") as url:
        yield url


def enrolled_kiosks(server: RunningServer, server_home: ServerHome) -> list[SyncingKiosk]:
    kiosks = []
    for _ in range(2):
        double = KioskDouble(server.url, server_home.clinic_key())
        assert double.enrol(server_home.enrolment_code()).status_code == 200
        kiosks.append(SyncingKiosk(double))
    return kiosks


def test_a_backup_taken_while_two_kiosks_sync_restores_every_acknowledged_record_and_link(
    server: RunningServer, server_home: ServerHome, fresh_db_url: str, tmp_path: Path
) -> None:
    kiosks = enrolled_kiosks(server, server_home)
    for kiosk in kiosks:
        kiosk.one_round()
    backup = tmp_path / "backups" / "clinic.backup"
    with syncing(kiosks):
        started = [len(kiosk.acknowledged()[0]) for kiosk in kiosks]
        wait_until(
            lambda: all(len(k.acknowledged()[0]) > n for k, n in zip(kiosks, started, strict=True))
        )
        before = [kiosk.acknowledged() for kiosk in kiosks]  # both are mid-sync from here on
        status, out, err = cli(server_home.home, server_home.db_url, "backup", "--out", str(backup))
    assert status == 0, err
    assert oct(backup.stat().st_mode & 0o777) == "0o600"

    fresh_home = tmp_path / "restored-home"
    status, out, err = cli(fresh_home, fresh_db_url, "restore", str(backup))

    assert status == 0, err
    assert "every record's signature and every kiosk's audit chain hold" in out
    store = ClinicStore.open(fresh_db_url, 0.0)
    try:
        with store.engine.connect() as conn:
            held = {r.record_id: r.sha256 for r in conn.execute(select(envelopes))}
            links = {(r.device_id, r.seq) for r in conn.execute(select(audit_links))}
    finally:
        store.close()
    for kiosk, (acked, through) in zip(kiosks, before, strict=True):
        assert acked.items() <= held.items()
        device = kiosk.double.device_id
        assert {(device, seq) for seq in range(1, through + 1)} <= links
    assert f"{len(held)} records" in out and f"{len(links)} audit links" in out
    for kiosk in kiosks:
        kiosk.double.http.close()


def test_a_damaged_backup_is_refused_by_name_and_the_fresh_home_stays_empty(
    server: RunningServer, server_home: ServerHome, fresh_db_url: str, tmp_path: Path
) -> None:
    backup = tmp_path / "clinic.backup"
    assert cli(server_home.home, server_home.db_url, "backup", "--out", str(backup))[0] == 0
    damaged = bytearray(backup.read_bytes())
    damaged[len(damaged) * 2 // 3] ^= 0x01
    backup.write_bytes(bytes(damaged))
    fresh_home = tmp_path / "restored-home"

    status, out, err = cli(fresh_home, fresh_db_url, "restore", str(backup))

    assert status == 2
    [line] = err.strip().splitlines()
    assert str(backup) in line and "damaged" in line
    assert not fresh_home.exists() or not os.listdir(fresh_home)
    if fresh_db_url.startswith("sqlite"):
        assert not Path(fresh_db_url.removeprefix("sqlite:///")).exists()
