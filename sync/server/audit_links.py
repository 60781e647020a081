"""The audit_links table: each kiosk's audit chain as the server received it (seq, hash and the
hash before), extended only where it continues, so a rewritten or truncated kiosk chain is
caught. Runs inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, select

from sync.server.schema import audit_links
from sync.wire import AuditLink


class AuditDiscontinuity(Exception):
    """Audit links that do not continue the chain the server holds; names the seq."""


def add_audit_links(
    conn: Connection, device_id: str, links: Sequence[AuditLink], now: float
) -> AuditLink:
    """Extend the device's chain; links already held must match. Returns the chain head."""
    head_row = conn.execute(
        select(audit_links)
        .where(audit_links.c.device_id == device_id)
        .order_by(audit_links.c.seq.desc())
        .limit(1)
    ).first()
    head = AuditLink(head_row.seq, head_row.hash, head_row.prev_hash) if head_row else None
    held = {
        r.seq: r.hash
        for r in conn.execute(
            select(audit_links.c.seq, audit_links.c.hash)
            .where(audit_links.c.device_id == device_id)
            .where(audit_links.c.seq.in_([link.seq for link in links]))
        )
    }
    new_rows: list[dict[str, Any]] = []
    for link in links:
        if link.seq in held:
            if held[link.seq] != link.hash:
                raise AuditDiscontinuity(
                    f"audit entry {link.seq} differs from the one already received: "
                    "the kiosk's chain was rewritten"
                )
            continue
        if head is None:
            if link.seq not in (0, 1):
                raise AuditDiscontinuity(
                    f"the first audit entry received is {link.seq}; entries before it are missing"
                )
        elif link.seq != head.seq + 1:
            raise AuditDiscontinuity(
                f"audit entry {link.seq} arrived after {head.seq}: entries are missing"
            )
        elif link.prev_hash != head.hash:
            raise AuditDiscontinuity(f"audit entry {link.seq} does not link to entry {head.seq}")
        new_rows.append(
            {
                "device_id": device_id,
                "seq": link.seq,
                "hash": link.hash,
                "prev_hash": link.prev_hash,
                "received_at": now,
            }
        )
        head = link
    if new_rows:
        conn.execute(audit_links.insert(), new_rows)
    if head is None:
        raise AuditDiscontinuity("no audit entries were sent")
    return head
