"""The hash chain behind the audit log: how an entry is hashed, how the head is signed and checked.

Each entry's hash covers its own fields and the previous entry's hash, so editing, deleting or
swapping any entry breaks the chain at a seq we can name. The head (last seq and hash) is signed
with the device key, so dropping entries from the end is caught too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from typing import Protocol

from kiosk.store.rows import AuditCheck

GENESIS_HASH = "0" * 64
HEAD_CONTEXT = b"infusion-kiosk audit head v1\x00"

HeadSigner = Callable[[bytes], bytes]

# One audit row as stored: seq, at, actor, action, record_id, detail, prev_hash, hash.
AuditRow = tuple[object, object, object, object, object, object, object, object]


class SignatureVerifier(Protocol):
    """The device's public key (kiosk.vault DeviceVerifyKey), or anything checking the same way."""

    def is_valid_signature(self, signature: bytes, message: bytes, /) -> bool: ...


def entry_hash(
    seq: object,
    at: object,
    actor: object,
    action: object,
    record_id: object,
    detail: object,
    prev_hash: object,
) -> str:
    """SHA-256 over the canonical JSON of every field of the entry, previous hash included."""
    canonical = json.dumps(
        [seq, at, actor, action, record_id, detail, prev_hash],
        ensure_ascii=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def head_message(seq: int, head_hash: str) -> bytes:
    """The exact bytes the device key signs for a chain head."""
    return HEAD_CONTEXT + f"{seq}:{head_hash}".encode("ascii")


def check_chain(
    rows: Iterable[AuditRow],
    head: tuple[int, str, bytes] | None,
    verifier: SignatureVerifier,
) -> AuditCheck:
    """Walk entries in seq order; report the first break, naming its seq."""
    expected_seq = 1
    prev_hash = GENESIS_HASH
    count = 0
    for seq, at, actor, action, record_id, detail, row_prev_hash, row_hash in rows:
        if seq != expected_seq:
            return AuditCheck(
                False,
                count,
                f"audit entry {expected_seq} is missing (entry {seq} follows {expected_seq - 1})",
            )
        if row_prev_hash != prev_hash:
            return AuditCheck(
                False, count, f"audit entry {seq} does not follow entry {expected_seq - 1}"
            )
        if entry_hash(seq, at, actor, action, record_id, detail, row_prev_hash) != row_hash:
            return AuditCheck(
                False, count, f"audit entry {seq} was altered (its hash does not match)"
            )
        prev_hash = str(row_hash)
        expected_seq += 1
        count += 1
    last_seq = expected_seq - 1
    if head is None:
        if count == 0:
            return AuditCheck(True, 0, None)
        return AuditCheck(False, count, "the audit chain head is missing")
    head_seq, head_hash, signature = head
    if head_seq != last_seq or head_hash != prev_hash:
        return AuditCheck(
            False,
            count,
            f"the signed chain head names entry {head_seq} but the log ends at entry {last_seq}",
        )
    if not verifier.is_valid_signature(signature, head_message(head_seq, head_hash)):
        return AuditCheck(
            False, count, f"the chain head signature (entry {head_seq}) is not the device's"
        )
    return AuditCheck(True, count, None)
