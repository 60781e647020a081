"""Fixtures for the sync tests: a running clinic server, a demo kiosk, the two enrolled."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from clinic_harness import CHEAP_SLOTS, ClinicServer

from kiosk.desk.enrolment import EnrolmentResult, enroll
from kiosk.desk.facade import Kiosk


@pytest.fixture(scope="session")
def clinic_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClinicServer]:
    """One server shared by the tests of a worker; each test's kiosk is its own device."""
    server = ClinicServer(tmp_path_factory.mktemp("shared") / "clinic-server").start()
    yield server
    server.stop()


@pytest.fixture
def own_clinic_server(tmp_path: Path) -> Iterator[ClinicServer]:
    """A server this test alone may kill, restart or fill."""
    server = ClinicServer(tmp_path / "clinic-server").start()
    yield server
    server.stop()


@pytest.fixture
def kiosk(tmp_path: Path) -> Iterator[Kiosk]:
    opened = Kiosk.init(tmp_path / "kiosk-data", demo=True, keyslot_cost=CHEAP_SLOTS)
    yield opened
    opened.close()


@pytest.fixture
def enrolment(kiosk: Kiosk, clinic_server: ClinicServer) -> EnrolmentResult:
    return enroll(kiosk, clinic_server.url, clinic_server.enrolment_code(), name="waiting room")
