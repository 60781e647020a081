"""The curious server operator: runs the clinic server, reads its disk and its database, but does
not hold the clinic key's passphrase (only the person who exports to the EHR does).

Records arrive sealed and stay sealed: nothing of a check-in is readable from the server's
folder, and without the passphrase the export refuses to decrypt anything.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from attack_canaries import canary_checkin, find_canaries

from kiosk.desk.enrolment import enroll
from kiosk.desk.facade import Kiosk
from sync.client.engine import SyncEngine, SyncOutcome
from sync.server.cli import main as server_main
from tests.sync.clinic_harness import CHEAP_SLOTS, ClinicServer


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ClinicServer]:
    running = ClinicServer(tmp_path / "clinic-server").start()
    yield running
    running.stop()


def test_the_server_folder_holds_no_readable_answer_and_export_needs_the_passphrase(
    tmp_path: Path, server: ClinicServer
) -> None:
    kiosk = Kiosk.init(tmp_path / "kiosk-data", demo=True, keyslot_cost=CHEAP_SLOTS)
    try:
        enroll(kiosk, server.url, server.enrolment_code(), name="waiting room")
        kiosk.patient_desk().submit_checkin(canary_checkin())
        engine = SyncEngine.for_kiosk(kiosk, timeout_s=5.0)
        assert engine.run_once(force=True).outcome is SyncOutcome.DELIVERED
        engine.close()
    finally:
        kiosk.close()
    assert len(server.envelopes()) == 1

    assert find_canaries(server.home) == []
    wrong = tmp_path / "guess"
    wrong.write_text("password123\n")
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = server_main(
            ["--home", str(server.home), "export", "--passphrase-file", str(wrong)]
            + ["--out", str(tmp_path / "export")]
        )
    assert status != 0 and "passphrase" in err.getvalue().lower()
    assert find_canaries(tmp_path / "export") == []
    # With the passphrase the same records do open: the search above was not blind.
    passphrase = str(server.home.parent / "passphrase")
    server.admin("export", "--passphrase-file", passphrase, "--out", str(tmp_path / "export"))
    assert find_canaries(tmp_path / "export")
