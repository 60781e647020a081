"""The clinic database as a thing on disk: only `clinic-server init` (and `restore`) may create
one, a missing or empty SQLite file is refused by its path instead of silently replaced by a
new empty database, a new file is created 0600 whatever the umask, and a damaged file is named
as damaged with the way out (restore a backup) instead of a bare driver error."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, SQLAlchemyError

# What SQLite says when the bytes of a file are not (or no longer) a database.
_DAMAGE_WORDS = ("file is not a database", "malformed", "disk image", "file is encrypted")
RESTORE_HINT = "restore it from a backup (`clinic-server restore`, see the operator guide)"


class DatabaseMissing(RuntimeError):
    """The database the URL names does not exist or holds no clinic schema; nothing was made."""


def sqlite_path(url: str) -> Path | None:
    """The file of a `sqlite:///` URL (None for PostgreSQL, in-memory or an unparsable URL)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(str(parsed.database))


def check_existing(url: str, *, create: bool) -> None:
    """Before connecting: refuse a missing or empty SQLite file unless creating, and create a
    new one 0600 (its -wal and -shm files copy that mode)."""
    path = sqlite_path(url)
    if path is None:
        return
    if create:
        if not path.exists():
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        return
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise DatabaseMissing(
            f"there is no clinic database at {path}: check --home and --db (only "
            "`clinic-server init` creates one, `clinic-server restore` brings one back)"
        ) from None
    except OSError as exc:
        raise DatabaseMissing(f"cannot read the clinic database {path} ({exc.strerror})") from None
    if size == 0:
        raise DatabaseMissing(
            f"the clinic database {path} is empty (0 bytes): it was truncated or replaced; "
            f"{RESTORE_HINT}. Nothing was written to it"
        )


def no_schema(shown: str) -> DatabaseMissing:
    """The database exists but no clinic server ever set it up (a mistyped name?)."""
    return DatabaseMissing(
        f"the database {shown} holds no clinic server data: check --db (only `clinic-server "
        "init` sets up a new one, `clinic-server restore` brings one back). Nothing was written"
    )


def damage_reason(url: str, exc: SQLAlchemyError) -> str | None:
    """A sentence naming the file as damaged, when `exc` is SQLite finding its bytes wrong."""
    path = sqlite_path(url)
    if path is None or not isinstance(exc, DatabaseError):
        return None
    detail = str(exc.orig) if exc.orig is not None else str(exc)
    if not any(words in detail for words in _DAMAGE_WORDS):
        return None
    return f"the clinic database {path} looks damaged ({detail}); {RESTORE_HINT}"
