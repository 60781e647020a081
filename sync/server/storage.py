"""The clinic server's storage behind one object: its transactions, its writer lock and its group
commit, over the table families, each its own module of functions run inside a transaction:

  devices.py          devices and enrolment codes
  nonces.py           signed requests' nonces
  envelopes.py        sealed records as received
  audit_links.py      each kiosk's audit chain
  refusals.py         what was refused, for IT
  config_versions.py  the published clinic configuration

One code path over SQLAlchemy Core for SQLite and PostgreSQL (database_engine.py: the engine and
the durability rules; schema.py: the tables and migrations).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from sync.server import audit_links, config_versions, devices, envelopes
from sync.server import refusals as refusal_table
from sync.server.config_versions import ConfigVersion
from sync.server.database_engine import READ_ONLY, StorageError, engine_for, shown
from sync.server.database_file import DatabaseMissing, check_existing, damage_reason, no_schema
from sync.server.devices import Device, DeviceSummary
from sync.server.envelopes import IncomingEnvelope, StoredEnvelope
from sync.server.group_commit import GroupCommit
from sync.server.nonces import NonceClaim, NonceLog, NonceReplayed
from sync.server.refusal_log import RefusalBudget, RefusalNote, RefusalTally, RefusedAttempt
from sync.server.schema import SchemaMissing, SchemaTooNew, migrate
from sync.server.writer_lock import SQLiteWriterLock
from sync.wire import AuditLink, RecordStatus


@dataclass(frozen=True)
class _StoreJob:
    """One batch waiting to be stored, with the nonce of the request that brought it."""

    incoming: Sequence[IncomingEnvelope]
    now: float
    source: str
    claim: NonceClaim | None


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
        self._nonces = NonceLog()
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
            raise StorageError(str(no_schema(shown(engine)))) from None
        except SchemaTooNew as exc:
            engine.dispose()
            # Why: the operator may have put old software back; say which file and what to do.
            raise StorageError(
                f"the database {shown(engine)} is at schema version {exc.found}, newer than "
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
        return self.engine.connect().execution_options(**{READ_ONLY: True})

    # --- devices and enrolment ---------------------------------------------------------------

    def add_enrolment_token(self, code: str, now: float, expires_at: float) -> None:
        with self._writing() as conn:
            devices.add_enrolment_token(conn, code, now, expires_at)

    def enrol(self, code: str, device_id: str, verify_key: bytes, name: str, now: float) -> Device:
        """Spend a one-time code on this device; refuses used/expired codes and taken ids."""
        with self._writing() as conn:
            return devices.enrol(conn, code, device_id, verify_key, name, now)

    def device(self, device_id: str) -> Device | None:
        with self._reading() as conn:
            return devices.device(conn, device_id)

    def revoke(self, device_id: str, now: float) -> bool:
        """Stop a kiosk at once; False when no such device."""
        with self._writing() as conn:
            return devices.revoke(conn, device_id, now)

    def device_summaries(self) -> list[DeviceSummary]:
        with self._reading() as conn:
            return devices.device_summaries(conn)

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
        rows = refusal_table.refusal_rows(sender, at, notes, held_back)
        with self._writing() as conn:
            refusal_table.add_refusals(conn, sender, rows)
        return True

    def refusals(self, limit: int, device: str | None = None) -> list[RefusedAttempt]:
        """The latest refusals, newest first; of one device, or "unknown" for unproven senders."""
        with self._reading() as conn:
            return refusal_table.latest_refusals(conn, limit, device)

    def unknown_sender_refusals(self) -> RefusalTally | None:
        """Refusals of senders that proved no identity (unknown devices, bad signatures)."""
        with self._reading() as conn:
            return refusal_table.refusal_tallies(conn).get(None)

    # --- nonces and envelopes ----------------------------------------------------------------

    def use_nonce(self, claim: NonceClaim, now: float) -> bool:
        """Remember a request nonce and mark the device seen; False when it was already used."""
        with self._writing() as conn:
            return self._nonces.claim(conn, claim, now)

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
                if job.claim is not None and not self._nonces.claim(conn, job.claim, job.now):
                    answers.append(NonceReplayed())
                else:
                    answers.append(envelopes.store_batch(conn, job.incoming, job.now, job.source))
        return answers

    def stored_hash(self, record_id: str) -> str | None:
        with self._reading() as conn:
            return envelopes.stored_hashes(conn, {record_id}).get(record_id)

    def count_envelopes(self) -> int:
        with self._reading() as conn:
            return envelopes.count_envelopes(conn)

    def iter_envelopes(self, batch: int = 500) -> Iterable[StoredEnvelope]:
        """Every stored envelope in order of arrival, read in pages."""
        after: tuple[float, str] | None = None
        while True:
            with self._reading() as conn:
                page = envelopes.envelopes_after(conn, after, batch)
            if not page:
                return
            yield from page
            after = (page[-1].received_at, page[-1].record_id)

    # --- audit links and the clinic configuration --------------------------------------------

    def add_audit_links(self, device_id: str, links: Sequence[AuditLink], now: float) -> AuditLink:
        """Extend the device's chain; links already held must match. Returns the chain head."""
        with self._writing() as conn:
            return audit_links.add_audit_links(conn, device_id, links, now)

    def publish_config(self, config: ConfigVersion) -> None:
        with self._writing() as conn:
            config_versions.add_config_version(conn, config)

    def latest_config(self) -> ConfigVersion | None:
        with self._reading() as conn:
            return config_versions.latest_config_version(conn)
