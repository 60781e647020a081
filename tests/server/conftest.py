"""Fixtures for the clinic server stories (SQLite and a private PostgreSQL database per test)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

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


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test, dropped afterwards.

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


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each storage story runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'clinic.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def server_home(tmp_path: Path, database_url: str) -> ServerHome:
    return make_home(tmp_path, database_url)


@pytest.fixture
def server(server_home: ServerHome) -> Iterator[RunningServer]:
    running = start_server(server_home)
    yield running
    running.stop()


@pytest.fixture
def kiosk(
    server: RunningServer, server_home: ServerHome, capsys: pytest.CaptureFixture[str]
) -> Iterator[KioskDouble]:
    """An enrolled kiosk talking to the running server."""
    double = KioskDouble(server.url, server_home.clinic_key())
    answer = double.enrol(server_home.enrolment_code(capsys))
    assert answer.status_code == 200, answer.text
    yield double
    double.http.close()
