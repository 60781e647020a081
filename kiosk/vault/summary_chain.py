"""Sealing the nurse's-table summaries so that a whole day opens with one HPKE open per chain.

Each record carries a small summary (name, date of birth, highest flag) for the nurse's table.
Sealing every summary to the staff key by HPKE, and signing it, made opening 1,000 of today's
check-ins cost 1,000 HPKE opens and signature checks. Instead a writer (one per kiosk process)
starts a *summary chain*: a random 32-byte chain key, HPKE-sealed to the staff key and signed by
the device key in an ordinary envelope (kind `summary_chain`), stored once. Summary i of the chain
is AES-256-GCM encrypted under a key derived from link i, and the chain then steps forward:

    summary key i = HMAC-SHA256(link i, 0x01)      link i+1 = HMAC-SHA256(link i, 0x02)
    (link 0 = the chain key; the writer forgets link i as soon as it has link i+1)

so the patient side never holds a key to an earlier summary (a memory dump after submit reveals
no earlier patient), and a nurse with the staff key derives every summary key of a day from one
opened chain key. Integrity: the chain key is device-signed; each summary is authenticated by
AES-GCM with the record id, chain id and link number as associated data, so a summary cannot be
altered, forged without the chain key, or moved onto another record.

Summary format v1 (bytes): "KSUM" | version 0x01 | chain id (16, UUID bytes) | link (4, big
endian) | nonce (12) | AES-256-GCM ciphertext and tag. Summaries written before chains (whole
HPKE envelopes, starting "KENV") still open, one by one, the old way.
"""

from __future__ import annotations

import hmac
import os
import struct
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kiosk.vault.envelope import EnvelopeError, SealedRecord, Sealer, open_envelope
from kiosk.vault.keys import DeviceVerifyKey, RecipientPrivateKey

SUMMARY_CHAIN_KIND: Final = "summary_chain"
MAGIC: Final = b"KSUM"
VERSION: Final = 1
CHAIN_KEY_LENGTH: Final = 32
NONCE_LENGTH: Final = 12
# Why: bounds the hashing a hostile link number can make a reader do; writers start a new chain.
MAX_LINKS: Final = 100_000
_PREFIX: Final = struct.Struct(">4sB16sI12s")
_AAD_CONTEXT: Final = b"kiosk summary v1\x00"
_SUMMARY_KEY_STEP: Final = b"\x01"
_NEXT_LINK_STEP: Final = b"\x02"

#: Stores a freshly started chain's sealed key before any summary of it is written.
ChainKeeper = Callable[[SealedRecord], None]


@lru_cache(maxsize=64)
def _chain_name(raw: bytes) -> str:
    """The chain id as stored (UUID text); a day's summaries share a handful of chains."""
    return str(uuid.UUID(bytes=raw))


class SummaryError(ValueError):
    """A summary that is malformed, of an unknown version, or fails authentication."""


def _summary_key(link: bytes) -> bytes:
    return hmac.digest(link, _SUMMARY_KEY_STEP, "sha256")


def _next_link(link: bytes) -> bytes:
    return hmac.digest(link, _NEXT_LINK_STEP, "sha256")


def _associated_data(prefix: bytes, record_id: str) -> bytes:
    return _AAD_CONTEXT + prefix + record_id.encode("ascii")


class SummaryChain:
    """The patient side's summary sealer: holds the staff public key and the current link only."""

    __slots__ = ("_chain_id", "_keeper", "_link", "_lock", "_number", "_sealer")

    def __init__(self, staff_sealer: Sealer, keeper: ChainKeeper) -> None:
        self._sealer = staff_sealer
        self._keeper = keeper
        self._lock = threading.Lock()
        self._chain_id: uuid.UUID | None = None
        self._link = b""
        self._number = 0

    def seal(self, record_id: str, summary: bytes) -> bytes:
        """The summary of `record_id`, encrypted under the next link's key; steps the chain."""
        with self._lock:
            if self._chain_id is None or self._number >= MAX_LINKS:
                self._start()
            assert self._chain_id is not None
            prefix = _PREFIX.pack(
                MAGIC, VERSION, self._chain_id.bytes, self._number, os.urandom(NONCE_LENGTH)
            )
            key = _summary_key(self._link)
            self._link = _next_link(self._link)
            self._number += 1
        sealed = AESGCM(key).encrypt(
            prefix[-NONCE_LENGTH:], summary, _associated_data(prefix, record_id)
        )
        return prefix + sealed

    def _start(self) -> None:
        """A new chain: its key is sealed to the staff key and stored before it is used."""
        chain_key = os.urandom(CHAIN_KEY_LENGTH)
        chain_id = uuid.uuid4()
        self._keeper(self._sealer.seal(SUMMARY_CHAIN_KIND, chain_key, record_id=str(chain_id)))
        self._chain_id, self._link, self._number = chain_id, chain_key, 0


@dataclass
class _OpenedChain:
    """One chain's links, derived as far as the summaries read so far needed."""

    links: list[bytes]

    def summary_key(self, number: int) -> bytes:
        while len(self.links) <= number:
            self.links.append(_next_link(self.links[-1]))
        return _summary_key(self.links[number])


class SummaryReader:
    """Opens summaries for one reading of the nurse's table; holds derived keys until dropped."""

    def __init__(
        self,
        staff_key: RecipientPrivateKey,
        device_key: DeviceVerifyKey,
        chain_envelopes: Mapping[str, bytes],
    ) -> None:
        self._staff_key = staff_key
        self._device_key = device_key
        self._envelopes = chain_envelopes
        self._chains: dict[str, _OpenedChain | None] = {}

    @staticmethod
    def chain_id_of(summary: bytes) -> str | None:
        """The chain a summary belongs to, or None for an old-style or malformed one."""
        if len(summary) < _PREFIX.size or not summary.startswith(MAGIC):
            return None
        return _chain_name(summary[5:21])

    def open(self, record_id: str, summary: bytes, kind: str) -> bytes:
        """The plaintext summary of `record_id`; SummaryError if it is not exactly what was sealed.

        `kind` is the envelope kind old-style (whole-envelope) summaries were sealed under.
        """
        if not summary.startswith(MAGIC):
            return self._open_old_style(record_id, summary, kind)
        if len(summary) < _PREFIX.size + 16:
            raise SummaryError(f"record {record_id}: its summary is truncated")
        prefix = summary[: _PREFIX.size]
        _, version, chain_bytes, number, nonce = _PREFIX.unpack(prefix)
        if version != VERSION:
            raise SummaryError(f"record {record_id}: summary version {version} is not supported")
        if number >= MAX_LINKS:
            raise SummaryError(f"record {record_id}: summary link {number} is out of range")
        chain = self._chain(_chain_name(chain_bytes), record_id)
        try:
            return AESGCM(chain.summary_key(number)).decrypt(
                nonce, summary[_PREFIX.size :], _associated_data(prefix, record_id)
            )
        except InvalidTag:
            raise SummaryError(f"record {record_id}: its summary fails authentication") from None

    def _chain(self, chain_id: str, record_id: str) -> _OpenedChain:
        if chain_id not in self._chains:
            self._chains[chain_id] = self._open_chain(chain_id)
        chain = self._chains[chain_id]
        if chain is None:
            raise SummaryError(f"record {record_id}: its summary chain {chain_id} does not open")
        return chain

    def _open_chain(self, chain_id: str) -> _OpenedChain | None:
        envelope = self._envelopes.get(chain_id)
        if envelope is None:
            return None
        try:
            opened = open_envelope(envelope, self._staff_key, self._device_key)
        except EnvelopeError:
            return None
        if (
            opened.record_id != chain_id
            or opened.kind != SUMMARY_CHAIN_KIND
            or len(opened.payload) != CHAIN_KEY_LENGTH
        ):
            return None
        return _OpenedChain([opened.payload])

    def _open_old_style(self, record_id: str, summary: bytes, kind: str) -> bytes:
        try:
            opened = open_envelope(summary, self._staff_key, self._device_key)
        except EnvelopeError as error:
            raise SummaryError(str(error)) from None
        if opened.record_id != record_id or opened.kind != kind:
            raise SummaryError(f"record {record_id}: its summary belongs to another record")
        return opened.payload
