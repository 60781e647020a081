"""A kiosk killed mid-upload, or a network that drops it: the clinic server's log gets one line
naming the device the request claimed, not a 50-line traceback per abandoned upload."""

from __future__ import annotations

import os
import select
import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

from clinic_server_harness import make_home, start_server

from sync import wire

ABANDONED = 3


def abandon_an_upload(address: tuple[str, int], device: str) -> None:
    """Announce a 1 MB batch, send 2 kB of it, and close the connection."""
    with socket.create_connection(address, timeout=10) as conn:
        conn.sendall(
            f"POST {wire.PATH_BATCH} HTTP/1.1\r\nHost: clinic\r\n"
            f"Content-Type: {wire.BATCH_CONTENT_TYPE}\r\nContent-Length: 1000000\r\n"
            f"{wire.HEADER_DEVICE}: {device}\r\n\r\n".encode()
            + b"\0" * 2048
        )


def test_each_abandoned_upload_is_one_line_naming_the_device(tmp_path: Path) -> None:
    server = start_server(make_home(tmp_path))
    assert server.process.stderr is not None
    parts = urlsplit(server.url)
    address = (str(parts.hostname), int(parts.port or 0))
    log = b""
    try:
        for _ in range(ABANDONED):
            abandon_an_upload(address, "kiosk-waiting-room")
        deadline = time.monotonic() + 30
        # Wait for the server to have handled every one (a line, or a traceback's last line).
        while log.count(b"\n") < ABANDONED and time.monotonic() < deadline:
            ready, _, _ = select.select([server.process.stderr], [], [], 0.5)
            if ready:
                log += os.read(server.process.stderr.fileno(), 65536)
    finally:
        server.stop()
    while rest := os.read(server.process.stderr.fileno(), 65536):
        log += rest
    lines = log.decode(errors="replace").strip().splitlines()

    assert "Traceback" not in log.decode(errors="replace")
    assert len(lines) == ABANDONED, lines
    assert all("closed the connection" in line for line in lines)
    assert all("'kiosk-waiting-room'" in line for line in lines)
