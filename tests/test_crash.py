"""A kill at any instant loses nothing committed and leaves nothing half-written.

A child process writes check-ins, drafts and vitals, acknowledges and purges, in a loop; it is
SIGKILLed at random moments, again and again. After every kill the kiosk opens, SQLite finds the
file sound, the audit chain verifies, and every record is whole (or purged after delivery) with
its outbox row and its audit entry.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import sqlite3
import sys
import time
import traceback
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.desk.facade import Kiosk
from kiosk.vault import Argon2Cost, parse_envelope
from tests.examples import example_checkin, example_draft, example_vitals

KILLS = 50
CHEAP_SLOTS = Argon2Cost(memory_kib=8, iterations=1, lanes=1)


def _write_forever(data_dir: Path, ready: int) -> None:
    """The child: what a busy kiosk does, as fast as it can, until it is killed."""
    kiosk = Kiosk.open(data_dir)
    desk = kiosk.patient_desk()
    nurse = kiosk.unlock("N100", "246810")
    os.write(ready, b"!")  # from here on every moment is a write in progress
    n = 0
    while True:
        n += 1
        now = datetime.now(UTC)
        draft_id = desk.save_draft(example_draft(started_at=now))
        submitted = desk.submit_checkin(example_checkin(submitted_at=now), supersedes=draft_id)
        if n % 3 == 0:
            nurse.record_vitals(example_vitals(checkin_id=submitted.record_id, nurse_id="N100"))
        if n % 4 == 0:
            due = kiosk.store.outbox_due(now, 5)
            kiosk.store.mark_sending([item.record_id for item in due], now)
            kiosk.store.mark_acked([item.record_id for item in due[:3]], now - timedelta(days=2))
            kiosk.store.mark_failed([i.record_id for i in due[3:]], "timeout", now)
            kiosk.store.purge_acked(now - timedelta(days=1))


def _spawn(data_dir: Path) -> int:
    """Fork a writer (imports already done, so it starts in milliseconds); wait till it writes."""
    ready_read, ready_write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child never returns into pytest
        try:
            os.close(ready_read)
            _write_forever(data_dir, ready_write)
        except BaseException:
            traceback.print_exc()
            sys.stderr.flush()
            os._exit(3)
        os._exit(0)
    os.close(ready_write)
    started = os.read(ready_read, 1)
    os.close(ready_read)
    assert started == b"!", "the writer died before it started"
    return pid


def _check_whole(data_dir: Path) -> int:
    """Everything a kill must never break; returns how many records there are."""
    kiosk = Kiosk.open(data_dir)
    try:
        assert kiosk.store.integrity_ok()
        check = kiosk.store.verify_audit(kiosk.device_verify_key)
        assert check.ok, check.problem
        audited = {entry.record_id for entry in kiosk.store.audit_entries()}
        conn = sqlite3.connect(data_dir / "kiosk.db")
        rows = conn.execute(
            "SELECT r.record_id, r.envelope, r.sha256, o.state FROM records r"
            " LEFT JOIN outbox o ON o.record_id = r.record_id"
        ).fetchall()
        conn.close()
        for record_id, envelope, sha256, state in rows:
            assert state is not None, f"record {record_id} has no outbox row"
            assert record_id in audited, f"record {record_id} has no audit entry"
            if envelope is None:
                assert state == "purged", f"record {record_id} lost its payload while {state}"
                continue
            assert hashlib.sha256(envelope).hexdigest() == sha256
            assert parse_envelope(envelope).header.record_id == record_id
        return len(rows)
    finally:
        kiosk.close()


@pytest.mark.slow
def test_a_kiosk_killed_fifty_times_mid_write_keeps_every_record_whole(tmp_path: Path) -> None:
    data_dir = tmp_path / "kiosk-data"
    Kiosk.init(data_dir, demo=True, keyslot_cost=CHEAP_SLOTS).close()
    rng = random.Random(20260301)
    counts = []
    for _ in range(KILLS):
        pid = _spawn(data_dir)
        time.sleep(rng.uniform(0.0, 0.25))
        exited, status = os.waitpid(pid, os.WNOHANG)
        assert exited == 0, f"the writer stopped by itself (status {status})"
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        counts.append(_check_whole(data_dir))
    grew = sum(1 for before, after in zip(counts, counts[1:], strict=False) if after > before)
    assert grew >= KILLS // 2, f"the writer got something done in only {grew} of {KILLS} runs"
