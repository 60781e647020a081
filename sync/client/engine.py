# Over 400 lines: one sync run's steps in order, sharing one connection and one outcome.
"""The sync engine: drains the kiosk's outbox to the clinic server in signed batches, maps the
server's per-record answers onto the outbox (acked / quarantined with the reason / retried), sends
the audit chain's links, pulls the signed clinic configuration, and purges delivered payloads
after the retention period.

One engine owns one store connection, so `run_once` may run in a thread worker while the patient
flow keeps writing through its own connection. A run never raises for anything the network or
the server does: it returns a SyncReport and persists a SyncStatus for the IT console.
"""

from __future__ import annotations

import random
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

import httpx

from kiosk.intake.config import ClinicConfig
from kiosk.store.errors import StoreError
from kiosk.store.kiosk_store import KioskStore
from kiosk.store.rows import OutboxItem
from kiosk.store.store_check import DAMAGED_ON_DISK, is_intact
from kiosk.store.timestamps import utc_now
from kiosk.vault import DeviceSigningKey
from sync.client.clinic_config import accept_config, verified_clinic_config
from sync.client.errors import SyncError
from sync.client.pins import ServerPins
from sync.client.retry_policy import RetryPolicy
from sync.client.server_connection import ExchangeFailed, ServerConnection
from sync.client.status import SyncStatus
from sync.wire import AuditLink, BatchAnswer, RequestSigner

DEFAULT_RETENTION = timedelta(hours=24)
# Batches stay well under the server's body limit and give progress often enough for the console.
DEFAULT_BATCH_RECORDS = 500
# The batch framing costs 8 bytes plus 4 per envelope.
_FRAME_BYTES = 8
_AUDIT_LINKS_PER_REQUEST = 5000
# Two batches on the wire at once: the server verifies one while the kiosk records the other.
IN_FLIGHT = 2


class SyncingKiosk(Protocol):
    """What the engine needs of an opened kiosk (the application layer's `Kiosk`): its id, the
    device key that signs requests, and a database connection of the engine's own."""

    @property
    def kiosk_id(self) -> str: ...

    @property
    def device_key(self) -> DeviceSigningKey: ...

    def open_store(self) -> KioskStore: ...


class SyncOutcome(StrEnum):
    """How one run ended."""

    DELIVERED = "delivered"  # every due record got an answer (acked or quarantined)
    NOTHING_DUE = "nothing_due"
    FAILED = "failed"  # stopped by a network fault or a refusal: see error, retried later
    WAITING = "waiting"  # backing off after failures; `sync now` overrides
    NOT_ENROLLED = "not_enrolled"


@dataclass(frozen=True)
class SyncProgress:
    """Posted after each batch, for a progress line on the IT console."""

    acked: int
    quarantined: int


@dataclass(frozen=True)
class SyncReport:
    """What one run did; the worker posts it to the App, which updates the console."""

    outcome: SyncOutcome
    acked: int = 0
    quarantined: int = 0
    returned_to_queue: int = 0  # records in flight when the run failed, queued again
    error: str | None = None
    next_attempt_at: datetime | None = None
    bytes_on_wire: int = 0  # request and answer bytes, headers included
    sealed_bytes: int = 0  # envelope bytes sent


class _RunStopped(Exception):
    """A failure that ends the run; the records in flight go back to the queue."""

    def __init__(self, reason: str, in_flight: Sequence[str]) -> None:
        super().__init__(reason)
        self.reason = reason
        self.in_flight = list(in_flight)


class SyncEngine:
    """Delivers one kiosk's sealed records to the clinic server it is enrolled with."""

    def __init__(
        self,
        store: KioskStore,
        device_id: str,
        signer: RequestSigner,
        *,
        timeout_s: float = 15.0,
        batch_records: int = DEFAULT_BATCH_RECORDS,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.store = store
        self.device_id = device_id
        self._signer = signer
        self._timeout_s = timeout_s
        self._batch_records = max(1, batch_records)
        self._retry = retry or RetryPolicy()
        self._transport = transport
        self._rng = rng or random.Random()
        self._acked = 0
        self._quarantined = 0
        self._sealed_bytes = 0

    @classmethod
    def for_kiosk(cls, kiosk: SyncingKiosk, **options: Any) -> SyncEngine:
        """An engine with its own database connection, safe to run in a worker thread."""
        return cls(kiosk.open_store(), kiosk.kiosk_id, kiosk.device_key, **options)

    def close(self) -> None:
        self.store.close()

    def status(self) -> SyncStatus:
        return SyncStatus.load(self.store)

    # ---- one run ------------------------------------------------------------------------

    def run_once(
        self,
        now: datetime | None = None,
        *,
        force: bool = False,
        on_progress: Callable[[SyncProgress], None] | None = None,
    ) -> SyncReport:
        """Deliver what is due. `force` ("sync now") ignores the backoff wait."""
        now = now or utc_now()
        started = time.monotonic()
        status = SyncStatus.load(self.store)
        try:
            pins = ServerPins.load(self.store)
        except SyncError as error:
            return self._not_enrolled(status, now, str(error))
        if pins is None:
            reason = "this kiosk is not enrolled with a clinic server: run `kiosk enroll URL CODE`"
            return self._not_enrolled(status, now, reason)
        if not force and status.next_attempt_at is not None and now < status.next_attempt_at:
            return SyncReport(SyncOutcome.WAITING, next_attempt_at=status.next_attempt_at)
        self._acked = self._quarantined = self._sealed_bytes = 0
        connection = ServerConnection(
            pins.server_url,
            self.device_id,
            self._signer,
            tls_certificate=pins.tls_certificate,
            timeout_s=self._timeout_s,
            clock_offset_s=status.clock_offset_s,
            transport=self._transport,
        )
        # Records that failed wait until the engine's next attempt; "sync now" brings that forward.
        horizon = max(now, status.next_attempt_at or now) if force else now
        with connection:
            try:
                self._drain(connection, pins, now, horizon, on_progress)
                audit_through = self._send_audit(connection, status.audit_through_seq, now)
                config_version = self._pull_config(connection, pins, now, status)
            except _RunStopped as stopped:
                ended = now + timedelta(seconds=time.monotonic() - started)
                return self._failed(status, connection, now, ended, stopped)
            except StoreError as error:
                ended = now + timedelta(seconds=time.monotonic() - started)
                return self._failed(status, connection, now, ended, _RunStopped(str(error), []))
        status = status.with_changes(
            last_attempt_at=now,
            last_success_at=now,
            next_attempt_at=None,
            consecutive_failures=0,
            clock_offset_s=connection.clock_offset_s,
            audit_through_seq=audit_through,
            config_version=config_version,
        )
        status.save(self.store)
        outcome = SyncOutcome.DELIVERED if self._acked or self._quarantined else None
        return SyncReport(
            outcome or SyncOutcome.NOTHING_DUE,
            acked=self._acked,
            quarantined=self._quarantined,
            bytes_on_wire=connection.wire.sent + connection.wire.received,
            sealed_bytes=self._sealed_bytes,
        )

    def _not_enrolled(self, status: SyncStatus, now: datetime, reason: str) -> SyncReport:
        status.with_changes(last_attempt_at=now, last_error=reason, last_error_at=now).save(
            self.store
        )
        return SyncReport(SyncOutcome.NOT_ENROLLED, error=reason)

    def _failed(
        self,
        status: SyncStatus,
        connection: ServerConnection,
        now: datetime,
        ended: datetime,
        stopped: _RunStopped,
    ) -> SyncReport:
        """Record the failure of the attempt that began at `now` and gave up at `ended`."""
        failures = status.consecutive_failures + 1
        # Why: counted from the end, a timed-out attempt (15 s) does not leave a retry already
        # due (or past) when it is shown; the wait is the whole backoff.
        next_at = ended + self._retry.delay_after(failures, self._rng)
        if stopped.in_flight:
            self.store.mark_failed(stopped.in_flight, stopped.reason, next_at)
        status.with_changes(
            last_attempt_at=now,
            last_error=stopped.reason,
            last_error_at=now,
            next_attempt_at=next_at,
            consecutive_failures=failures,
            clock_offset_s=connection.clock_offset_s,
        ).save(self.store)
        return SyncReport(
            SyncOutcome.FAILED,
            acked=self._acked,
            quarantined=self._quarantined,
            returned_to_queue=len(stopped.in_flight),
            error=stopped.reason,
            next_attempt_at=next_at,
            bytes_on_wire=connection.wire.sent + connection.wire.received,
            sealed_bytes=self._sealed_bytes,
        )

    # ---- records ------------------------------------------------------------------------

    def _drain(
        self,
        connection: ServerConnection,
        pins: ServerPins,
        now: datetime,
        horizon: datetime,
        on_progress: Callable[[SyncProgress], None] | None,
    ) -> None:
        """Send batches with up to IN_FLIGHT requests outstanding, applying answers in order."""
        limit = min(self._batch_records, pins.max_records_per_batch)
        with ThreadPoolExecutor(IN_FLIGHT, thread_name_prefix="sync-send") as senders:
            # Each pass leases what it sends past `horizon`, so the loop ends when nothing is due.
            while items := self.store.outbox_due(horizon, limit * IN_FLIGHT):
                items = self._hold_damaged(items)
                pending: deque[tuple[list[OutboxItem], Future[BatchAnswer]]] = deque()
                try:
                    for batch in _fitting_batches(items, pins.max_body_bytes, limit):
                        self.store.mark_sending([item.record_id for item in batch], horizon)
                        envelopes = [item.envelope for item in batch]
                        pending.append(
                            (batch, senders.submit(connection.send_batch, envelopes, now))
                        )
                        if len(pending) == IN_FLIGHT:
                            self._settle(connection, *pending.popleft(), now, horizon)
                            _report(on_progress, self._acked, self._quarantined)
                    while pending:
                        self._settle(connection, *pending.popleft(), now, horizon)
                        _report(on_progress, self._acked, self._quarantined)
                except _RunStopped as stopped:
                    # Answers already on their way may still be good: apply them, then stop.
                    failure = self._settle_after_failure(connection, pending, now, horizon, stopped)
                    raise failure from None

    def _hold_damaged(self, items: list[OutboxItem]) -> list[OutboxItem]:
        """Records whose stored bytes no longer match their hash are damage on this disk:
        held with that reason instead of sent (the server would call them forged)."""
        intact = []
        for item in items:
            if is_intact(item.envelope, item.sha256):
                intact.append(item)
            else:
                self.store.mark_quarantined(item.record_id, DAMAGED_ON_DISK)
                self._quarantined += 1
        return intact

    def _settle_after_failure(
        self,
        connection: ServerConnection,
        pending: deque[tuple[list[OutboxItem], Future[BatchAnswer]]],
        now: datetime,
        horizon: datetime,
        stopped: _RunStopped,
    ) -> _RunStopped:
        in_flight = list(stopped.in_flight)
        for batch, answer in pending:
            try:
                self._settle(connection, batch, answer, now, horizon)
            except _RunStopped as also:
                in_flight.extend(also.in_flight)
        return _RunStopped(stopped.reason, in_flight)

    def _settle(
        self,
        connection: ServerConnection,
        batch: list[OutboxItem],
        answer: Future[BatchAnswer],
        now: datetime,
        horizon: datetime,
    ) -> None:
        try:
            self._apply(batch, answer.result(), now)
        except ExchangeFailed as failure:
            if not failure.too_large:
                raise _RunStopped(failure.reason, [item.record_id for item in batch]) from None
            self._split(connection, batch, now, horizon)

    def _split(
        self,
        connection: ServerConnection,
        batch: list[OutboxItem],
        now: datetime,
        horizon: datetime,
    ) -> None:
        """The clinic server found the batch too large: send it in halves."""
        if len(batch) == 1:
            reason = "the server refuses this record as too large (HTTP 413)"
            self.store.mark_quarantined(batch[0].record_id, reason)
            self._quarantined += 1
            return
        middle = len(batch) // 2
        for half in (batch[:middle], batch[middle:]):
            ids = [item.record_id for item in half]
            self.store.mark_sending(ids, horizon)
            try:
                answer = connection.send_batch([item.envelope for item in half], now)
            except ExchangeFailed as failure:
                if not failure.too_large:
                    raise _RunStopped(failure.reason, ids) from None
                self._split(connection, half, now, horizon)
                continue
            self._apply(half, answer, now)

    def _apply(self, batch: list[OutboxItem], answer: BatchAnswer, now: datetime) -> None:
        """Per-record answers onto the outbox: delivered -> acked, refused -> quarantined."""
        sent = [item.record_id for item in batch]
        answered = [result.record_id for result in answer.results]
        if any(got is not None and got != want for got, want in zip(answered, sent, strict=True)):
            raise _RunStopped("the clinic server answered for other records than those sent", sent)
        self._sealed_bytes += sum(len(item.envelope) for item in batch)
        delivered: list[str] = []
        for item, result in zip(batch, answer.results, strict=True):
            if result.status.delivered:
                delivered.append(item.record_id)
            else:
                reason = f"{result.status.value} ({result.code}): {result.reason}"
                self.store.mark_quarantined(item.record_id, reason)
                self._quarantined += 1
        self.store.mark_acked(delivered, at=now)
        self._acked += len(delivered)

    # ---- audit chain and configuration --------------------------------------------------

    def _send_audit(self, connection: ServerConnection, through_seq: int, now: datetime) -> int:
        entries = self.store.audit_entries(after_seq=through_seq)
        for start in range(0, len(entries), _AUDIT_LINKS_PER_REQUEST):
            chunk = entries[start : start + _AUDIT_LINKS_PER_REQUEST]
            links = [AuditLink(entry.seq, entry.hash, entry.prev_hash) for entry in chunk]
            try:
                through_seq = connection.send_audit(links, now).through_seq
            except ExchangeFailed as failure:
                raise _RunStopped(_while(failure, "sending the audit chain"), []) from None
        return through_seq

    def _pull_config(
        self, connection: ServerConnection, pins: ServerPins, now: datetime, status: SyncStatus
    ) -> int | None:
        try:
            signed = connection.fetch_config(now)
        except ExchangeFailed as failure:
            raise _RunStopped(_while(failure, "fetching the clinic configuration"), []) from None
        if signed is None:
            return status.config_version
        try:
            return accept_config(self.store, signed, pins)
        except SyncError as refused:  # the configuration itself is bad: its own words say so
            raise _RunStopped(str(refused), []) from None

    # ---- retention ----------------------------------------------------------------------

    def purge(self, now: datetime | None = None) -> int:
        """Drop payloads acknowledged, and abandoned drafts, older than the clinic's retentions
        (default 24 h each)."""
        now = now or utc_now()
        return self.store.purge_acked(
            older_than=now - self.retention(), drafts_older_than=now - self.draft_retention()
        )

    def retention(self) -> timedelta:
        """How long an acknowledged payload stays on the kiosk."""
        config = self._published_config()
        if config is None:
            return DEFAULT_RETENTION
        return timedelta(hours=config.acknowledged_retention_hours)

    def draft_retention(self) -> timedelta:
        """How long an abandoned draft stays on the kiosk for a nurse to resume."""
        config = self._published_config()
        if config is None:
            return DEFAULT_RETENTION
        return timedelta(hours=config.draft_retention_hours)

    def _published_config(self) -> ClinicConfig | None:
        try:
            return verified_clinic_config(self.store)
        except SyncError:
            return None  # an unusable configuration never shortens retention


def sync_once(kiosk: SyncingKiosk, *, force: bool = False) -> SyncReport:
    """One sync run and the retention purge, on a connection of its own (any thread may run it:
    the kiosk app's worker, or the kiosk host's loop when it serves tablets)."""
    engine = SyncEngine.for_kiosk(kiosk)
    try:
        report = engine.run_once(force=force)
        engine.purge()
    finally:
        engine.close()
    return report


def _while(failure: ExchangeFailed, step: str) -> str:
    """What failed first (the network, the server, a refusal: the failure's own words), then
    the step it hit, so IT looks at the network before the configuration."""
    return f"{failure.reason} (while {step})"


def _report(on_progress: Callable[[SyncProgress], None] | None, acked: int, held: int) -> None:
    if on_progress is not None:
        on_progress(SyncProgress(acked, held))


def _fitting_batches(
    items: Sequence[OutboxItem], max_body_bytes: int, max_records: int
) -> list[list[OutboxItem]]:
    """Cut due records into batches the server's advertised limits accept."""
    batches: list[list[OutboxItem]] = []
    current: list[OutboxItem] = []
    size = _FRAME_BYTES
    for item in items:
        cost = 4 + len(item.envelope)
        if current and (size + cost > max_body_bytes or len(current) >= max_records):
            batches.append(current)
            current, size = [], _FRAME_BYTES
        current.append(item)
        size += cost
    if current:
        batches.append(current)
    return batches
