"""The clinic server's tables and their migrations, for SQLite and PostgreSQL alike.

One SQLAlchemy Core description serves both engines. `migrate(engine)` brings any database to
the newest schema version, all missing migrations in one transaction; two server processes
starting together on one PostgreSQL take turns through an advisory lock.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    Column,
    Connection,
    Double,
    Engine,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    select,
    text,
)

metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("applied_at", Double, nullable=False),
)

devices = Table(
    "devices",
    metadata,
    Column("device_id", String(64), primary_key=True),
    Column("verify_key", LargeBinary, nullable=False),  # raw 32-byte Ed25519 public key
    Column("name", String(200), nullable=False, default=""),
    Column("enrolled_at", Double, nullable=False),
    Column("revoked_at", Double, nullable=True),
    Column("last_seen", Double, nullable=True),
)

enrolment_tokens = Table(
    "enrolment_tokens",
    metadata,
    Column(
        "token_hash", String(64), primary_key=True
    ),  # SHA-256 hex: the code itself is never kept
    Column("created_at", Double, nullable=False),
    Column("expires_at", Double, nullable=False),
    Column("used_at", Double, nullable=True),
    Column("used_by", String(64), nullable=True),
)

nonces = Table(
    "nonces",
    metadata,
    Column("device_id", String(64), primary_key=True),
    Column("nonce", String(32), primary_key=True),
    Column("seen_at", Double, nullable=False, index=True),
)

envelopes = Table(
    "envelopes",
    metadata,
    Column("record_id", String(64), primary_key=True),  # the PK is what makes storage idempotent
    Column("device_id", String(64), ForeignKey("devices.device_id"), nullable=False, index=True),
    Column("kind", String(32), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("envelope", LargeBinary, nullable=False),
    Column("size", Integer, nullable=False),
    Column("received_at", Double, nullable=False),
    Column("source", String(16), nullable=False),  # "sync" or "import"
)

audit_links = Table(
    "audit_links",
    metadata,
    Column("device_id", String(64), ForeignKey("devices.device_id"), primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("hash", String(128), nullable=False),
    Column("prev_hash", String(128), nullable=False),
    Column("received_at", Double, nullable=False),
)

config_versions = Table(
    "config_versions",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("issued_at", String(40), nullable=False),
    Column("toml", Text, nullable=False),
    Column("payload", LargeBinary, nullable=False),  # the exact signed bytes
    Column("signature", LargeBinary, nullable=False),
)


refusals = Table(
    "refusals",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),  # order of arrival
    Column("device_id", String(64), nullable=True),  # the proven sender; NULL: not proven
    Column("at", Double, nullable=False),
    Column("code", String(40), nullable=False),  # a RefusalCode or RecordRejection value
    Column("record_id", String(64), nullable=True),
    Column("reason", String(400), nullable=False),  # never payload bytes
    Index("refusals_by_device", "device_id", "id"),
)


def _v1_initial(conn: Connection) -> None:
    """Version 1: every table above."""
    metadata.create_all(
        conn,
        tables=[devices, enrolment_tokens, nonces, envelopes, audit_links, config_versions],
    )


def _v2_refusals(conn: Connection) -> None:
    """Version 2: what the server refused, for IT (`clinic-server refusals`)."""
    refusals.create(conn)


MIGRATIONS: list[Callable[[Connection], None]] = [_v1_initial, _v2_refusals]
SCHEMA_VERSION = len(MIGRATIONS)


class SchemaTooNew(RuntimeError):
    """The database was written by a newer clinic server; nothing in it was changed."""

    def __init__(self, found: int, known: int) -> None:
        super().__init__(
            f"the database is at schema version {found} but this clinic server knows only up "
            f"to {known}: upgrade the clinic server software"
        )
        self.found, self.known = found, known


class SchemaMissing(RuntimeError):
    """The database holds no clinic schema and was not to be set up; nothing was written."""


def current_version(conn: Connection) -> int:
    """The schema version recorded in the database (0 for an empty one)."""
    schema_version.create(conn, checkfirst=True)
    found = conn.execute(select(schema_version.c.version).order_by(schema_version.c.version.desc()))
    latest = found.scalar()
    return int(latest) if latest is not None else 0


def migrate(engine: Engine, now: float, *, create: bool = False) -> int:
    """Apply every missing migration in order; returns the version reached. An empty database
    is set up only when `create`; otherwise SchemaMissing, and the transaction rolls back."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            # Why: two processes starting together must not both create the tables.
            conn.execute(text("SELECT pg_advisory_xact_lock(7351001)"))
        version = current_version(conn)
        if version > SCHEMA_VERSION:
            raise SchemaTooNew(version, SCHEMA_VERSION)
        if version == 0 and not create:
            raise SchemaMissing()
        for number in range(version + 1, SCHEMA_VERSION + 1):
            MIGRATIONS[number - 1](conn)
            conn.execute(schema_version.insert().values(version=number, applied_at=now))
    return SCHEMA_VERSION
