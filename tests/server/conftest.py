"""Fixtures for the clinic server stories (SQLite and a private PostgreSQL database per test)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from clinic_server_harness import (
    KioskDouble,
    RunningServer,
    ServerHome,
    fresh_postgres_database,
    make_home,
    postgres_reachable,
    start_server,
)


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test module, dropped afterwards.

    Under CI (env CI set) an unreachable PostgreSQL fails the test instead of skipping it.
    """
    if not postgres_reachable():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL on 127.0.0.1:5432 is unreachable and CI is set")
        pytest.skip("PostgreSQL on 127.0.0.1:5432 is unreachable")
    with fresh_postgres_database() as url:
        yield url


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def server_home(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> ServerHome:
    """A clinic server set up once per module and backend: each story runs on both."""
    folder = tmp_path_factory.mktemp(f"clinic-{request.param}")
    url = None if request.param == "sqlite" else str(request.getfixturevalue("postgres_url"))
    return make_home(folder, url)


@pytest.fixture(scope="module")
def server(server_home: ServerHome) -> Iterator[RunningServer]:
    running = start_server(server_home)
    yield running
    running.stop()


@pytest.fixture
def kiosk(server: RunningServer, server_home: ServerHome) -> Iterator[KioskDouble]:
    """A freshly enrolled kiosk talking to the running server."""
    double = KioskDouble(server.url, server_home.clinic_key())
    answer = double.enrol(server_home.enrolment_code())
    assert answer.status_code == 200, answer.text
    yield double
    double.http.close()
