"""`clinic-server run --workers 2`: two server processes share the port and the database
(SQLite and PostgreSQL); kiosks sending at once get every record stored exactly once."""

from __future__ import annotations

import contextlib
import io
from concurrent.futures import ThreadPoolExecutor

import psutil
from clinic_server_harness import KioskDouble, ServerHome, start_server


def test_two_worker_processes_store_every_record_of_busy_kiosks_once(
    server_home: ServerHome,
) -> None:
    running = start_server(server_home, "--workers", "2")
    kiosks = [KioskDouble(running.url, server_home.clinic_key()) for _ in range(4)]
    try:
        for kiosk in kiosks:
            assert kiosk.enrol(server_home.enrolment_code()).status_code == 200
        batches = [
            (kiosk, [kiosk.seal_checkin().envelope for _ in range(10)])
            for kiosk in kiosks
            for _ in range(4)
        ]
        with ThreadPoolExecutor(max_workers=8) as pool:
            first = list(pool.map(lambda job: job[0].statuses(job[1]), batches))
            again = list(pool.map(lambda job: job[0].statuses(job[1]), batches))
        assert first == [["accepted"] * 10] * len(batches)
        assert again == [["duplicate"] * 10] * len(batches)
        workers = psutil.Process(running.process.pid).children(recursive=True)
        assert len([w for w in workers if w.is_running()]) >= 2
    finally:
        running.stop()
        for kiosk in kiosks:
            kiosk.http.close()


def test_zero_workers_is_refused_in_one_line(server_home: ServerHome) -> None:
    said = io.StringIO()
    with contextlib.redirect_stderr(said):
        assert server_home.cli("run", "--port", "0", "--workers", "0") == 2
    assert said.getvalue().strip() == "clinic-server: --workers must be at least 1"
