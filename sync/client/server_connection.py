"""One kiosk's conversation with its clinic server: signed requests over pinned TLS, answers
checked strictly, and every network fault turned into an `ExchangeFailed` with a reason IT can
act on (never a raw exception from httpx, ssl or json)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

import httpx

from sync.client.tls_pin import pinned_context
from sync.wire import (
    BATCH_CONTENT_TYPE,
    JSON_CONTENT_TYPE,
    PATH_AUDIT,
    PATH_BATCH,
    PATH_CONFIG,
    PATH_ENROL,
    AuditAnswer,
    AuditLink,
    BatchAnswer,
    EnrolmentAnswer,
    EnrolmentRequest,
    Refusal,
    RefusalCode,
    RequestSigner,
    SignedConfig,
    WireError,
    dump_json,
    encode_audit_links,
    encode_batch,
    sign_request,
)

# A clinic answer is at most ~150 kB (1,000 batch results); anything far larger is not one.
MAX_ANSWER_BYTES = 4 * 1024 * 1024

T = TypeVar("T")


class ExchangeFailed(Exception):
    """A request did not get a usable answer. `code` is the server's refusal code when it gave
    one (see sync.wire.RefusalCode), else None for network faults and non-clinic answers."""

    def __init__(
        self,
        reason: str,
        *,
        code: str | None = None,
        status: int | None = None,
        server_time: int | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.status = status
        self.server_time = server_time

    @property
    def too_large(self) -> bool:
        """The clinic server itself refused the body as too large. A bare 413 from a proxy or
        portal in the way is a network fault like any other: retried, never split or held."""
        return self.status == 413 and self.code == RefusalCode.BODY_TOO_LARGE


@dataclass
class WireCount:
    """Bytes that crossed the network in both directions, headers included (thread-safe)."""

    sent: int = 0
    received: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, sent: int = 0, received: int = 0) -> None:
        with self._lock:
            self.sent += sent
            self.received += received


class ServerConnection:
    """Signed requests from one device to one clinic server; several threads may send at once."""

    def __init__(
        self,
        base_url: str,
        device_id: str,
        signer: RequestSigner,
        *,
        tls_certificate: bytes | None,
        timeout_s: float = 15.0,
        clock_offset_s: float = 0.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.device_id = device_id
        self.clock_offset_s = clock_offset_s
        self.wire = WireCount()
        self._signer = signer
        verify: object = pinned_context(tls_certificate) if tls_certificate else True
        self._client = httpx.Client(
            base_url=self.base_url,
            timeout=httpx.Timeout(timeout_s),
            verify=verify,  # type: ignore[arg-type]
            transport=transport,
            follow_redirects=False,  # a captive portal's redirect is a failure, not a detour
            trust_env=False,  # a clinic proxy variable must not route PHI-bearing traffic
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> ServerConnection:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # ---- the endpoints ------------------------------------------------------------------

    def send_batch(self, envelopes: Sequence[bytes], now: datetime) -> BatchAnswer:
        body = encode_batch(envelopes)
        answer = self._signed("POST", PATH_BATCH, body, BATCH_CONTENT_TYPE, now)
        return self._parse(lambda: BatchAnswer.from_json(answer, expected=len(envelopes)))

    def send_audit(self, links: Sequence[AuditLink], now: datetime) -> AuditAnswer:
        body = encode_audit_links(links)
        answer = self._signed("POST", PATH_AUDIT, body, JSON_CONTENT_TYPE, now)
        return self._parse(lambda: AuditAnswer.from_json(answer))

    def fetch_config(self, now: datetime) -> SignedConfig | None:
        """The signed configuration, or None when the clinic has not published one yet."""
        try:
            answer = self._signed("GET", PATH_CONFIG, b"", None, now)
        except ExchangeFailed as failure:
            if failure.code == RefusalCode.NO_CONFIG:
                return None
            raise
        return self._parse(lambda: SignedConfig.from_json(answer))

    def enrol(self, request: EnrolmentRequest, now: datetime) -> EnrolmentAnswer:
        body = dump_json(request.to_json())
        answer = self._signed("POST", PATH_ENROL, body, JSON_CONTENT_TYPE, now)
        return self._parse(lambda: EnrolmentAnswer.from_json(answer))

    # ---- signing, retrying a stale clock once, and reading answers ----------------------

    def _signed(
        self, method: str, path: str, body: bytes, content_type: str | None, now: datetime
    ) -> bytes:
        for attempt in range(2):
            timestamp = int(now.timestamp() + self.clock_offset_s)
            headers = sign_request(
                self._signer, self.device_id, method, path, body, timestamp=timestamp
            )
            if content_type is not None:
                headers["Content-Type"] = content_type
            try:
                return self._exchange(method, path, body, headers)
            except ExchangeFailed as failure:
                if attempt == 0 and failure.code == RefusalCode.STALE_TIMESTAMP:
                    if failure.server_time is not None:
                        # The server told us its time: sign from now on with the measured offset.
                        self.clock_offset_s = failure.server_time - now.timestamp()
                    continue
                if attempt == 0 and failure.code == RefusalCode.REPLAYED_NONCE:
                    continue  # sign_request draws a fresh nonce
                raise
        raise AssertionError("unreachable: the loop returns or raises")

    def _exchange(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> bytes:
        request = self._client.build_request(method, path, content=body, headers=headers)
        self.wire.add(sent=_head_size(request.headers.raw) + len(request.url.raw_path) + len(body))
        where = f"the clinic server at {self.base_url}"
        try:
            response = self._client.send(request, stream=True)
            try:
                content = _read_capped(response)
            finally:
                response.close()
        except httpx.TimeoutException as error:
            raise ExchangeFailed(f"no answer from {where} in time ({_name(error)})") from None
        except httpx.ConnectError as error:
            if "CERTIFICATE_VERIFY_FAILED" in str(error):
                raise ExchangeFailed(
                    f"{where} presented a TLS certificate that is not the one pinned at "
                    "enrolment; refusing to send (check for interception, or re-enrol)"
                ) from None
            raise ExchangeFailed(f"cannot connect to {where}: {error}") from None
        except httpx.HTTPError as error:
            raise ExchangeFailed(f"the connection to {where} broke: {_name(error)}") from None
        self.wire.add(received=_head_size(response.headers.raw) + len(content))
        if response.status_code == 200:
            if not response.headers.get("content-type", "").startswith(JSON_CONTENT_TYPE):
                raise ExchangeFailed(
                    f"{where} answered with {response.headers.get('content-type', 'no type')}, "
                    "not a clinic answer (a Wi-Fi sign-in page or another proxy in the way?)",
                    status=200,
                )
            return content
        raise _refusal(response.status_code, content, where)

    @staticmethod
    def _parse(parse: Callable[[], T]) -> T:
        try:
            return parse()
        except WireError as error:
            raise ExchangeFailed(
                f"the clinic server's answer did not follow the wire format: {error.reason}",
                status=200,
            ) from None


def _refusal(status: int, content: bytes, where: str) -> ExchangeFailed:
    try:
        refusal = Refusal.from_json(content)
    except WireError:
        return ExchangeFailed(
            f"{where} answered HTTP {status} without a clinic refusal (a proxy or portal?)",
            status=status,
        )
    return ExchangeFailed(
        f"refused by the clinic server ({refusal.code}): {refusal.reason}",
        code=refusal.code,
        status=status,
        server_time=refusal.server_time,
    )


def _read_capped(response: httpx.Response) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > MAX_ANSWER_BYTES:
            raise ExchangeFailed(
                f"the answer was larger than {MAX_ANSWER_BYTES} bytes: not a clinic answer",
                status=response.status_code,
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _head_size(raw: list[tuple[bytes, bytes]]) -> int:
    # name + ": " + value + CRLF per header, plus the request/status line and blank line.
    return sum(len(name) + len(value) + 4 for name, value in raw) + 32


def _name(error: Exception) -> str:
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
