"""A misbehaving network on loopback: an HTTP proxy between kiosk and clinic server that injects
the failures a clinic's Wi-Fi produces (refusals, stalls, resets, 5xx, garbage, captive portals).

It handles one request per connection (it forces `Connection: close` upstream), runs its own
asyncio loop in a daemon thread, and is steered from the test thread with `set_fault`.
"""

from __future__ import annotations

import asyncio
import random
import socket
import struct
import threading
from collections import Counter
from enum import StrEnum


class Fault(StrEnum):
    """What the proxy does to the next requests."""

    NONE = "none"  # forward faithfully
    REFUSE = "refuse"  # nobody listens: connection refused
    STALL = "stall"  # accept, read, never answer (past the client's timeout)
    RESET_REQUEST = "reset_request"  # read half the request body, then a TCP reset
    RESET_RESPONSE = "reset_response"  # forward, then reset half way through the answer
    SERVER_ERROR = "server_error"  # 500 without forwarding
    TRUNCATED = "truncated"  # forward, then close after half the answer's body
    GARBAGE = "garbage"  # random bytes instead of HTTP
    TOO_LARGE = "too_large"  # 413 for bodies over `body_limit`, forward the rest
    CAPTIVE_PORTAL = "captive_portal"  # 200 with an HTML sign-in page
    CHAOS = "chaos"  # a seeded random pick among all of the above per request


_CHAOTIC = [f for f in Fault if f not in (Fault.CHAOS, Fault.REFUSE)]

_PORTAL = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n"
    b"Content-Length: 70\r\n\r\n"
    b"<html><body><h1>Welcome to ClinicGuest Wi-Fi</h1>Sign in</body></html>"
)


def _status(code: int, reason: str) -> bytes:
    body = f'{{"error": "{reason}"}}'.encode()
    return (
        f"HTTP/1.1 {code} {reason}\r\nContent-Type: application/json\r\n"
        f"Connection: close\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body


def _abort_with_reset(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    if sock is not None:
        # Linger 0 turns close() into a TCP RST instead of an orderly FIN.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


class FaultProxy:
    """An HTTP/1.1 proxy on 127.0.0.1 that forwards to `upstream_port` unless told to fail."""

    def __init__(self, upstream_port: int, *, seed: int = 0) -> None:
        self.upstream_port = upstream_port
        self.fault = Fault.NONE
        self.body_limit = 1 << 30
        self.stall_seconds = 5.0
        self.seen: Counter[str] = Counter()  # faults actually applied, by name
        self._rng = random.Random(seed)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._reserve = socket.socket()
        self._reserve.bind(("127.0.0.1", 0))
        self.port: int = self._reserve.getsockname()[1]
        self._reserve.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FaultProxy:
        self._thread.start()
        self._call(self._listen())
        return self

    def stop(self) -> None:
        self._call(self._close())
        self._call(self._cancel_handlers())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    def set_fault(self, fault: Fault, *, body_limit: int | None = None) -> None:
        """Switch behaviour; REFUSE closes the listening socket, leaving it reopens it."""
        if body_limit is not None:
            self.body_limit = body_limit
        if fault is Fault.REFUSE and self._server is not None:
            self._call(self._close())
        elif fault is not Fault.REFUSE and self._server is None:
            self._call(self._listen())
        self.fault = fault

    def _call(self, coro: object) -> None:
        asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=10)  # type: ignore[arg-type]

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(
            self._handle, "127.0.0.1", self.port, reuse_address=True
        )

    async def _close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def _cancel_handlers(self) -> None:
        tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await self._serve_one(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            writer.transport.abort()
        except asyncio.CancelledError:
            # Finish quietly: the proxy is stopping and the client is gone anyway.
            writer.transport.abort()
        finally:
            if not writer.is_closing():
                writer.close()

    async def _serve_one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        fault = self.fault
        if fault is Fault.CHAOS:
            fault = self._rng.choice(_CHAOTIC)
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        if fault is Fault.RESET_REQUEST:
            await reader.readexactly(length // 2)
            self.seen[fault] += 1
            _abort_with_reset(writer)
            return
        body = await reader.readexactly(length)
        if fault is Fault.TOO_LARGE and length <= self.body_limit:
            fault = Fault.NONE
        self.seen[fault] += 1
        if fault is Fault.STALL:
            await asyncio.sleep(self.stall_seconds)
            return
        if fault is Fault.SERVER_ERROR:
            writer.write(_status(500, "Internal Server Error"))
        elif fault is Fault.GARBAGE:
            writer.write(self._rng.randbytes(200))
        elif fault is Fault.TOO_LARGE:
            writer.write(_status(413, "Payload Too Large"))
        elif fault is Fault.CAPTIVE_PORTAL:
            writer.write(_PORTAL)
        else:
            answer = await self._forward(head, body)
            if fault is Fault.RESET_RESPONSE:
                writer.write(answer[: len(answer) // 2])
                await writer.drain()
                _abort_with_reset(writer)
                return
            if fault is Fault.TRUNCATED:
                answer = answer[: answer.index(b"\r\n\r\n") + 4 + max(0, _body_len(answer) // 2)]
            writer.write(answer)
        await writer.drain()

    async def _forward(self, head: bytes, body: bytes) -> bytes:
        lines = [
            line
            for line in head.split(b"\r\n")
            if line and not line.lower().startswith(b"connection:")
        ]
        request = b"\r\n".join([*lines, b"Connection: close", b"", b""]) + body
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        up_writer.write(request)
        await up_writer.drain()
        answer = await up_reader.read()
        up_writer.close()
        return answer


def _body_len(answer: bytes) -> int:
    return len(answer) - answer.index(b"\r\n\r\n") - 4
