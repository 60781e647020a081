"""`clinic-server backup` and `restore`: one file holding the clinic keys and a consistent copy
of the database, taken while the server runs, that restores into a fresh home.

The file is a plain tar archive: `manifest.json` (format, engine, schema version, the SHA-256 of
every other member), the three key files, and the database, as SQLite's online backup
(`database.sqlite`) or `pg_dump --format=custom` (`database.pgdump`). Restoring checks every
hash before writing anything, so a damaged backup is refused by name and the fresh home stays
empty. The clinic private key inside is still sealed under the passphrase.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy.engine import make_url

from sync.server.clinic_keys import CLINIC_PUBLIC_FILE, CLINIC_SEALED_FILE, CONFIG_KEY_FILE
from sync.server.database_file import sqlite_path
from sync.server.schema import SCHEMA_VERSION

FORMAT = "clinic-server-backup/1"
MANIFEST = "manifest.json"
KEY_FILES = (CLINIC_PUBLIC_FILE, CLINIC_SEALED_FILE, CONFIG_KEY_FILE)
SQLITE_MEMBER = "database.sqlite"
PGDUMP_MEMBER = "database.pgdump"
_CHUNK = 1 << 20


class BackupError(Exception):
    """A backup could not be made or restored; the message names the file and the reason."""


@dataclass(frozen=True)
class BackupMade:
    path: Path
    engine: str
    size: int


def make_backup(home: Path, db_url: str, out: Path) -> BackupMade:
    """Write the backup to `out` (0600, whole or not at all; never over an existing file)."""
    if out.exists():
        raise BackupError(f"{out} already exists: choose a new file name for each backup")
    out.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    engine = "sqlite" if sqlite_path(db_url) is not None else "postgresql"
    with _scratch(out.parent) as scratch:
        members: dict[str, Path] = {}
        for name in KEY_FILES:
            try:
                members[name] = Path(shutil.copyfile(home / name, scratch / name))
            except OSError as exc:
                raise BackupError(
                    f"cannot read the clinic key file {home / name} ({exc.strerror})"
                ) from None
        if engine == "sqlite":
            members[SQLITE_MEMBER] = _sqlite_copy(db_url, scratch / SQLITE_MEMBER)
        else:
            members[PGDUMP_MEMBER] = _pg_dump(db_url, scratch / PGDUMP_MEMBER)
        manifest = {
            "format": FORMAT,
            "engine": engine,
            "schema_version": SCHEMA_VERSION,
            "made_at": int(time.time()),
            "files": {name: _sha256(path) for name, path in members.items()},
        }
        partial = scratch / "backup.tar"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w") as archive:
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=1).encode())
            for name, path in members.items():
                archive.add(path, arcname=name, recursive=False)
            archive.close()
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, out)
    return BackupMade(out, engine, out.stat().st_size)


@dataclass(frozen=True)
class UnpackedBackup:
    """A backup whose every member matched its hash, unpacked into a scratch folder."""

    engine: str
    schema_version: int
    folder: Path

    @property
    def database(self) -> Path:
        return self.folder / (SQLITE_MEMBER if self.engine == "sqlite" else PGDUMP_MEMBER)


@contextlib.contextmanager
def unpacked(backup: Path, near: Path) -> Iterator[UnpackedBackup]:
    """Open and check the backup (every member against the manifest) in a scratch folder
    beside `near`; BackupError naming `backup` if anything is missing, extra or altered."""
    with _scratch(near) as scratch:
        try:
            with tarfile.open(backup, mode="r:") as archive:
                manifest = _manifest(archive, backup)
                expected = dict(manifest["files"])
                for member in archive.getmembers():
                    if member.name == MANIFEST:
                        continue
                    if member.name not in expected or not member.isfile():
                        raise BackupError(f"{backup} holds an unexpected entry {member.name!r}")
                    source = archive.extractfile(member)
                    assert source is not None  # a regular file always has content
                    digest = _copy_hashing(source, scratch / member.name)
                    if digest != expected.pop(member.name):
                        raise BackupError(
                            f"{backup} is damaged: {member.name} does not match the checksum "
                            "taken when the backup was made; use another backup"
                        )
        except (tarfile.TarError, EOFError, OSError, ValueError, KeyError, TypeError) as exc:
            raise BackupError(
                f"{backup} is damaged or not a clinic server backup ({type(exc).__name__}); "
                "use another backup"
            ) from None
        if expected:
            raise BackupError(f"{backup} is damaged: {', '.join(sorted(expected))} missing")
        yield UnpackedBackup(manifest["engine"], int(manifest["schema_version"]), scratch)


def install_keys(unpacked_backup: UnpackedBackup, home: Path) -> None:
    """Put the key files into a fresh home (0700), each 0600."""
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    for name in KEY_FILES:
        fd = os.open(home / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as target:
            target.write((unpacked_backup.folder / name).read_bytes())
            os.fsync(target.fileno())


def install_sqlite(unpacked_backup: UnpackedBackup, database: Path) -> None:
    """The backed-up SQLite file becomes the fresh home's database (0600)."""
    fd = os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as target, unpacked_backup.database.open("rb") as source:
        shutil.copyfileobj(source, target, _CHUNK)
        os.fsync(target.fileno())


def install_postgresql(unpacked_backup: UnpackedBackup, db_url: str) -> None:
    """pg_restore the dump into an empty PostgreSQL database."""
    _run_pg(
        ["pg_restore", "--no-owner", "--exit-on-error", "--single-transaction", "--dbname",
         _libpq_url(db_url), str(unpacked_backup.database)],
        "pg_restore",
    )  # fmt: skip


# --- the engines --------------------------------------------------------------------------------


def _sqlite_copy(db_url: str, target: Path) -> Path:
    """SQLite's online backup API: a consistent copy while the server keeps writing."""
    source_path = sqlite_path(db_url)
    assert source_path is not None
    source = sqlite3.connect(source_path, timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy, pages=4096)
    except sqlite3.Error as exc:
        raise BackupError(f"cannot back up {source_path} ({exc})") from None
    finally:
        copy.close()
        source.close()
    return target


def _pg_dump(db_url: str, target: Path) -> Path:
    """`pg_dump --format=custom`: one consistent snapshot, taken without stopping writers."""
    _run_pg(
        ["pg_dump", "--format=custom", "--no-owner", "--file", str(target), _libpq_url(db_url)],
        "pg_dump",
    )
    return target


def _run_pg(command: list[str], tool: str) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    except FileNotFoundError:
        raise BackupError(
            f"{tool} is not installed: install Debian's postgresql-client (the same major "
            "version as the server)"
        ) from None
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        raise BackupError(f"{tool} failed: {lines[-1] if lines else f'exit {done.returncode}'}")


def _libpq_url(db_url: str) -> str:
    """The SQLAlchemy URL as libpq reads it (no `+driver`)."""
    return make_url(db_url).set(drivername="postgresql").render_as_string(hide_password=False)


# --- files --------------------------------------------------------------------------------------


@contextlib.contextmanager
def _scratch(near: Path) -> Iterator[Path]:
    """A private scratch folder on the same file system as `near` (removed afterwards)."""
    near.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=".clinic-backup-", dir=near))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _manifest(archive: tarfile.TarFile, backup: Path) -> dict[str, Any]:
    member = archive.extractfile(MANIFEST)
    if member is None:
        raise BackupError(f"{backup} has no manifest: not a clinic server backup")
    manifest = json.loads(member.read(1 << 20).decode("utf-8"))
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{backup} is not a clinic server backup ({FORMAT})")
    if manifest.get("engine") not in ("sqlite", "postgresql"):
        raise BackupError(f"{backup} names an unknown database engine")
    if not isinstance(manifest.get("files"), dict):
        raise BackupError(f"{backup} is damaged: its manifest lists no files")
    return manifest


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o600, int(time.time())
    archive.addfile(info, io.BytesIO(data))


def _copy_hashing(source: IO[bytes], target: Path) -> str:
    digest = hashlib.sha256()
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
