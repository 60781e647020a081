"""The envelopes table: sealed records as received, keyed by record id. Idempotence lives in the
database, not in memory: a batch is inserted with ON CONFLICT DO NOTHING, so two server
processes cannot store a record twice; an id already held is a duplicate (same SHA-256) or a
conflict (another one). Functions run inside the caller's transaction.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from sync.server.database_engine import insert_for
from sync.server.schema import envelopes
from sync.wire import RecordStatus


@dataclass(frozen=True)
class IncomingEnvelope:
    """An envelope that passed its own checks and is ready to store."""

    record_id: str
    device_id: str
    kind: str
    data: bytes

    @functools.cached_property
    def sha256(self) -> str:
        """Hashed once: the hash is compared and stored several times per batch."""
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class StoredEnvelope:
    """A stored envelope, for export."""

    record_id: str
    device_id: str
    kind: str
    envelope: bytes
    received_at: float


def store_batch(
    conn: Connection, incoming: Sequence[IncomingEnvelope], now: float, source: str
) -> list[RecordStatus]:
    """Insert a batch's new envelopes with one statement; ids already there are compared.

    Ids the insert did not return were stored before (by an earlier batch, or meanwhile by
    another server process): the same SHA-256 is a duplicate, another one a conflict.
    """
    first: dict[str, IncomingEnvelope] = {}
    for env in incoming:
        first.setdefault(env.record_id, env)  # the same id twice in one batch: the first counts
    inserted: set[str] = set()
    if first:
        rows = [
            {
                "record_id": e.record_id,
                "device_id": e.device_id,
                "kind": e.kind,
                "sha256": e.sha256,
                "envelope": e.data,
                "size": len(e.data),
                "received_at": now,
                "source": source,
            }
            # Why: one insert order for every process, so two never deadlock on PostgreSQL.
            for e in sorted(first.values(), key=lambda e: e.record_id)
        ]
        stmt = insert_for(conn)(envelopes).on_conflict_do_nothing().returning(envelopes.c.record_id)
        inserted = set(conn.execute(stmt, rows).scalars().all())
    held = stored_hashes(conn, set(first) - inserted)
    statuses: list[RecordStatus] = []
    for env in incoming:
        if env.record_id in inserted and first[env.record_id] is env:
            statuses.append(RecordStatus.ACCEPTED)
        else:
            stored_sha = held.get(env.record_id) or first[env.record_id].sha256
            same = stored_sha == env.sha256
            statuses.append(RecordStatus.DUPLICATE if same else RecordStatus.CONFLICT)
    return statuses


def stored_hashes(conn: Connection, record_ids: set[str]) -> dict[str, str]:
    """The SHA-256 of each of these records that is stored, by record id."""
    if not record_ids:
        return {}
    rows = conn.execute(
        select(envelopes.c.record_id, envelopes.c.sha256).where(
            envelopes.c.record_id.in_(sorted(record_ids))
        )
    )
    return {r.record_id: r.sha256 for r in rows}


def count_envelopes(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(envelopes)).scalar_one())


def envelopes_after(
    conn: Connection, after: tuple[float, str] | None, limit: int
) -> list[StoredEnvelope]:
    """One page of stored envelopes in order of arrival, after (received_at, record_id)."""
    query = select(envelopes).order_by(envelopes.c.received_at, envelopes.c.record_id)
    if after is not None:
        query = query.where(
            (envelopes.c.received_at > after[0])
            | ((envelopes.c.received_at == after[0]) & (envelopes.c.record_id > after[1]))
        )
    return [
        StoredEnvelope(r.record_id, r.device_id, r.kind, r.envelope, r.received_at)
        for r in conn.execute(query.limit(limit)).all()
    ]
