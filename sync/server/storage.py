"""The clinic server's storage: devices, enrolment codes, nonces, envelopes, audit links, config.

One code path over SQLAlchemy Core for SQLite (`sqlite:///path`) and PostgreSQL
(`postgresql://...`, driven by psycopg 3). Idempotence lives in the database, not in memory:
envelopes are keyed by record id and inserted with ON CONFLICT DO NOTHING, so two server
processes on one PostgreSQL cannot store a record twice; nonces likewise.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    create_engine,
    delete,
    event,
    func,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import ConnectionPoolEntry

from sync.server.database_file import (
    DatabaseMissing,
    check_existing,
    damage_reason,
    no_schema,
)
from sync.server.group_commit import GroupCommit
from sync.server.refusal_log import (
    KEEP_PER_SENDER,
    MAX_ROWS_PER_REQUEST,
    NOT_LISTED,
    UNKNOWN_SENDER,
    RefusalBudget,
    RefusalNote,
    RefusalTally,
    RefusedAttempt,
    inert_text,
)
from sync.server.schema import (
    SchemaMissing,
    SchemaTooNew,
    audit_links,
    config_versions,
    devices,
    enrolment_tokens,
    envelopes,
    migrate,
    nonces,
    refusals,
)
from sync.server.writer_lock import SQLiteWriterLock
from sync.wire import AuditLink, RecordStatus

# Why: pruning old nonces on every batch costs a statement; a stale nonce is refused anyway.
NONCE_PRUNE_INTERVAL_S = 30.0


class StorageError(RuntimeError):
    """The database cannot be used as given (bad URL, unreachable, newer schema)."""


@dataclass(frozen=True)
class Device:
    """An enrolled kiosk as the server knows it."""

    device_id: str
    verify_key: bytes
    name: str
    enrolled_at: float
    revoked_at: float | None
    last_seen: float | None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


@dataclass(frozen=True)
class DeviceSummary:
    """A line of `clinic-server devices`."""

    device: Device
    records: int
    audit_through: int | None
    refused: RefusalTally | None


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


@dataclass(frozen=True)
class ConfigVersion:
    version: int
    issued_at: str
    toml: str
    payload: bytes
    signature: bytes


class EnrolmentRefused(Exception):
    """An enrolment the server will not make; `code` is a wire RefusalCode."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class NonceClaim:
    """A signed request's nonce, to be remembered for `keep_s` seconds."""

    device_id: str
    nonce: str
    keep_s: float


class NonceReplayed(Exception):
    """The request nonce was already used: the whole request is refused."""


@dataclass(frozen=True)
class _StoreJob:
    """One batch waiting to be stored, with the nonce of the request that brought it."""

    incoming: Sequence[IncomingEnvelope]
    now: float
    source: str
    claim: NonceClaim | None


class AuditDiscontinuity(Exception):
    """Audit links that do not continue the chain the server holds; names the seq."""


def engine_for(url: str) -> Engine:
    """An engine for a `sqlite:///` or `postgresql://` URL, set up for safe concurrent writers."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StorageError(
            "the database URL is not a URL (sqlite:///path or postgresql://...)"
        ) from exc
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        engine = create_engine(
            parsed.set(drivername="postgresql+psycopg"), pool_size=10, max_overflow=20
        )
    elif backend == "sqlite":
        engine = create_engine(parsed, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
    else:
        raise StorageError(f"unsupported database {backend!r}: use sqlite:/// or postgresql://")
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _entry: ConnectionPoolEntry) -> None:
    # Why: let SQLAlchemy's "begin" event issue BEGIN IMMEDIATE instead of pysqlite's lazy BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")  # an acknowledged record survives a power cut
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_on_begin(conn: Connection) -> None:
    if conn.get_execution_options().get(_READ_ONLY):
        conn.exec_driver_sql("BEGIN")
    else:
        # Why: take the write lock up front, so read-then-write never fails with "locked".
        conn.exec_driver_sql("BEGIN IMMEDIATE")


_READ_ONLY = "clinic_read_only"


class ClinicStore:
    """Everything the clinic server keeps, behind methods named for what the clinic does."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sqlite_lock: SQLiteWriterLock | None = None
        self._write_lock: contextlib.AbstractContextManager[object] = contextlib.nullcontext()
        if engine.dialect.name == "sqlite":
            # Why: SQLite has one writer; queueing beats its sleep-and-retry busy handler.
            database = engine.url.database
            path = Path(database).resolve() if database and database != ":memory:" else None
            self._sqlite_lock = SQLiteWriterLock(path)
            self._write_lock = self._sqlite_lock
        self._next_nonce_prune = 0.0
        self._refusal_budget = RefusalBudget()
        # Why: PostgreSQL already flushes concurrent commits together, and a group of batches
        # would insert out of record-id order (two processes could deadlock): one per commit.
        self._batches: GroupCommit[_StoreJob, list[RecordStatus]] = GroupCommit(
            self._store_group, self._write_lock, max_jobs=1 if self._sqlite_lock is None else 64
        )

    @classmethod
    def open(cls, url: str, now: float, *, create: bool = False) -> ClinicStore:
        """Open (and migrate) the clinic database at `url`. Only `create` (init, restore) sets up
        a new one: a missing, empty or never set-up database is refused by name, unchanged."""
        try:
            check_existing(url, create=create)
        except DatabaseMissing as exc:
            raise StorageError(str(exc)) from None
        engine = engine_for(url)
        try:
            migrate(engine, now, create=create)
        except SchemaMissing:
            engine.dispose()
            raise StorageError(str(no_schema(_shown(engine)))) from None
        except SchemaTooNew as exc:
            engine.dispose()
            # Why: the operator may have put old software back; say which file and what to do.
            raise StorageError(
                f"the database {_shown(engine)} is at schema version {exc.found}, newer than "
                f"this clinic server knows ({exc.known}): upgrade the clinic server software "
                "(nothing was changed)"
            ) from exc
        except SQLAlchemyError as exc:
            engine.dispose()
            damaged = damage_reason(url, exc)
            raise StorageError(
                damaged
                or f"cannot use the database ({type(exc).__name__}); check the URL and that the "
                "server is running"
            ) from exc
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()
        if self._sqlite_lock is not None:
            self._sqlite_lock.close()

    @contextlib.contextmanager
    def _writing(self) -> Iterator[Connection]:
        """A write transaction; on SQLite one writer thread at a time (no busy-wait polling)."""
        with self._write_lock, self.engine.begin() as conn:
            yield conn

    def _reading(self) -> Connection:
        """A connection for reads only (on SQLite it does not take the write lock)."""
        return self.engine.connect().execution_options(**{_READ_ONLY: True})

    # --- devices and enrolment ---------------------------------------------------------------

    def add_enrolment_token(self, code: str, now: float, expires_at: float) -> None:
        with self._writing() as conn:
            conn.execute(
                enrolment_tokens.insert().values(
                    token_hash=_token_hash(code), created_at=now, expires_at=expires_at
                )
            )

    def enrol(self, code: str, device_id: str, verify_key: bytes, name: str, now: float) -> Device:
        """Spend a one-time code on this device; refuses used/expired codes and taken ids."""
        with self._writing() as conn:
            token = conn.execute(
                select(enrolment_tokens).where(enrolment_tokens.c.token_hash == _token_hash(code))
            ).first()
            if token is None:
                raise EnrolmentRefused("enrolment_code_invalid", "this enrolment code is unknown")
            if token.used_at is not None:
                raise EnrolmentRefused(
                    "enrolment_code_invalid", "this enrolment code was already used"
                )
            if token.expires_at < now:
                raise EnrolmentRefused("enrolment_code_invalid", "this enrolment code has expired")
            # Why: in `clinic-server refusals --device unknown` the name means unproven senders.
            if device_id == UNKNOWN_SENDER:
                raise EnrolmentRefused("device_id_taken", "the device id 'unknown' is reserved")
            existing = _device(conn, device_id)
            if existing is not None and existing.revoked:
                raise EnrolmentRefused("revoked_device", "this device id was revoked")
            if existing is not None and existing.verify_key != verify_key:
                raise EnrolmentRefused(
                    "device_id_taken", "this device id is enrolled with another key"
                )
            spent = conn.execute(
                update(enrolment_tokens)
                .where(enrolment_tokens.c.token_hash == token.token_hash)
                .where(enrolment_tokens.c.used_at.is_(None))
                .values(used_at=now, used_by=device_id)
                .returning(enrolment_tokens.c.token_hash)
            ).first()
            if spent is None:  # another process spent it between our read and write
                raise EnrolmentRefused(
                    "enrolment_code_invalid", "this enrolment code was already used"
                )
            if existing is None:
                conn.execute(
                    devices.insert().values(
                        device_id=device_id,
                        verify_key=verify_key,
                        name=name,
                        enrolled_at=now,
                        last_seen=now,
                    )
                )
            device = _device(conn, device_id)
        assert device is not None
        return device

    def device(self, device_id: str) -> Device | None:
        with self._reading() as conn:
            return _device(conn, device_id)

    def revoke(self, device_id: str, now: float) -> bool:
        """Stop a kiosk at once; False when no such device."""
        with self._writing() as conn:
            done = conn.execute(
                update(devices)
                .where(devices.c.device_id == device_id)
                .where(devices.c.revoked_at.is_(None))
                .values(revoked_at=now)
                .returning(devices.c.device_id)
            ).first()
            if done is None:
                return _device(conn, device_id) is not None
        return True

    def device_summaries(self) -> list[DeviceSummary]:
        with self._reading() as conn:
            counts: dict[str, int] = dict(
                conn.execute(
                    select(envelopes.c.device_id, func.count()).group_by(envelopes.c.device_id)
                ).all()
            )
            heads = dict(
                conn.execute(
                    select(audit_links.c.device_id, func.max(audit_links.c.seq)).group_by(
                        audit_links.c.device_id
                    )
                ).all()
            )
            rows = conn.execute(select(devices).order_by(devices.c.device_id)).all()
            tallies = _refusal_tallies(conn)
        return [
            DeviceSummary(
                _row_device(r),
                int(counts.get(r.device_id, 0)),
                heads.get(r.device_id),
                tallies.get(r.device_id),
            )
            for r in rows
        ]

    # --- refusals ----------------------------------------------------------------------------

    def note_refusals(self, sender: str | None, at: float, notes: Sequence[RefusalNote]) -> bool:
        """Remember what one request had refused, in its own small transaction; False when the
        sender's budget held it back (it is counted and said in the sender's next row).

        `sender` is the device whose signature verified, or None when none did.
        """
        if not notes:
            return False
        held_back = self._refusal_budget.take(sender, at)
        if held_back is None:
            return False
        rows = [
            {
                "device_id": sender,
                "at": at,
                "code": inert_text(note.code, 40),
                "record_id": None if note.record_id is None else inert_text(note.record_id, 64),
                "reason": inert_text(note.reason),
            }
            for note in notes[:MAX_ROWS_PER_REQUEST]
        ]
        unlisted = len(notes) - len(rows)
        for count, why in (
            (unlisted, "more refusals of this request"),
            (held_back, "refusals before this one (too many at once from this sender)"),
        ):
            if count:
                rows.append(
                    {"device_id": sender, "at": at, "code": NOT_LISTED, "record_id": None,
                     "reason": f"{count} {why} were not listed one by one"}
                )  # fmt: skip
        same_sender = _is_sender(sender)
        with self._writing() as conn:
            conn.execute(refusals.insert(), rows)
            oldest_kept = (
                select(refusals.c.id)
                .where(same_sender)
                .order_by(refusals.c.id.desc())
                .offset(KEEP_PER_SENDER - 1)
                .limit(1)
                .scalar_subquery()
            )
            conn.execute(delete(refusals).where(same_sender).where(refusals.c.id < oldest_kept))
        return True

    def refusals(self, limit: int, device: str | None = None) -> list[RefusedAttempt]:
        """The latest refusals, newest first; of one device, or "unknown" for unproven senders."""
        query = select(refusals).order_by(refusals.c.id.desc()).limit(limit)
        if device is not None:
            query = query.where(_is_sender(None if device == UNKNOWN_SENDER else device))
        with self._reading() as conn:
            return [_row_refusal(r) for r in conn.execute(query)]

    def unknown_sender_refusals(self) -> RefusalTally | None:
        """Refusals of senders that proved no identity (unknown devices, bad signatures)."""
        with self._reading() as conn:
            return _refusal_tallies(conn).get(None)

    def use_nonce(self, claim: NonceClaim, now: float) -> bool:
        """Remember a request nonce and mark the device seen; False when it was already used."""
        with self._writing() as conn:
            return self._claim_nonce(conn, claim, now)

    def _claim_nonce(self, conn: Connection, claim: NonceClaim, now: float) -> bool:
        fresh = conn.execute(
            insert_for(conn)(nonces)
            .values(device_id=claim.device_id, nonce=claim.nonce, seen_at=now)
            .on_conflict_do_nothing()
            .returning(nonces.c.nonce)  # Why: rowcount is not reliable on every driver
        ).first()
        if fresh is None:
            return False
        conn.execute(
            update(devices).where(devices.c.device_id == claim.device_id).values(last_seen=now)
        )
        if time.monotonic() >= self._next_nonce_prune:
            self._next_nonce_prune = time.monotonic() + NONCE_PRUNE_INTERVAL_S
            # Why: a nonce older than the window would be refused as stale anyway.
            conn.execute(delete(nonces).where(nonces.c.seen_at < now - claim.keep_s))
        return True

    # --- envelopes ---------------------------------------------------------------------------

    def store_envelopes(
        self,
        incoming: Sequence[IncomingEnvelope],
        now: float,
        source: str,
        claim: NonceClaim | None = None,
    ) -> list[RecordStatus]:
        """Store what is new; say per envelope accepted / duplicate / conflict.

        The request nonce, when given, is claimed in the same transaction as the records; a
        replayed nonce raises NonceReplayed and stores nothing. Batches that arrive while
        another commit is under way share the next transaction (group commit).
        """
        if not incoming and claim is None:
            return []
        return self._batches.run(_StoreJob(incoming, now, source, claim))

    def _store_group(self, jobs: Sequence[_StoreJob]) -> list[list[RecordStatus] | Exception]:
        """Every waiting batch in one transaction; a replayed one stores nothing of its own."""
        answers: list[list[RecordStatus] | Exception] = []
        with self.engine.begin() as conn:
            for job in jobs:
                if job.claim is not None and not self._claim_nonce(conn, job.claim, job.now):
                    answers.append(NonceReplayed())
                else:
                    answers.append(_store_batch(conn, job))
        return answers

    def stored_hash(self, record_id: str) -> str | None:
        with self._reading() as conn:
            return _stored_hashes(conn, {record_id}).get(record_id)

    def count_envelopes(self) -> int:
        with self._reading() as conn:
            return int(conn.execute(select(func.count()).select_from(envelopes)).scalar_one())

    def iter_envelopes(self, batch: int = 500) -> Iterable[StoredEnvelope]:
        """Every stored envelope in order of arrival, read in pages."""
        last: tuple[float, str] | None = None
        while True:
            query = select(envelopes).order_by(envelopes.c.received_at, envelopes.c.record_id)
            if last is not None:
                query = query.where(
                    (envelopes.c.received_at > last[0])
                    | ((envelopes.c.received_at == last[0]) & (envelopes.c.record_id > last[1]))
                )
            with self._reading() as conn:
                rows = conn.execute(query.limit(batch)).all()
            if not rows:
                return
            for r in rows:
                yield StoredEnvelope(r.record_id, r.device_id, r.kind, r.envelope, r.received_at)
            last = (rows[-1].received_at, rows[-1].record_id)

    # --- audit links -------------------------------------------------------------------------

    def add_audit_links(self, device_id: str, links: Sequence[AuditLink], now: float) -> AuditLink:
        """Extend the device's chain; links already held must match. Returns the chain head."""
        with self._writing() as conn:
            head_row = conn.execute(
                select(audit_links)
                .where(audit_links.c.device_id == device_id)
                .order_by(audit_links.c.seq.desc())
                .limit(1)
            ).first()
            head = AuditLink(head_row.seq, head_row.hash, head_row.prev_hash) if head_row else None
            held = {
                r.seq: r.hash
                for r in conn.execute(
                    select(audit_links.c.seq, audit_links.c.hash)
                    .where(audit_links.c.device_id == device_id)
                    .where(audit_links.c.seq.in_([link.seq for link in links]))
                )
            }
            new_rows: list[dict[str, Any]] = []
            for link in links:
                if link.seq in held:
                    if held[link.seq] != link.hash:
                        raise AuditDiscontinuity(
                            f"audit entry {link.seq} differs from the one already received: "
                            "the kiosk's chain was rewritten"
                        )
                    continue
                if head is None:
                    if link.seq not in (0, 1):
                        raise AuditDiscontinuity(
                            f"the first audit entry received is {link.seq}; entries before it "
                            "are missing"
                        )
                elif link.seq != head.seq + 1:
                    raise AuditDiscontinuity(
                        f"audit entry {link.seq} arrived after {head.seq}: entries are missing"
                    )
                elif link.prev_hash != head.hash:
                    raise AuditDiscontinuity(
                        f"audit entry {link.seq} does not link to entry {head.seq}"
                    )
                new_rows.append(
                    {
                        "device_id": device_id,
                        "seq": link.seq,
                        "hash": link.hash,
                        "prev_hash": link.prev_hash,
                        "received_at": now,
                    }
                )
                head = link
            if new_rows:
                conn.execute(audit_links.insert(), new_rows)
        if head is None:
            raise AuditDiscontinuity("no audit entries were sent")
        return head

    # --- clinic configuration ----------------------------------------------------------------

    def publish_config(self, config: ConfigVersion) -> None:
        with self._writing() as conn:
            conn.execute(
                config_versions.insert().values(
                    version=config.version,
                    issued_at=config.issued_at,
                    toml=config.toml,
                    payload=config.payload,
                    signature=config.signature,
                )
            )

    def latest_config(self) -> ConfigVersion | None:
        with self._reading() as conn:
            row = conn.execute(
                select(config_versions).order_by(config_versions.c.version.desc()).limit(1)
            ).first()
        if row is None:
            return None
        return ConfigVersion(row.version, row.issued_at, row.toml, row.payload, row.signature)


def _shown(engine: Engine) -> str:
    """The database URL as an operator may see it (no password)."""
    return engine.url.render_as_string(hide_password=True)


def insert_for(conn: Connection) -> Any:
    """The INSERT construct with ON CONFLICT support for this connection's database."""
    return postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert


def normalize_enrolment_code(code: str) -> str:
    """The code as compared: upper case, without the spaces and dashes people type."""
    return "".join(ch for ch in code.upper() if ch not in " -\t")


def _token_hash(code: str) -> str:
    return hashlib.sha256(normalize_enrolment_code(code).encode("utf-8", "replace")).hexdigest()


def _is_sender(device_id: str | None) -> Any:
    """The WHERE clause for one sender's refusals (NULL: senders that proved no identity)."""
    if device_id is None:
        return refusals.c.device_id.is_(None)
    return refusals.c.device_id == device_id


def _row_refusal(row: Any) -> RefusedAttempt:
    return RefusedAttempt(row.device_id, row.at, row.code, row.reason, row.record_id)


def _refusal_tallies(conn: Connection) -> dict[str | None, RefusalTally]:
    """Per sender: how many refusals are kept and the latest one."""
    counted = conn.execute(
        select(refusals.c.device_id, func.count(), func.max(refusals.c.id)).group_by(
            refusals.c.device_id
        )
    ).all()
    if not counted:
        return {}
    latest = {
        r.id: _row_refusal(r)
        for r in conn.execute(select(refusals).where(refusals.c.id.in_([c[2] for c in counted])))
    }
    return {device_id: RefusalTally(int(n), latest[last]) for device_id, n, last in counted}


def _row_device(row: Any) -> Device:
    return Device(
        row.device_id, row.verify_key, row.name, row.enrolled_at, row.revoked_at, row.last_seen
    )


def _device(conn: Connection, device_id: str) -> Device | None:
    row = conn.execute(select(devices).where(devices.c.device_id == device_id)).first()
    return _row_device(row) if row is not None else None


def _store_batch(conn: Connection, job: _StoreJob) -> list[RecordStatus]:
    """Insert a batch's new envelopes with one statement; ids already there are compared.

    Ids the insert did not return were stored before (by an earlier batch, or meanwhile by
    another server process): the same SHA-256 is a duplicate, another one a conflict.
    """
    first: dict[str, IncomingEnvelope] = {}
    for env in job.incoming:
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
                "received_at": job.now,
                "source": job.source,
            }
            # Why: one insert order for every process, so two never deadlock on PostgreSQL.
            for e in sorted(first.values(), key=lambda e: e.record_id)
        ]
        stmt = insert_for(conn)(envelopes).on_conflict_do_nothing().returning(envelopes.c.record_id)
        inserted = set(conn.execute(stmt, rows).scalars().all())
    held = _stored_hashes(conn, set(first) - inserted)
    statuses: list[RecordStatus] = []
    for env in job.incoming:
        if env.record_id in inserted and first[env.record_id] is env:
            statuses.append(RecordStatus.ACCEPTED)
        else:
            stored_sha = held.get(env.record_id) or first[env.record_id].sha256
            same = stored_sha == env.sha256
            statuses.append(RecordStatus.DUPLICATE if same else RecordStatus.CONFLICT)
    return statuses


def _stored_hashes(conn: Connection, record_ids: set[str]) -> dict[str, str]:
    if not record_ids:
        return {}
    rows = conn.execute(
        select(envelopes.c.record_id, envelopes.c.sha256).where(
            envelopes.c.record_id.in_(sorted(record_ids))
        )
    )
    return {r.record_id: r.sha256 for r in rows}
