"""Batches that reach the clinic database while it is busy share one commit, and each kiosk
still gets exactly its own answer: a replayed request stores nothing, the others arrive."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import event

from sync.server.envelopes import IncomingEnvelope
from sync.server.group_commit import GroupCommit
from sync.server.nonces import NonceClaim, NonceReplayed
from sync.server.storage import ClinicStore
from sync.server.writer_lock import SQLiteWriterLock
from sync.wire import RecordStatus


def wait_until(reached: Callable[[], bool]) -> None:
    """Poll for a state other threads reach (nothing about time is asserted)."""
    deadline = time.monotonic() + 30
    while not reached():
        if time.monotonic() > deadline:
            raise AssertionError("the other threads never got there")
        time.sleep(0.01)


def test_jobs_queued_behind_a_busy_writer_are_written_together_each_with_its_own_answer() -> None:
    groups: list[list[int]] = []
    writer_busy, let_go = threading.Event(), threading.Event()

    def work(jobs: Sequence[int]) -> list[str | Exception]:
        groups.append(list(jobs))
        if len(groups) == 1:
            writer_busy.set()
            let_go.wait(30)
        return [ValueError("odd job refused") if job % 2 else f"stored {job}" for job in jobs]

    group: GroupCommit[int, str] = GroupCommit(work, threading.Lock())

    def submit(job: int) -> str:
        try:
            return group.run(job)
        except ValueError as refused:
            return str(refused)

    with ThreadPoolExecutor(max_workers=6) as pool:
        first = pool.submit(submit, 0)
        assert writer_busy.wait(30)
        rest = [pool.submit(submit, job) for job in range(1, 6)]
        wait_until(lambda: group.waiting == 5)
        let_go.set()
        answers = [first.result(), *(f.result() for f in rest)]
    assert groups == [[0], [1, 2, 3, 4, 5]]
    assert answers == [
        "stored 0",
        "odd job refused",
        "stored 2",
        "odd job refused",
        "stored 4",
        "odd job refused",
    ]


def test_a_failed_commit_fails_every_batch_in_it_and_the_next_batch_still_works() -> None:
    calls: list[list[int]] = []

    def work(jobs: Sequence[int]) -> list[str | Exception]:
        calls.append(list(jobs))
        if len(calls) == 1:
            raise OSError("disk I/O error")
        return ["stored" for _ in jobs]

    group: GroupCommit[int, str] = GroupCommit(work, threading.Lock())
    with pytest.raises(OSError, match="disk I/O error"):
        group.run(1)
    assert group.run(2) == "stored"


def store_waiting(store: ClinicStore) -> int:
    """Batches queued behind the writer of this store."""
    return store._batches.waiting  # Why: the queue is the store's own; only this test peeks.


def envelope(record_id: str, body: bytes) -> IncomingEnvelope:
    return IncomingEnvelope(record_id, "kiosk-a", "checkin", body)


def test_batches_queued_behind_another_server_process_share_one_commit_and_a_replay_stores_nothing(
    tmp_path: Path,
) -> None:
    database = tmp_path / "clinic.db"
    store = ClinicStore.open(f"sqlite:///{database}", time.time(), create=True)
    store.add_enrolment_token("CODE", time.time(), time.time() + 60)
    store.enrol("CODE", "kiosk-a", b"\x01" * 32, "front desk", time.time())
    commits: list[int] = []
    event.listen(store.engine, "commit", lambda _conn: commits.append(1))
    batches = [
        [
            envelope(f"00000000-0000-4000-8000-{n:06d}{i:06d}", b"sealed %d %d" % (n, i))
            for i in range(5)
        ]
        for n in range(8)
    ]
    batches[7] = [batches[0][0], envelope(batches[1][0].record_id, b"other bytes")]
    claims = [NonceClaim("kiosk-a", f"{n:032x}", 600) for n in range(8)]
    claims[6] = claims[5]  # a replayed request
    other_server = SQLiteWriterLock(database)  # Why: keep the database busy while batches queue.

    def store_batch(n: int) -> list[RecordStatus] | str:
        try:
            return store.store_envelopes(batches[n], time.time(), "sync", claims[n])
        except NonceReplayed:
            return "replayed"

    with ThreadPoolExecutor(max_workers=8) as pool:
        with other_server:
            first = [pool.submit(store_batch, n) for n in range(7)]
            wait_until(lambda: store_waiting(store) == 7)  # all seven queue behind it
        answers = [f.result() for f in first]
    assert len(commits) == 1  # seven kiosks' batches, one fsync
    other_server.close()
    last = store_batch(7)
    replayed = [n for n, a in enumerate(answers) if a == "replayed"]
    assert len(replayed) == 1 and replayed[0] in (5, 6)
    for n, answer in enumerate(answers):
        if n not in replayed:
            assert answer == [RecordStatus.ACCEPTED] * 5
    assert last == [RecordStatus.DUPLICATE, RecordStatus.CONFLICT]
    assert store.count_envelopes() == 6 * 5
    store.close()
