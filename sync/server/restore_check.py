"""After a restore, prove the copy whole: every kiosk's audit chain continuous from its first
link, and every stored envelope parsed strictly, its hash as stored, its device signature
verified with the enrolled key (revoked kiosks' old records included)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from sqlalchemy import select

from kiosk.vault import (
    DeviceVerifyKey,
    EnvelopeError,
    KeyFormatError,
    parse_envelope,
    verify_envelope,
)
from sync.server.schema import audit_links, devices, envelopes
from sync.server.storage import ClinicStore


@dataclass
class RestoreCheck:
    """What the re-check counted, and each problem it found (record ids and seqs, no PHI)."""

    devices: int = 0
    records: int = 0
    audit_links: int = 0
    problems: list[str] = field(default_factory=list)


def recheck(store: ClinicStore) -> RestoreCheck:
    check = RestoreCheck()
    with store.engine.connect() as conn:
        keys = {row.device_id: row.verify_key for row in conn.execute(select(devices))}
        check.devices = len(keys)
        previous: dict[str, tuple[int, str]] = {}
        query = select(audit_links).order_by(audit_links.c.device_id, audit_links.c.seq)
        for link in conn.execute(query):
            check.audit_links += 1
            before = previous.get(link.device_id)
            if before is None and link.seq not in (0, 1):
                check.problems.append(f"audit chain of {link.device_id} starts at {link.seq}")
            elif before is not None and (link.seq, link.prev_hash) != (before[0] + 1, before[1]):
                check.problems.append(
                    f"audit chain of {link.device_id} breaks at {link.seq} (after {before[0]})"
                )
            previous[link.device_id] = (link.seq, link.hash)
        for row in conn.execute(select(envelopes).order_by(envelopes.c.record_id)):
            check.records += 1
            problem = _envelope_problem(
                row.envelope, row.sha256, row.record_id, keys.get(row.device_id)
            )
            if problem:
                check.problems.append(f"record {row.record_id}: {problem}")
    return check


def _envelope_problem(data: bytes, sha256: str, record_id: str, key: bytes | None) -> str | None:
    if hashlib.sha256(data).hexdigest() != sha256:
        return "its bytes do not match the hash stored with them"
    if key is None:
        return "its device is not in the restored database"
    try:
        envelope = parse_envelope(data)
        verify_envelope(envelope, DeviceVerifyKey(key))
    except (EnvelopeError, KeyFormatError):
        return "its device signature does not verify"
    if envelope.header.record_id != record_id:
        return "it is stored under another record id"
    return None
