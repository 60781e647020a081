"""The listening socket `clinic-server run` makes: kept-open kiosk connections are not slowed
by Nagle's algorithm (every request after the first once waited ~40 ms for a delayed ACK)."""

from __future__ import annotations

import asyncio
import socket

import pytest

from sync.server.cli import UserError, listening_socket


async def test_a_kiosk_connection_accepted_by_the_server_sends_without_nagle_delay() -> None:
    """The event loop the server runs on (uvicorn's) accepts a kiosk's connection on the
    socket `run` made, and that connection has TCP_NODELAY on."""
    accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    class Answering(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            sock = transport.get_extra_info("socket")
            accepted.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    listening = listening_socket("127.0.0.1", 0)
    server = await asyncio.get_running_loop().create_server(Answering, sock=listening)
    try:
        port = listening.getsockname()[1]
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        assert await asyncio.wait_for(accepted, 10) != 0
        writer.close()
    finally:
        server.close()
        await server.wait_closed()


def test_a_port_already_taken_is_named_in_one_line() -> None:
    taken = listening_socket("127.0.0.1", 0)
    try:
        port = taken.getsockname()[1]
        with pytest.raises(UserError, match=f"cannot listen on 127.0.0.1:{port}"):
            listening_socket("127.0.0.1", port)
    finally:
        taken.close()
