"""Fixtures for the clinic server stories (SQLite and a private PostgreSQL database per test)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from clinic_server_harness import (
    PG_ADMIN_URL,
    KioskDouble,
    RunningServer,
    ServerHome,
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
    name = f"clinic_test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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
