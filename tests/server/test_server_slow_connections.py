"""Someone on the clinic network opens connections and never finishes a request (slowloris:
idle, headers without their end, a body that never completes), or simply opens more than the
server keeps. A bounded loopback run: a fixed number of connections on 127.0.0.1, every wait
bounded in time. The server keeps answering /v1/health, closes every slow connection within its
deadline, and closes connections beyond its cap at once. The figures it prints are those in
docs/threat-model.md (run with -s to see them)."""

from __future__ import annotations

import logging
import select
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from clinic_server_harness import RunningServer, make_home, start_server

from sync import wire
from sync.server.connection_guard import configure

EACH_KIND = 100  # idle, slow headers, slow body: 300 in all, as in the attack run
DEADLINE_S = 2.0  # the server's --header-timeout and --body-timeout here
GIVE_UP_S = 30.0  # the longest any wait in this file lasts


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    running = start_server(
        make_home(tmp_path),
        "--header-timeout", str(DEADLINE_S), "--body-timeout", str(DEADLINE_S),
        "--max-connections", "400",
    )  # fmt: skip
    yield running
    running.stop()


def address(server: RunningServer) -> tuple[str, int]:
    parts = urlsplit(server.url)
    return str(parts.hostname), int(parts.port or 0)


def open_slow(where: tuple[str, int], kind: str) -> socket.socket:
    conn = socket.create_connection(where, timeout=10)
    if kind == "headers":
        conn.sendall(b"GET /v1/health HTTP/1.1\r\nHost: clinic\r\nX-Slow: ")
    elif kind == "body":
        conn.sendall(
            f"POST {wire.PATH_BATCH} HTTP/1.1\r\nHost: clinic\r\n"
            f"Content-Type: {wire.BATCH_CONTENT_TYPE}\r\nContent-Length: 100000\r\n\r\n".encode()
            + b"\0" * 100
        )
    conn.setblocking(False)
    return conn


def closed_by_server(conn: socket.socket) -> bool:
    try:
        return conn.recv(65536) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True  # reset: closed too


def wait_closed(conns: list[socket.socket], at_least: int) -> float | None:
    """Seconds until `at_least` of them were closed by the server, or None after GIVE_UP_S."""
    started, open_ones, closed = time.monotonic(), list(conns), 0
    while time.monotonic() - started < GIVE_UP_S:
        still = [conn for conn in open_ones if not closed_by_server(conn)]
        closed += len(open_ones) - len(still)
        open_ones = still
        if closed >= at_least:
            return time.monotonic() - started
        waiting = select.poll()
        for conn in open_ones:
            waiting.register(conn, select.POLLIN)
        waiting.poll(500)  # until a connection has news (EOF, a reset), at most 0.5 s
    return None


def health_seconds(server: RunningServer) -> float | None:
    """How long /v1/health took to answer on a new connection (None: not within GIVE_UP_S)."""
    started = time.monotonic()
    while time.monotonic() - started < GIVE_UP_S:
        try:
            if httpx.get(f"{server.url}{wire.PATH_HEALTH}", timeout=2).status_code == 200:
                return time.monotonic() - started
        except httpx.HTTPError:
            continue
    return None


def test_slow_and_idle_connections_are_closed_and_health_keeps_answering(
    server: RunningServer,
) -> None:
    where = address(server)
    conns = [
        open_slow(where, kind) for kind in ("idle", "headers", "body") for _ in range(EACH_KIND)
    ]
    try:
        answered = health_seconds(server)
        recovered = wait_closed(conns, at_least=len(conns))
    finally:
        for conn in conns:
            conn.close()

    print(f"\nBENCH slow_connections_held {len(conns)} connections")
    print(f"BENCH health_while_held {answered} s")
    print(f"BENCH slow_connections_all_closed_after {recovered} s (deadline {DEADLINE_S} s)")
    assert answered is not None and answered < 5
    assert recovered is not None, "slow connections were still open after 30 s"
    assert recovered < DEADLINE_S + 5


def test_connections_beyond_the_cap_are_closed_at_once_and_health_comes_back(
    tmp_path: Path,
) -> None:
    cap, flood = 100, 250
    server = start_server(
        make_home(tmp_path),
        "--max-connections", str(cap), "--header-timeout", str(DEADLINE_S),
    )  # fmt: skip
    try:
        where = address(server)
        flooded_at = time.monotonic()
        conns = [open_slow(where, "idle") for _ in range(flood)]
        try:
            beyond = wait_closed(conns, at_least=flood - cap)
            answered = health_seconds(server)
            recovered = time.monotonic() - flooded_at
        finally:
            for conn in conns:
                conn.close()
    finally:
        server.stop()

    print(f"\nBENCH flood_connections {flood} against a cap of {cap}")
    print(f"BENCH flood_beyond_cap_closed_after {beyond} s")
    print(f"BENCH flood_health_back_after {recovered:.2f} s")
    assert beyond is not None and beyond < 5, "connections beyond the cap were kept open"
    assert answered is not None and recovered < DEADLINE_S + 10


def test_the_out_of_descriptors_line_is_written_once_a_minute_not_per_accept(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Before, every failed accept wrote it with a traceback: 4.8 million lines in 35 s."""
    configure(DEADLINE_S, DEADLINE_S, 400)
    asyncio_log = logging.getLogger("asyncio")
    with caplog.at_level(logging.ERROR, logger="asyncio"):
        for _ in range(10_000):
            try:
                raise OSError(24, "Too many open files")
            except OSError:
                asyncio_log.error("socket.accept() out of system resource", exc_info=True)
        asyncio_log.error("another asyncio error")

    lines = [record for record in caplog.records if record.name == "asyncio"]
    assert [r.getMessage() for r in lines] == [
        "socket.accept() out of system resource",
        "another asyncio error",
    ]
    assert lines[0].exc_info is None
