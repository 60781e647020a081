"""The clinic server's defence against idle and slow connections (slowloris and the like).

uvicorn closes a kept-open connection idle after a response, but not one that never sends a
request, sends its headers a byte at a time, or trickles its body: 300 such connections stayed
open a minute, and 1,100 exhausted a service's file limit. This HTTP protocol (uvicorn's h11
protocol plus deadlines) closes a connection whose headers are not complete `header_timeout_s`
after it opened or after its previous answer, or whose body is not complete `body_timeout_s`
after its headers; and closes at once any connection beyond `max_connections`, so the file
limit (LimitNOFILE in the unit) is never reached. asyncio's "socket.accept() out of system
resource" error, logged on every accept attempt when the limit is hit anyway, is let through
once per minute with a count of the lines held back.

It subclasses uvicorn's `H11Protocol` and uses its `conn` (the h11 connection) and
`connections`: tests/server/test_server_slow_connections.py fails if uvicorn changes them.
"""

from __future__ import annotations

import asyncio
import logging
import time

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

DEFAULT_HEADER_TIMEOUT_S = 10.0
DEFAULT_BODY_TIMEOUT_S = 60.0  # an 8 MiB batch at about 1 Mbit/s
DEFAULT_MAX_CONNECTIONS = 1000
_ACCEPT_ERROR = "socket.accept() out of system resource"
_ACCEPT_LOG_INTERVAL_S = 60.0


class GuardedH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with header and body deadlines and a connection cap."""

    header_timeout_s = DEFAULT_HEADER_TIMEOUT_S
    body_timeout_s = DEFAULT_BODY_TIMEOUT_S
    max_connections = DEFAULT_MAX_CONNECTIONS

    _deadline: asyncio.TimerHandle | None = None
    _phase: str | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.max_connections:
            transport.abort()  # Why: free the descriptor now; a kiosk retries later anyway.
            return
        self._watch()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._watch()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._watch()

    def connection_lost(self, exc: Exception | None) -> None:
        self._set_deadline(None)
        super().connection_lost(exc)

    def _watch(self) -> None:
        """Start the deadline of the part of a request now awaited; keep it while it trickles."""
        state = self.conn.their_state
        phase = "headers" if state is h11.IDLE else "body" if state is h11.SEND_BODY else None
        if phase != self._phase:
            self._set_deadline(phase)

    def _set_deadline(self, phase: str | None) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        self._phase = phase
        if phase is not None and not self.transport.is_closing():
            limit = self.header_timeout_s if phase == "headers" else self.body_timeout_s
            self._deadline = self.loop.call_later(limit, self._too_slow)

    def _too_slow(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            self.transport.close()


def configure(header_timeout_s: float, body_timeout_s: float, max_connections: int) -> None:
    """Set the limits for this process (each `--workers` process calls it for itself)."""
    GuardedH11Protocol.header_timeout_s = header_timeout_s
    GuardedH11Protocol.body_timeout_s = body_timeout_s
    GuardedH11Protocol.max_connections = max_connections
    asyncio_log = logging.getLogger("asyncio")
    if not any(isinstance(f, _AcceptErrorBudget) for f in asyncio_log.filters):
        asyncio_log.addFilter(_AcceptErrorBudget())


class _AcceptErrorBudget(logging.Filter):
    """One "out of system resource" line a minute, saying how many were held back."""

    def __init__(self) -> None:
        super().__init__()
        self._next_at = 0.0
        self._held = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if _ACCEPT_ERROR not in record.getMessage():
            return True
        now = time.monotonic()
        if now < self._next_at:
            self._held += 1
            return False
        if self._held:
            record.msg = f"{record.msg} ({self._held} more held back in the last minute)"
        record.exc_info = None  # the traceback is the same every time: one line
        self._next_at, self._held = now + _ACCEPT_LOG_INTERVAL_S, 0
        return True
