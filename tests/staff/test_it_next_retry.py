"""IT's "Next retry" is counted from the end of the failed attempt, so it is never already past
when shown (the walk: a 15 s timeout left "(due now)" on screen for most of a minute), and a "Last
error" from before the last success says so. A real clinic server on loopback, then a listener on
its port that never answers (as a hung server does); the real kiosk App."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.app import KioskApp
from kiosk.desk.enrolment import enroll
from kiosk.desk.facade import Kiosk
from sync.client.status import SyncStatus
from tests.examples import example_checkin
from tests.staff.conftest import make_kiosk
from tests.staff.test_it_sync_now import shown, sign_in_as_it
from tests.sync.clinic_harness import ClinicServer

#: How long the hung server holds each request before hanging up without an answer: longer than
#: the first retry's longest wait (5 s), as the walk's 15 s timeout was.
HOLD_S = 6.0


@contextmanager
def hung_server(port: int) -> Iterator[None]:
    """A listener on `port` that reads each request, waits HOLD_S, and closes unanswered."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen()
    listener.settimeout(0.1)
    done = threading.Event()

    def serve() -> None:
        while not done.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection:
                connection.recv(65536)
                done.wait(HOLD_S)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
        listener.close()


def enrolled_kiosk(tmp_path: Path) -> tuple[Kiosk, ClinicServer]:
    """A kiosk with a check-in waiting, enrolled with a clinic server that has since stopped."""
    server = ClinicServer(tmp_path / "clinic-server").start()
    kiosk = make_kiosk(tmp_path / "kiosk")
    enroll(kiosk, server.url, server.enrolment_code(), name="waiting room")
    kiosk.patient_desk().submit_checkin(example_checkin())
    server.stop()
    return kiosk, server


async def test_next_retry_is_counted_from_the_end_of_a_slow_failed_attempt(
    tmp_path: Path,
) -> None:
    kiosk, server = enrolled_kiosk(tmp_path)
    app = KioskApp(kiosk, sync_interval=None)
    with hung_server(server.port):
        async with app.run_test(size=(120, 60)) as pilot:
            await sign_in_as_it(pilot)
            await pilot.click("#it-sync-now")
            await app.workers.wait_for_complete()
            await pilot.pause()
            status_lines = shown(pilot, "#it-sync")
    status = SyncStatus.load(kiosk.store)
    assert status.last_attempt_at is not None and status.next_attempt_at is not None
    # The attempt began at last_attempt_at and lasted HOLD_S; the retry waits after that.
    assert status.next_attempt_at >= status.last_attempt_at + timedelta(seconds=HOLD_S)
    zone = ZoneInfo(kiosk.config.time_zone)
    assert f"Next retry: {status.next_attempt_at.astimezone(zone):%Y-%m-%d %H:%M:%S %Z}" in (
        status_lines
    )
    kiosk.close()


async def test_a_last_error_from_before_the_last_success_says_it_is_older(tmp_path: Path) -> None:
    kiosk, _ = enrolled_kiosk(tmp_path)
    failed_at = datetime(2026, 12, 3, 4, 1, 25, tzinfo=UTC)
    reason = "no answer from the clinic server in time (ReadTimeout: timed out)"
    later = failed_at + timedelta(minutes=3)
    SyncStatus(
        last_attempt_at=later, last_success_at=later, last_error=reason, last_error_at=failed_at
    ).save(kiosk.store)  # a run failed, then the next one got through
    app = KioskApp(kiosk, sync_interval=None)
    async with app.run_test(size=(120, 60)) as pilot:
        await sign_in_as_it(pilot)
        status_lines = shown(pilot, "#it-sync")
    when = f"{failed_at.astimezone(ZoneInfo(kiosk.config.time_zone)):%Y-%m-%d %H:%M:%S %Z}"
    assert f"Last error: {reason} (at {when}, before the last success)" in status_lines
    kiosk.close()
