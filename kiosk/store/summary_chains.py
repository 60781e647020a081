"""The summary_chains table: the staff-sealed chain keys the nurse's-table summaries are
encrypted under (kiosk/vault/summary_chain.py), one per kiosk process, through sqlite-utils."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from kiosk.store.connection import StoreConnection
from kiosk.store.timestamps import utc_text

# Why: SQLite caps bound parameters; a day holds few chains, so batches stay small.
_BATCH = 500


class SummaryChains:
    """Keeping and finding the sealed chain keys."""

    def __init__(self, connection: StoreConnection) -> None:
        self._connection = connection

    def add_summary_chain(self, chain_id: str, created_at: datetime, envelope: bytes) -> None:
        """Keep a summary chain's staff-sealed key (vault.summary_chain) before its first use."""
        with self._connection.write(f"store summary chain {chain_id}") as db:
            db.table("summary_chains").insert(
                {
                    "chain_id": chain_id,
                    "created_at": utc_text(created_at),
                    "envelope": bytes(envelope),
                }
            )

    def summary_chains(self, chain_ids: Collection[str]) -> dict[str, bytes]:
        """The sealed keys of the named summary chains that are here, by chain id."""
        wanted = sorted(set(chain_ids))
        found: dict[str, bytes] = {}
        with self._connection.reading() as db:
            for start in range(0, len(wanted), _BATCH):
                batch = wanted[start : start + _BATCH]
                rows = db.table("summary_chains").rows_where(
                    f"chain_id IN ({', '.join('?' * len(batch))})",
                    batch,
                    select="chain_id, envelope",
                )
                for row in rows:
                    if isinstance(row["envelope"], bytes):
                        found[str(row["chain_id"])] = row["envelope"]
        return found
