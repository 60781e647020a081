"""One SQLite writer at a time, across the threads of a server and across its worker processes.

SQLite allows one writer; a second one that finds the database locked sleeps and retries (1, 2,
5, 10 ... 100 ms), which adds whole sleeps to a kiosk's wait. Writers here queue instead: a
thread lock inside the process, then an advisory `flock` on a file beside the database that
the kernel hands to the next process the moment it is free.
"""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path
from types import TracebackType


class SQLiteWriterLock:
    """Held for the whole of a write transaction on one SQLite file."""

    def __init__(self, database: Path | None) -> None:
        self._thread_lock = threading.Lock()
        # Why: an in-memory database lives in one process; only a file needs the flock.
        self._lock_path = None if database is None else database.with_name(database.name + ".lock")
        self._fd: int | None = None

    def __enter__(self) -> SQLiteWriterLock:
        self._thread_lock.acquire()
        try:
            if self._lock_path is not None:
                if self._fd is None:
                    self._fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
                fcntl.flock(self._fd, fcntl.LOCK_EX)
        except BaseException:
            self._thread_lock.release()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            if self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()

    def close(self) -> None:
        """Let go of the lock file (the store is closing)."""
        with self._thread_lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
