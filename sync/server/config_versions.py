"""The config_versions table: every clinic configuration the server published, as the exact
signed bytes kiosks verify, numbered; kiosks pull the latest. Runs inside the caller's
transaction; signing and checking are config_publishing.py's."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select

from sync.server.schema import config_versions


@dataclass(frozen=True)
class ConfigVersion:
    version: int
    issued_at: str
    toml: str
    payload: bytes
    signature: bytes


def add_config_version(conn: Connection, config: ConfigVersion) -> None:
    conn.execute(
        config_versions.insert().values(
            version=config.version,
            issued_at=config.issued_at,
            toml=config.toml,
            payload=config.payload,
            signature=config.signature,
        )
    )


def latest_config_version(conn: Connection) -> ConfigVersion | None:
    row = conn.execute(
        select(config_versions).order_by(config_versions.c.version.desc()).limit(1)
    ).first()
    if row is None:
        return None
    return ConfigVersion(row.version, row.issued_at, row.toml, row.payload, row.signature)
