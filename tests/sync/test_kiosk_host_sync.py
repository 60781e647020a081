"""A kiosk host serving tablets syncs on its own: records reach the clinic server with no tablet
open (the tabs' sessions run no sync loop of their own: kiosk/browser/web_server.py)."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time

from clinic_harness import ClinicServer, submit_checkins

from kiosk.desk.enrolment import EnrolmentResult
from kiosk.desk.facade import Kiosk

DELIVERY_WAIT_S = 60


def test_the_served_kiosk_delivers_records_with_no_tablet_open(
    kiosk: Kiosk, enrolment: EnrolmentResult, clinic_server: ClinicServer
) -> None:
    sealed_before_serving = set(submit_checkins(kiosk, 2))
    data_dir = kiosk.data_dir
    kiosk.close()  # `kiosk serve` opens it; the fixture's close after the test does nothing more

    serving = subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli", "--data", str(data_dir), "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert serving.stdout is not None
        ready, _, _ = select.select([serving.stdout], [], [], 60)
        assert ready and b"Kiosk check-in served at" in serving.stdout.readline()
        kiosk = Kiosk.open(data_dir)
        try:
            deadline = time.monotonic() + DELIVERY_WAIT_S
            while set(clinic_server.stored(kiosk)) != sealed_before_serving:
                assert time.monotonic() < deadline, "the kiosk host never synced"
                time.sleep(0.5)
        finally:
            kiosk.close()
    finally:
        serving.send_signal(signal.SIGTERM)
        _, errors = serving.communicate(timeout=60)
    assert serving.returncode == 0, errors.decode()
    assert b"sync run failed" not in errors
