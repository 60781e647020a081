# Over 400 lines: every route of the wire API with its checks, as docs/wire.md orders them.
"""The clinic server's ASGI application: enrolment, batches, audit links, configuration.

Every refusal is a JSON `Refusal` with a stable code and a reason for IT, and nothing of a
refused request is stored; the refusal itself is remembered in the refusal log (its own small
transaction), under the device whose signature verified or as "unknown". Bodies are read
against the advertised limit before they are held in memory. Database work runs in worker
threads so one slow commit never stalls the others.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kiosk.vault.keys import raw_key_fingerprint
from sync.server.audit_links import AuditDiscontinuity
from sync.server.clinic_keys import ServerKeys, load_server_keys
from sync.server.connection_guard import configure
from sync.server.devices import Device, EnrolmentRefused
from sync.server.ingest import receive_envelopes
from sync.server.nonces import NonceClaim, NonceReplayed
from sync.server.openapi import openapi_document
from sync.server.refusal_log import RefusalNote, inert_text
from sync.server.storage import ClinicStore
from sync.wire import (
    BATCH_CONTENT_TYPE,
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_RECORDS_PER_BATCH,
    HEADER_DEVICE,
    HEADER_MAX_BODY,
    PATH_AUDIT,
    PATH_BATCH,
    PATH_CONFIG,
    PATH_ENROL,
    PATH_HEALTH,
    TIMESTAMP_WINDOW_S,
    AuditAnswer,
    BatchAnswer,
    EnrolmentAnswer,
    EnrolmentRequest,
    RefusalCode,
    SignedConfig,
    WireError,
    check_timestamp,
    decode_audit_links,
    decode_batch,
    read_signed_headers,
    verify_request,
)

T = TypeVar("T")
_log = logging.getLogger(__name__)
# Why: the database being down, or no configuration yet, is no attempt of the sender's.
_NOT_LOGGED = frozenset({RefusalCode.STORAGE_UNAVAILABLE, RefusalCode.NO_CONFIG})


@dataclass(frozen=True)
class ServerSettings:
    """What a running clinic server is told at start."""

    store: ClinicStore
    keys: ServerKeys
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_records_per_batch: int = DEFAULT_MAX_RECORDS_PER_BATCH
    timestamp_window_s: int = TIMESTAMP_WINDOW_S


class _Refused(Exception):
    """Ends a request with a Refusal answer."""

    def __init__(self, code: str, reason: str, status: int) -> None:
        super().__init__(reason)
        self.code, self.reason, self.status = code, reason, status


@dataclass
class _Sender:
    """Who a request is from, as far as it has been checked: for the refusal log."""

    named: str | None = None  # the device id in its signing headers, not yet verified
    proven: str | None = None  # set once its signature verified with that device's key

    def log_reason(self, reason: str) -> str:
        if self.proven is None and self.named is not None:
            return f"{reason} (the request named device {self.named!r})"
        return reason


def _refusal_response(code: str, reason: str, status: int, max_body: int) -> JSONResponse:
    body: dict[str, Any] = {"error": code, "reason": reason, "server_time": int(time.time())}
    if status == 413:
        body["max_body_bytes"] = max_body
    return JSONResponse(body, status_code=status)


async def _read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing with 413 as soon as it is known to exceed `limit`."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise _Refused(RefusalCode.MALFORMED_REQUEST, "Content-Length is not a number", 400)
        if int(declared) > limit:
            raise _Refused(
                RefusalCode.BODY_TOO_LARGE,
                f"the body is {declared} bytes; this server reads at most {limit}",
                413,
            )
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _Refused(
                RefusalCode.BODY_TOO_LARGE,
                f"the body is over {limit} bytes, the most this server reads",
                413,
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _log_abandoned(request: Request) -> None:
    """One line for an upload the client gave up on (a kiosk killed or its network gone)."""
    named = request.headers.get(HEADER_DEVICE)
    device = f" from device {inert_text(named, 64)!r} (not verified)" if named else ""
    _log.warning(
        "clinic-server: a client closed the connection during its %s %s upload%s",
        request.method,
        inert_text(request.url.path, 64),
        device,
    )


def _replayed() -> _Refused:
    return _Refused(
        RefusalCode.REPLAYED_NONCE, "this request was already received (nonce reused)", 409
    )


class ClinicServer:
    """The request handlers, bound to one store and one set of keys."""

    def __init__(self, settings: ServerSettings) -> None:
        self.settings = settings
        self.store = settings.store

    async def _db(self, work: Callable[..., T], *args: Any) -> T:
        try:
            return await run_in_threadpool(work, *args)
        except SQLAlchemyError as exc:
            raise _Refused(
                RefusalCode.STORAGE_UNAVAILABLE,
                f"the clinic database is not available ({type(exc).__name__}); try again later",
                503,
            ) from exc

    def note_refusals(self, sender: str | None, at: float, notes: Sequence[RefusalNote]) -> None:
        """Remember refusals for IT; a log that cannot be written never changes the answer."""
        try:
            self.store.note_refusals(sender, at, notes)
        except SQLAlchemyError as exc:
            _log.warning("the refusal log could not be written (%s)", type(exc).__name__)

    def endpoint(
        self, handler: Callable[[Request, _Sender], Awaitable[Response]]
    ) -> Callable[[Request], Awaitable[Response]]:
        """Turn wire and server refusals raised by a handler into JSON answers, and log them."""
        limit = self.settings.max_body_bytes

        async def answer(request: Request) -> Response:
            sender = _Sender()
            try:
                return await handler(request, sender)
            except (_Refused, WireError) as refused:
                code, reason, status = refused.code, refused.reason, refused.status
            except ClientDisconnect:
                _log_abandoned(request)
                return Response(status_code=400)  # Why: nobody is left to read it.
            if code not in _NOT_LOGGED:
                note = RefusalNote(code, sender.log_reason(reason))
                await run_in_threadpool(self.note_refusals, sender.proven, time.time(), [note])
            return _refusal_response(code, reason, status, limit)

        return answer

    async def _authenticate(self, request: Request, body: bytes, sender: _Sender) -> Device:
        """The enrolled, current device that signed this request (its nonce now spent)."""
        headers = dict(request.headers)
        device, claim, now = await self._db(
            self._signed_by, request.method, request.url.path, headers, body, sender
        )
        if not await self._db(self.store.use_nonce, claim, now):
            raise _replayed()
        return device

    def _signed_by(
        self, method: str, path: str, headers: dict[str, str], body: bytes, sender: _Sender
    ) -> tuple[Device, NonceClaim, float]:
        """Who signed this request, and the nonce to claim; refuses unknown or revoked devices,
        stale times and bad signatures. Runs in a worker thread (a database read, Ed25519).

        A revoked kiosk is refused as revoked whatever its signature (the wire order), but its
        attempt is logged under its id only when the signature shows it really is that kiosk."""
        signed = read_signed_headers(headers)
        sender.named = signed.device_id
        window = self.settings.timestamp_window_s
        now = time.time()
        check_timestamp(signed.timestamp, now, window)
        device = self.store.device(signed.device_id)
        if device is None:
            raise _Refused(
                RefusalCode.UNKNOWN_DEVICE,
                f"device {signed.device_id!r} is not enrolled with this clinic server",
                401,
            )
        try:
            verify_request(device.verify_key, method, path, headers, body, now=now, window_s=window)
            sender.proven = device.device_id
        except WireError:
            if not device.revoked:
                raise
        if device.revoked:
            raise _Refused(
                RefusalCode.REVOKED_DEVICE, f"device {signed.device_id!r} was revoked by IT", 403
            )
        return device, NonceClaim(device.device_id, signed.nonce, 2 * window), now

    async def health(self, request: Request) -> Response:
        return JSONResponse(
            {
                "status": "ok",
                "server_time": int(time.time()),
                "max_body_bytes": self.settings.max_body_bytes,
                "max_records_per_batch": self.settings.max_records_per_batch,
            }
        )

    async def enrol(self, request: Request, sender: _Sender) -> Response:
        body = await _read_body(request, self.settings.max_body_bytes)
        enrolment = EnrolmentRequest.from_json(body)
        sender.named = enrolment.device_id  # Why: not enrolled yet, so never proven here.
        headers = dict(request.headers)
        if read_signed_headers(headers).device_id != enrolment.device_id:
            raise _Refused(
                RefusalCode.BAD_SIGNATURE,
                "the request is not signed as the device being enrolled",
                401,
            )
        now = time.time()
        signed = verify_request(
            enrolment.device_key,
            "POST",
            request.url.path,
            headers,
            body,
            now=now,
            window_s=self.settings.timestamp_window_s,
        )
        try:
            device = await self._db(
                self.store.enrol,
                enrolment.code,
                enrolment.device_id,
                enrolment.device_key,
                enrolment.name,
                now,
            )
        except EnrolmentRefused as refused:
            status = 409 if refused.code == RefusalCode.DEVICE_ID_TAKEN else 403
            raise _Refused(refused.code, refused.reason, status) from refused
        claim = NonceClaim(device.device_id, signed.nonce, 2 * self.settings.timestamp_window_s)
        await self._db(self.store.use_nonce, claim, now)
        keys = self.settings.keys
        answer = EnrolmentAnswer(
            device_id=device.device_id,
            clinic_key=keys.clinic_public.to_bytes(),
            clinic_key_fingerprint=keys.clinic_public.fingerprint,
            config_key=keys.config_public,
            config_key_fingerprint=raw_key_fingerprint(keys.config_public),
            max_body_bytes=self.settings.max_body_bytes,
            max_records_per_batch=self.settings.max_records_per_batch,
            timestamp_window_s=self.settings.timestamp_window_s,
            server_time=int(now),
        )
        return JSONResponse(answer.to_json())

    async def batch(self, request: Request, sender: _Sender) -> Response:
        body = await _read_body(request, self.settings.max_body_bytes)
        content_type = request.headers.get("content-type", "").split(";")[0].strip()
        answer = await self._db(
            self._receive_batch, request.method, request.url.path, dict(request.headers), body,
            content_type, sender,
        )  # fmt: skip
        return JSONResponse(answer.to_json())

    def _receive_batch(
        self,
        method: str,
        path: str,
        headers: dict[str, str],
        body: bytes,
        content_type: str,
        sender: _Sender,
    ) -> BatchAnswer:
        """Authenticate, split, check and store one batch: all of it in one worker thread, so a
        batch costs one hop off the event loop and one commit. Its refused records are logged
        after that commit, in their own transaction."""
        device, claim, _ = self._signed_by(method, path, headers, body, sender)
        try:
            if content_type != BATCH_CONTENT_TYPE:
                raise _Refused(
                    RefusalCode.UNSUPPORTED_MEDIA_TYPE,
                    f"a batch is sent as {BATCH_CONTENT_TYPE}",
                    415,
                )
            datas = decode_batch(body, max_records=self.settings.max_records_per_batch)
        except (_Refused, WireError):
            # Why: a replayed request is named as a replay even when its body is bad.
            if not self.store.use_nonce(claim, time.time()):
                raise _replayed() from None
            raise
        try:
            results = receive_envelopes(
                self.store,
                self.settings.keys.clinic_public,
                datas,
                time.time(),
                requesting_device=device,
                source="sync",
                claim=claim,  # claimed in the same transaction that stores the records
            )
        except NonceReplayed:
            raise _replayed() from None
        refused = [
            RefusalNote(r.code or r.status.value, r.reason or "", r.record_id)
            for r in results
            if not r.status.delivered
        ]
        if refused:
            self.note_refusals(device.device_id, time.time(), refused)
        return BatchAnswer(tuple(results), int(time.time()))

    async def audit(self, request: Request, sender: _Sender) -> Response:
        body = await _read_body(request, self.settings.max_body_bytes)
        device = await self._authenticate(request, body, sender)
        links = decode_audit_links(body)
        try:
            head = await self._db(self.store.add_audit_links, device.device_id, links, time.time())
        except AuditDiscontinuity as broken:
            raise _Refused(RefusalCode.AUDIT_DISCONTINUITY, str(broken), 409) from broken
        return JSONResponse(AuditAnswer(head.seq, head.hash, int(time.time())).to_json())

    async def config(self, request: Request, sender: _Sender) -> Response:
        body = await _read_body(request, self.settings.max_body_bytes)
        await self._authenticate(request, body, sender)
        latest = await self._db(self.store.latest_config)
        if latest is None:
            raise _Refused(RefusalCode.NO_CONFIG, "no clinic configuration is published yet", 404)
        return JSONResponse(SignedConfig(latest.payload, latest.signature).to_json())

    async def openapi(self, request: Request) -> Response:
        return JSONResponse(openapi_document(self.settings.max_body_bytes))


class _AdvertiseLimit:
    """ASGI middleware: every answer carries the body limit header."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app, self.header = app, (HEADER_MAX_BODY.lower().encode(), str(max_body).encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), self.header]
            await send(message)

        await self.app(scope, receive, with_header)


def create_app(settings: ServerSettings) -> ASGIApp:
    """The clinic server ASGI application."""
    server = ClinicServer(settings)
    limit = settings.max_body_bytes

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        code = RefusalCode.METHOD_NOT_ALLOWED if status == 405 else RefusalCode.NOT_FOUND
        return _refusal_response(
            code, f"no such endpoint: {request.method} on this path", status, limit
        )

    routes = [
        Route(PATH_HEALTH, server.health, methods=["GET"]),
        Route(PATH_ENROL, server.endpoint(server.enrol), methods=["POST"]),
        Route(PATH_BATCH, server.endpoint(server.batch), methods=["POST"]),
        Route(PATH_AUDIT, server.endpoint(server.audit), methods=["POST"]),
        Route(PATH_CONFIG, server.endpoint(server.config), methods=["GET"]),
        Route("/openapi.json", server.openapi, methods=["GET"]),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error})
    return _AdvertiseLimit(app, limit)


@dataclass(frozen=True)
class ConnectionLimits:
    """How long a request's headers and body may take, and how many connections a process
    keeps (`sync/server/connection_guard.py`)."""

    header_timeout_s: float
    body_timeout_s: float
    max_connections: int

    def apply(self) -> None:
        configure(self.header_timeout_s, self.body_timeout_s, self.max_connections)


@dataclass(frozen=True)
class WorkerLaunch:
    """What one `run --workers N` process needs to build its own app.

    uvicorn starts workers as fresh interpreters and pickles this to them, so it holds only
    names: each worker loads the keys and opens its own database connections (a pool is not
    shared across processes). A worker's store closes with its process.
    """

    home: str
    db_url: str
    max_body_bytes: int
    limits: ConnectionLimits

    def __call__(self) -> ASGIApp:
        self.limits.apply()
        keys = load_server_keys(Path(self.home))
        store = ClinicStore.open(self.db_url, time.time())
        return create_app(ServerSettings(store, keys, max_body_bytes=self.max_body_bytes))
