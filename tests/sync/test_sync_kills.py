"""A power cut at any instant of a sync, on either side, loses nothing and duplicates nothing:
the kiosk's sync process and the clinic server are each SIGKILLed at random moments, 50 times,
and afterwards every record is at the clinic exactly once and acknowledged at the kiosk.

Both use os.fork() from this already-imported process so a start costs milliseconds, not the
seconds of a fresh interpreter; the children never touch the parent's database connections.
"""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from datetime import datetime, timedelta
from functools import partial

import httpx
import pytest
import uvicorn  # noqa: F401
from clinic_harness import ClinicServer, engine_for, kiosk_hashes, submit_checkins

from kiosk.desk.enrolment import enroll
from kiosk.desk.facade import Kiosk
from kiosk.store.timestamps import utc_now
from sync.client.engine import SyncOutcome

# Imported here, not lazily by `run`, so every forked server starts without importing anything.
from sync.server import app as _server_app  # noqa: F401
from sync.server.cli import main as clinic_server_main
from tests.waiting import wait_for

KILLS = 50
#: Every this many kills waits until records got through first, so that the runs between kills
#: deliver on a machine of any speed (a random moment alone may cut every run off on a busy one).
LET_THROUGH_EVERY = 5
# Each killed sync leaves its records leased as 'sending'; the next one starts past that lease.
STEP = timedelta(seconds=150)


def _kill(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def _acked_more_than(kiosk: Kiosk, count: int) -> bool:
    return kiosk.store.counts_by_state()["acked"] > count


def _sync_forever_in_a_child(kiosk: Kiosk, start: int) -> int:
    pid = os.fork()
    if pid == 0:
        try:
            child = Kiosk.open(kiosk.data_dir)
            engine = engine_for(child, batch_records=2)
            for step in range(start, start + 1000):
                engine.run_once(utc_now() + STEP * step, force=True)
        finally:
            os._exit(0)
    return pid


@pytest.mark.slow
def test_killing_the_kiosk_sync_process_at_random_loses_and_duplicates_nothing(
    kiosk: Kiosk, clinic_server: ClinicServer
) -> None:
    enroll(kiosk, clinic_server.url, clinic_server.enrolment_code())
    rng = random.Random(5)
    submit_checkins(kiosk, 20)
    cut_off = 0
    for kill in range(KILLS):
        submit_checkins(kiosk, 1)
        acked_before = kiosk.store.counts_by_state()["acked"]
        pid = _sync_forever_in_a_child(kiosk, start=kill * 10)
        if kill % LET_THROUGH_EVERY == 0:
            wait_for(partial(_acked_more_than, kiosk, acked_before), "a record delivered")
        time.sleep(rng.uniform(0.0, 0.25))  # the kill's random moment, not a wait
        _kill(pid)
        counts = kiosk.store.counts_by_state()
        cut_off += counts["queued"] + counts["sending"] > 0
    # The kills landed mid-work: some cut records off, and records got through between them.
    assert cut_off > 0
    assert kiosk.store.counts_by_state()["acked"] > 0

    engine = engine_for(kiosk)
    final = engine.run_once(utc_now() + STEP * (KILLS * 10 + 1000), force=True)

    assert final.outcome in (SyncOutcome.DELIVERED, SyncOutcome.NOTHING_DUE), final.error
    assert len(kiosk_hashes(kiosk)) == 20 + KILLS
    assert clinic_server.stored(kiosk) == kiosk_hashes(kiosk)
    counts = kiosk.store.counts_by_state()
    assert counts["acked"] == 20 + KILLS and counts["sending"] == counts["queued"] == 0
    assert kiosk.store.integrity_ok()
    assert kiosk.store.verify_audit(kiosk.device_verify_key).ok
    engine.close()


def _serve_in_a_child(server: ClinicServer) -> int:
    pid = os.fork()
    if pid == 0:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            home = str(server.home)
            clinic_server_main(["--home", home, "run", "--port", str(server.port), "--quiet"])
        finally:
            os._exit(0)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{server.url}/v1/health", timeout=1).status_code == 200:
                return pid
        except httpx.HTTPError:
            time.sleep(0.02)
    _kill(pid)
    raise AssertionError("the forked clinic server did not answer its health check")


@pytest.mark.slow
def test_killing_the_clinic_server_at_random_during_sync_loses_and_duplicates_nothing(
    kiosk: Kiosk, own_clinic_server: ClinicServer
) -> None:
    server = own_clinic_server
    enroll(kiosk, server.url, server.enrolment_code())
    server.stop()  # from here on the server runs as forked children we kill
    rng = random.Random(11)
    engine = engine_for(kiosk, batch_records=1, timeout_s=1.0)
    outcomes: list[SyncOutcome] = []

    def sync(now: datetime) -> None:
        outcomes.append(engine.run_once(now, force=True).outcome)

    for kill in range(KILLS):
        submit_checkins(kiosk, 2)
        pid = _serve_in_a_child(server)
        runner = threading.Thread(target=sync, args=(utc_now() + STEP * kill,))
        runner.start()
        if kill % LET_THROUGH_EVERY == 0:
            runner.join()  # this run ends by itself before the kill
        time.sleep(rng.uniform(0.0, 0.35))  # the kill's random moment, not a wait
        _kill(pid)
        runner.join()
    # The kills cut runs off, and between kills records did get through.
    assert SyncOutcome.FAILED in outcomes
    assert kiosk.store.counts_by_state()["acked"] > 0

    pid = _serve_in_a_child(server)
    try:
        final = engine.run_once(utc_now() + STEP * (KILLS + 1), force=True)
    finally:
        _kill(pid)

    assert final.outcome in (SyncOutcome.DELIVERED, SyncOutcome.NOTHING_DUE), final.error
    assert len(kiosk_hashes(kiosk)) == 2 * KILLS
    assert server.stored(kiosk) == kiosk_hashes(kiosk)
    assert kiosk.store.counts_by_state()["acked"] == 2 * KILLS
    engine.close()
