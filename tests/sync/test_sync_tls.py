"""Over https the kiosk pins the server's certificate at enrolment: IT sees its fingerprint, and
a different certificate at the same address (an interception) gets nothing at all."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from clinic_harness import ClinicServer, engine_for, kiosk_hashes, self_signed, submit_checkins

from kiosk.desk.enrolment import enroll
from kiosk.desk.facade import Kiosk
from sync.client.engine import SyncOutcome
from sync.client.errors import SyncError
from sync.client.pins import ServerPins
from sync.client.tls_pin import certificate_fingerprint


@pytest.fixture(params=["1", "2"], ids=["one-process", "two-workers"])
def tls_server(
    tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[tuple[ClinicServer, bytes]]:
    """The clinic server over https, as one process and as two worker processes (--workers)."""
    server = ClinicServer(tmp_path / "clinic-server")
    cert, key, der = self_signed(tmp_path, "genuine")
    server.start("--tls-cert", cert, "--tls-key", key, "--workers", request.param)
    yield server, der
    server.stop()


def https(server: ClinicServer) -> str:
    return f"https://127.0.0.1:{server.port}"


def test_enrolment_over_https_pins_the_certificate_and_sync_works(
    kiosk: Kiosk, tls_server: tuple[ClinicServer, bytes]
) -> None:
    server, der = tls_server
    result = enroll(kiosk, https(server), server.enrolment_code())

    assert result.tls_fingerprint is not None
    assert result.tls_fingerprint == certificate_fingerprint(der)
    assert result.tls_fingerprint.replace(":", "") == hashlib.sha256(der).hexdigest().upper()
    submit_checkins(kiosk, 2)
    engine = engine_for(kiosk)
    assert engine.run_once(force=True).acked == 2
    assert server.stored(kiosk) == kiosk_hashes(kiosk)
    engine.close()


def test_another_certificate_at_the_same_address_gets_nothing(
    kiosk: Kiosk, tls_server: tuple[ClinicServer, bytes], tmp_path: Path
) -> None:
    server, _ = tls_server
    enroll(kiosk, https(server), server.enrolment_code())
    submit_checkins(kiosk, 1)
    server.stop()
    cert, key, _ = self_signed(tmp_path, "impostor")
    server.start("--tls-cert", cert, "--tls-key", key)
    engine = engine_for(kiosk)

    report = engine.run_once(force=True)

    assert report.outcome is SyncOutcome.FAILED
    assert report.error is not None and "not the one pinned" in report.error
    assert server.stored(kiosk) == {}
    assert kiosk.store.counts_by_state()["queued"] == 1
    engine.close()


def test_a_wrong_expected_fingerprint_enrols_nothing(
    kiosk: Kiosk, tls_server: tuple[ClinicServer, bytes]
) -> None:
    server, _ = tls_server

    with pytest.raises(SyncError, match="not the expected"):
        enroll(kiosk, https(server), server.enrolment_code(), expected_tls_fingerprint="AB:CD:EF")

    assert ServerPins.load(kiosk.store) is None
