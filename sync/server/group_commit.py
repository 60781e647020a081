"""Group commit: batches that arrive while the database is busy are stored in one transaction.

A commit costs an fsync (SQLite `synchronous=FULL`, PostgreSQL `synchronous_commit`), often
longer than the work it makes durable. Each thread hands its batch to the queue and then takes
its turn as writer: the writer takes every batch waiting at that moment, runs them all in one
transaction and hands each its own answer. A batch is acknowledged only after the commit that
holds it, so durability is unchanged; a failed commit fails every batch in it, and none of
them is stored.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Generic, TypeVar

Job = TypeVar("Job")
Answer = TypeVar("Answer")

# The writer's work: every job's answer (or the exception refusing that job alone), in order.
GroupWork = Callable[[Sequence[Job]], list[Answer | Exception]]


class GroupCommit(Generic[Job, Answer]):
    """Runs jobs through `work`, several per call when they queue up behind one another."""

    def __init__(
        self,
        work: GroupWork[Job, Answer],
        writer_turn: contextlib.AbstractContextManager[object],
        max_jobs: int = 64,
    ) -> None:
        self._work = work
        self._writer_turn = writer_turn  # Why: on SQLite one writer at a time takes the queue.
        self._max_jobs = max_jobs
        self._waiting: list[tuple[Job, Future[Answer]]] = []
        self._queue_lock = threading.Lock()

    @property
    def waiting(self) -> int:
        """How many jobs are queued for the next writer (none taken yet)."""
        with self._queue_lock:
            return len(self._waiting)

    def run(self, job: Job) -> Answer:
        """The job's answer once the transaction holding it has committed; raises its refusal."""
        done: Future[Answer] = Future()
        with self._queue_lock:
            self._waiting.append((job, done))
        while True:
            with self._writer_turn:
                with self._queue_lock:
                    taken = self._waiting[: self._max_jobs]
                    del self._waiting[: self._max_jobs]
                if taken:
                    self._write(taken)
            # Why: nothing left to take means another writer holds this job: wait for its commit.
            if done.done() or not taken:
                return done.result()

    def _write(self, taken: list[tuple[Job, Future[Answer]]]) -> None:
        try:
            answers = self._work([job for job, _ in taken])
        except BaseException as exc:  # Why: every waiting thread must wake, whatever failed.
            for _, done in taken:
                done.set_exception(exc)
            if not isinstance(exc, Exception):
                raise
            return
        for (_, done), answer in zip(taken, answers, strict=True):
            if isinstance(answer, Exception):
                done.set_exception(answer)
            else:
                done.set_result(answer)
