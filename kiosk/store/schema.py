"""The database schema as an ordered list of migrations; `PRAGMA user_version` says how many ran.

Each migration is one function run inside one write transaction together with the version bump,
so a kill mid-migration leaves the previous version intact. Never edit a released migration:
append a new one, through sqlite-utils (`create_table`, `add_column`, `create_index`) where it
can state the change; `CHECK` constraints and triggers stay SQL (docs/store.md).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sqlite_utils

Migration = Callable[[sqlite_utils.Database], None]

_STATES = "'draft','sealed','queued','sending','acked','purged','quarantined'"


def _run(db: sqlite_utils.Database, statements: Sequence[str]) -> None:
    for statement in statements:
        db.execute(statement)


def create_core_tables(db: sqlite_utils.Database) -> None:
    """Version 1: sealed records, their outbox rows, the audit chain, staff slots, settings."""
    _run(
        db,
        [
            """CREATE TABLE records (
                record_id TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                created_at TEXT NOT NULL,
                device_id TEXT NOT NULL,
                supersedes TEXT REFERENCES records(record_id),
                envelope BLOB,
                sha256 TEXT NOT NULL,
                size INTEGER NOT NULL
            )""",
            f"""CREATE TABLE outbox (
                record_id TEXT PRIMARY KEY REFERENCES records(record_id),
                state TEXT NOT NULL CHECK (state IN ({_STATES})),
                attempts INTEGER NOT NULL DEFAULT 0,
                last_error TEXT,
                next_attempt_at TEXT,
                acked_at TEXT,
                updated_at TEXT NOT NULL
            )""",
            """CREATE TABLE audit (
                seq INTEGER PRIMARY KEY,
                at TEXT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                record_id TEXT,
                detail TEXT NOT NULL,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL
            )""",
            """CREATE TABLE audit_head (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                seq INTEGER NOT NULL,
                hash TEXT NOT NULL,
                signature BLOB NOT NULL
            )""",
            """CREATE TABLE staff (
                staff_id TEXT PRIMARY KEY,
                display_name TEXT NOT NULL,
                role TEXT NOT NULL CHECK (role IN ('nurse','it')),
                keyslot BLOB NOT NULL,
                created_at TEXT NOT NULL,
                failed_attempts INTEGER NOT NULL DEFAULT 0,
                locked_until TEXT,
                lockouts INTEGER NOT NULL DEFAULT 0
            )""",
            "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            # Append-only: envelopes are never rewritten or deleted; the audit log never changes.
            """CREATE TRIGGER records_no_delete BEFORE DELETE ON records
               BEGIN SELECT RAISE(ABORT, 'records are append-only: no delete'); END""",
            """CREATE TRIGGER records_purge_only BEFORE UPDATE ON records
               WHEN NOT (NEW.envelope IS NULL
                         AND NEW.record_id IS OLD.record_id AND NEW.kind IS OLD.kind
                         AND NEW.created_at IS OLD.created_at AND NEW.device_id IS OLD.device_id
                         AND NEW.supersedes IS OLD.supersedes AND NEW.sha256 IS OLD.sha256
                         AND NEW.size IS OLD.size
                         AND (SELECT state FROM outbox WHERE record_id = OLD.record_id)
                             IN ('acked','purged'))
               BEGIN SELECT RAISE(ABORT, 'records are append-only: only an acked payload may be
               purged'); END""",
            """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
               BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
            """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
               BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
            """CREATE TRIGGER outbox_no_delete BEFORE DELETE ON outbox
               BEGIN SELECT RAISE(ABORT, 'outbox rows are kept as proof of delivery'); END""",
        ],
    )


def add_summaries_and_indexes(db: sqlite_utils.Database) -> None:
    """Version 2: a staff-sealed summary per record for the nurse's table, and lookup indexes."""
    db.table("records").add_column("summary", bytes)
    _run(
        db,
        [
            "DROP TRIGGER records_purge_only",
            # The purge drops the summary along with the payload; everything else stays.
            """CREATE TRIGGER records_purge_only BEFORE UPDATE ON records
               WHEN NOT (NEW.envelope IS NULL AND NEW.summary IS NULL
                         AND NEW.record_id IS OLD.record_id AND NEW.kind IS OLD.kind
                         AND NEW.created_at IS OLD.created_at AND NEW.device_id IS OLD.device_id
                         AND NEW.supersedes IS OLD.supersedes AND NEW.sha256 IS OLD.sha256
                         AND NEW.size IS OLD.size
                         AND (SELECT state FROM outbox WHERE record_id = OLD.record_id)
                             IN ('acked','purged'))
               BEGIN SELECT RAISE(ABORT, 'records are append-only: only an acked payload may be
               purged'); END""",
            "CREATE INDEX records_by_kind_time ON records(kind, created_at)",
            "CREATE INDEX outbox_by_due ON outbox(state, next_attempt_at)",
        ],
    )


def add_summary_chains(db: sqlite_utils.Database) -> None:
    """Version 3: the staff-sealed chain keys the nurse's-table summaries are encrypted under."""
    _run(
        db,
        [
            """CREATE TABLE summary_chains (
                chain_id TEXT PRIMARY KEY,
                created_at TEXT NOT NULL,
                envelope BLOB NOT NULL
            )""",
            # A chain key is written once; summaries of records still on the kiosk need it.
            """CREATE TRIGGER summary_chains_no_update BEFORE UPDATE ON summary_chains
               BEGIN SELECT RAISE(ABORT, 'summary chain keys are written once'); END""",
        ],
    )


def keep_drafts_on_the_kiosk(db: sqlite_utils.Database) -> None:
    """Version 4: drafts (sealed to the staff key only) leave the send queue for state 'draft'."""
    # The server refuses every draft (not_sealed_to_clinic): queued or quarantined ones go home.
    db.execute(
        "UPDATE outbox SET state = 'draft', next_attempt_at = NULL, last_error = NULL"
        " WHERE state IN ('queued', 'sending', 'quarantined')"
        " AND record_id IN (SELECT record_id FROM records WHERE kind = 'draft')"
    )


MIGRATIONS: tuple[Migration, ...] = (
    create_core_tables,
    add_summaries_and_indexes,
    add_summary_chains,
    keep_drafts_on_the_kiosk,
)
SCHEMA_VERSION = len(MIGRATIONS)
