"""The nonces table: each signed request's nonce is claimed once (ON CONFLICT DO NOTHING, so two
server processes on one PostgreSQL cannot both accept it), and old ones are pruned now and then.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import Connection, delete, update

from sync.server.database_engine import insert_for
from sync.server.schema import devices, nonces

# Why: pruning old nonces on every batch costs a statement; a stale nonce is refused anyway.
NONCE_PRUNE_INTERVAL_S = 30.0


@dataclass(frozen=True)
class NonceClaim:
    """A signed request's nonce, to be remembered for `keep_s` seconds."""

    device_id: str
    nonce: str
    keep_s: float


class NonceReplayed(Exception):
    """The request nonce was already used: the whole request is refused."""


class NonceLog:
    """Claims nonces inside the caller's transaction; prunes at most every 30 s per process."""

    def __init__(self) -> None:
        self._next_prune = 0.0

    def claim(self, conn: Connection, claim: NonceClaim, now: float) -> bool:
        """Remember the nonce and mark the device seen; False when it was already used."""
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
        if time.monotonic() >= self._next_prune:
            self._next_prune = time.monotonic() + NONCE_PRUNE_INTERVAL_S
            # Why: a nonce older than the window would be refused as stale anyway.
            conn.execute(delete(nonces).where(nonces.c.seen_at < now - claim.keep_s))
        return True
