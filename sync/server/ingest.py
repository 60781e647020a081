"""Receiving sealed records: each envelope checked on its own, then stored in one transaction.

Used alike by `POST /v1/batch` and by `clinic-server import`, so an imported sealed queue is
treated exactly like synced records. The server never opens an envelope here: it checks form,
the device signature and that the clinic can read it, and keeps the bytes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kiosk.vault import (
    DeviceVerifyKey,
    EnvelopeError,
    KeyFormatError,
    RecipientPublicKey,
    parse_envelope,
    verify_envelope,
)
from kiosk.vault.keys import fingerprint_hex
from sync.server.devices import Device
from sync.server.envelopes import IncomingEnvelope
from sync.server.nonces import NonceClaim
from sync.server.storage import ClinicStore
from sync.wire import RecordRejection, RecordResult, RecordStatus


@dataclass(frozen=True)
class _Checked:
    """An envelope that passed its checks, or the result that refuses it."""

    incoming: IncomingEnvelope | None
    refusal: RecordResult | None


def check_envelope(
    index: int,
    data: bytes,
    clinic_key_id: bytes,
    device_for: Callable[[str], Device | None],
    requesting_device: str | None,
) -> _Checked:
    """Parse once, strictly; check the signer (one Ed25519 verify) and the recipients.

    Never raises for bad bytes: a refusal is a result naming the reason.
    """

    def reject(code: RecordRejection, reason: str, record_id: str | None) -> _Checked:
        return _Checked(None, RecordResult(index, record_id, RecordStatus.REJECTED, code, reason))

    try:
        envelope = parse_envelope(data)
    except EnvelopeError as exc:
        return reject(RecordRejection.MALFORMED_ENVELOPE, str(exc), None)
    header = envelope.header
    if requesting_device is not None and header.device_id != requesting_device:
        return reject(
            RecordRejection.FOREIGN_DEVICE,
            f"this record was made by device {header.device_id!r}, not by the sending kiosk",
            header.record_id,
        )
    device = device_for(header.device_id)
    if device is None or device.revoked:
        state = "revoked" if device is not None else "not enrolled"
        return reject(
            RecordRejection.BAD_ENVELOPE_SIGNATURE,
            f"the device that signed this record ({header.device_id!r}) is {state}",
            header.record_id,
        )
    try:
        verify_envelope(envelope, _verify_key(device.verify_key))
    except (EnvelopeError, KeyFormatError):
        return reject(
            RecordRejection.BAD_ENVELOPE_SIGNATURE,
            "the device signature on this record does not verify: it was altered or forged",
            header.record_id,
        )
    if all(stanza.key_id != clinic_key_id for stanza in envelope.stanzas):
        return reject(
            RecordRejection.NOT_SEALED_TO_CLINIC,
            f"this record is not sealed to the clinic key {fingerprint_hex(clinic_key_id)}",
            header.record_id,
        )
    incoming = IncomingEnvelope(header.record_id, header.device_id, header.kind, bytes(data))
    return _Checked(incoming, None)


def receive_envelopes(
    store: ClinicStore,
    clinic_key: RecipientPublicKey,
    datas: Sequence[bytes],
    now: float,
    *,
    requesting_device: Device | None,
    source: str,
    claim: NonceClaim | None = None,
) -> list[RecordResult]:
    """Check and store a batch; one result per envelope in order. One bad one blocks nothing."""
    known: dict[str, Device | None] = {}
    if requesting_device is not None:
        known[requesting_device.device_id] = requesting_device

    def device_for(device_id: str) -> Device | None:
        # Why: an imported file names its devices inside the envelopes: look each up once.
        if device_id not in known:
            known[device_id] = store.device(device_id) if requesting_device is None else None
        return known[device_id]

    clinic_key_id = clinic_key.key_id  # hashed once per batch, not once per envelope
    sender = requesting_device.device_id if requesting_device else None
    checked = [
        check_envelope(index, data, clinic_key_id, device_for, sender)
        for index, data in enumerate(datas)
    ]
    good = [c.incoming for c in checked if c.incoming is not None]
    statuses = iter(store.store_envelopes(good, now, source, claim))
    results: list[RecordResult] = []
    for index, item in enumerate(checked):
        if item.refusal is not None:
            results.append(item.refusal)
            continue
        assert item.incoming is not None
        status = next(statuses)
        if status is RecordStatus.CONFLICT:
            results.append(
                RecordResult(
                    index,
                    item.incoming.record_id,
                    status,
                    RecordRejection.CONFLICT,
                    "a different record with this id is already stored at the clinic",
                )
            )
        else:
            results.append(RecordResult(index, item.incoming.record_id, status))
    return results


@functools.lru_cache(maxsize=1024)
def _verify_key(raw: bytes) -> DeviceVerifyKey:
    """Build each device's verify key once, not once per envelope."""
    return DeviceVerifyKey(raw)
