"""The clinic database engine: one SQLAlchemy engine for SQLite (`sqlite:///path`) or PostgreSQL
(`postgresql://...`, driven by psycopg 3), and the durability rules every table family writes
under.

Durability rule (kept here): on SQLite, WAL with `synchronous=FULL`, so a record the server
acknowledged survives a power cut, and every write transaction starts with BEGIN IMMEDIATE, so
read-then-write never fails half way with "database is locked"; reads start a plain BEGIN and
take no write lock. On PostgreSQL, the server's own `synchronous_commit` flushes each COMMIT.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import ConnectionPoolEntry

# The execution option that marks a connection as reading only (SQLite: no write lock).
READ_ONLY = "clinic_read_only"


class StorageError(RuntimeError):
    """The database cannot be used as given (bad URL, unreachable, newer schema)."""


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


def shown(engine: Engine) -> str:
    """The database URL as an operator may see it (no password)."""
    return engine.url.render_as_string(hide_password=True)


def insert_for(conn: Connection) -> Any:
    """The INSERT construct with ON CONFLICT support for this connection's database."""
    return postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert


def _sqlite_on_connect(dbapi_connection: Any, _entry: ConnectionPoolEntry) -> None:
    # Why: let SQLAlchemy's "begin" event issue BEGIN IMMEDIATE instead of pysqlite's lazy BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")  # an acknowledged record survives a power cut
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_on_begin(conn: Connection) -> None:
    if conn.get_execution_options().get(READ_ONLY):
        conn.exec_driver_sql("BEGIN")
    else:
        # Why: take the write lock up front, so read-then-write never fails with "locked".
        conn.exec_driver_sql("BEGIN IMMEDIATE")
