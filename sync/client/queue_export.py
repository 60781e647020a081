"""The sealed-queue export: when the network is down for days, IT writes every undelivered
envelope to a file (docs/wire.md, "clinic-sealed-queue/1") and carries it to the server's
`clinic-server import`. The file holds only signed, sealed envelopes: no plaintext, no keys."""

from __future__ import annotations

import os
from pathlib import Path

from kiosk.store.kiosk_store import KioskStore
from kiosk.store.rows import OutboxState
from sync.client.errors import SyncError
from sync.wire import encode_queue_file

# Quarantined records are included: IT exports them so the clinic can look at them too.
EXPORTED_STATES = (OutboxState.QUEUED, OutboxState.SENDING, OutboxState.QUARANTINED)


def export_queue(store: KioskStore, path: Path, *, actor: str = "it") -> int:
    """Write every undelivered envelope to `path` (created new, 0600); returns how many.

    The records stay queued: if the network comes back first, the server treats the later
    import as duplicates.
    """
    rows = [row for row in store.records() if row.state in EXPORTED_STATES and row.has_payload]
    data = encode_queue_file([store.get_envelope(row.record_id) for row in rows])
    if path.exists():
        raise SyncError(f"{path} already exists; choose a new file name for the export")
    partial = path.with_name(path.name + ".partial")
    try:
        partial.unlink(missing_ok=True)  # left by an export that was interrupted
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        # Rename, not link: USB sticks are often FAT, which has no hard links.
        os.replace(partial, path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise SyncError(f"cannot write the export to {path}: {error.strerror}") from None
    store.append_audit(actor, "queue.exported", None, f"{len(rows)} records to {path.name}")
    return len(rows)
