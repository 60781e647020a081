# Over 400 lines: one format's seal, strict parse and open, for both roles and versions.
"""Staff keyslots: each staff member's own PIN-protected way in, format v1.

A nurse slot holds the kiosk staff private key encrypted with AES-256-GCM under a key derived
from the nurse's PIN with Argon2id. An IT slot holds no key at all: it only proves the PIN.
A pending slot lets IT add a nurse without the staff key: it holds a fresh HPKE key pair whose
private half is wrapped under the new PIN; any unlocked nurse session seals the staff key to
its public half (`complete_pending`), and the new nurse's first unlock turns it into a normal
nurse slot. The byte layout is specified in docs/envelope.md.

Version 2 adds a PIN gate (the machine's TPM, `kiosk/vault/tpm.py`): the slot key also needs a
32-byte share the gate releases only for the right PIN, so every guess goes through the gate and
a copy of the slot alone holds nothing to guess. Version 1 slots (no gate) open as before.
"""

from __future__ import annotations

import os
import re
import struct
import unicodedata
from dataclasses import dataclass, field, replace
from enum import IntEnum, StrEnum
from typing import Final, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from kiosk.vault.byte_reader import ByteReader
from kiosk.vault.keys import (
    EnvelopeSuite,
    KeyFormatError,
    RecipientPrivateKey,
    RecipientPublicKey,
)

MAGIC: Final = b"KSLT"
VERSION: Final = 1
GATED_VERSION: Final = 2
SHARE_LENGTH: Final = 32
GATED_KEY_INFO: Final = b"kiosk keyslot v2 key\x00"
_MAX_GATE_BYTES: Final = 2048
SALT_LENGTH: Final = 16
NONCE_LENGTH: Final = 12
TAG_LENGTH: Final = 16
MIN_PIN_LENGTH: Final = 4
MAX_PIN_LENGTH: Final = 256
PENDING_INFO_PREFIX: Final = b"kiosk keyslot v1 pending staff key\x00"
_STAFF_ID_RE: Final = re.compile(r"[A-Za-z0-9._-]{1,64}")
_MAX_SLOT_BYTES: Final = 8192


class KeyslotError(ValueError):
    """Keyslot bytes that are malformed, or a request the slot cannot serve."""


class WrongPin(Exception):
    """The PIN or passphrase does not open this slot."""


class PinGateError(Exception):
    """The PIN gate (the TPM) cannot check PINs now: unreachable, refused, or not this one."""


class PinGateLocked(Exception):
    """The PIN gate refuses every PIN for now (the TPM's dictionary-attack lockout)."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"too many wrong PINs: the TPM checks the next one in {retry_after_s} s")
        self.retry_after_s = retry_after_s


class PinGate(Protocol):
    """Something outside the disk that holds a slot's share and releases it for the PIN alone."""

    def seal(self, share: bytes, auth: bytes) -> bytes:
        """The gate's blob for `share`, released only for `auth`."""
        ...

    def open(self, blob: bytes, auth: bytes) -> bytes:
        """The share; WrongPin for another `auth`, PinGateLocked, or PinGateError."""
        ...


class StaffRole(StrEnum):
    NURSE = "nurse"
    IT = "it"


class SlotState(IntEnum):
    """What a slot holds (one byte in the format)."""

    STAFF_KEY = 1  # a nurse slot holding the staff private key
    CREDENTIAL = 2  # an IT slot: proves the PIN, holds no key
    PENDING = 3  # a nurse slot waiting for the staff key to be sealed to it


_ROLE_CODES: Final = {StaffRole.NURSE: 1, StaffRole.IT: 2}
_STATE_ROLE: Final = {
    SlotState.STAFF_KEY: StaffRole.NURSE,
    SlotState.CREDENTIAL: StaffRole.IT,
    SlotState.PENDING: StaffRole.NURSE,
}


@dataclass(frozen=True)
class Argon2Cost:
    """Argon2id parameters, stored in each slot so they can be raised without breaking old ones."""

    memory_kib: int
    iterations: int
    lanes: int

    def __post_init__(self) -> None:
        # Why: bounds keep a hostile slot from asking for a day of work or a gigabyte-plus.
        if not 1 <= self.lanes <= 8:
            raise KeyslotError("argon2 lanes outside 1..8")
        if not 1 <= self.iterations <= 16:
            raise KeyslotError("argon2 iterations outside 1..16")
        if not 8 * self.lanes <= self.memory_kib <= 1024 * 1024:
            raise KeyslotError("argon2 memory outside 8*lanes KiB..1 GiB")


# Measured on the 2-core build machine: about 170-250 ms per unlock (see docs/envelope.md).
DEFAULT_COST: Final = Argon2Cost(memory_kib=64 * 1024, iterations=3, lanes=4)


@dataclass(frozen=True)
class StaffKeyslot:
    """A parsed keyslot. `to_bytes` and `from_bytes` are exact inverses."""

    state: SlotState
    staff_id: str
    cost: Argon2Cost
    salt: bytes = field(repr=False)
    nonce: bytes = field(repr=False)
    pending_public: RecipientPublicKey | None
    wrapped: bytes = field(repr=False)
    sealed_staff_key: bytes = field(repr=False, default=b"")
    gate_blob: bytes = field(repr=False, default=b"")  # version 2: the PIN gate's sealed share

    @property
    def role(self) -> StaffRole:
        return _STATE_ROLE[self.state]

    @property
    def awaits_staff_key(self) -> bool:
        """True for a pending slot no unlocked nurse has completed yet."""
        return self.state is SlotState.PENDING and not self.sealed_staff_key

    @property
    def version(self) -> int:
        return GATED_VERSION if self.gate_blob else VERSION

    def bound_bytes(self) -> bytes:
        """Everything the PIN-wrapped part authenticates: the slot up to the wrapped part."""
        staff_id = self.staff_id.encode("ascii")
        pending = self.pending_public.to_bytes() if self.pending_public else b""
        gate = struct.pack(">H", len(self.gate_blob)) + self.gate_blob if self.gate_blob else b""
        return (
            MAGIC
            + bytes([self.version, self.state, _ROLE_CODES[self.role], len(staff_id)])
            + staff_id
            + struct.pack(">IBB", self.cost.memory_kib, self.cost.iterations, self.cost.lanes)
            + self.salt
            + self.nonce
            + struct.pack(">H", len(pending))
            + pending
            + gate
        )

    def to_bytes(self) -> bytes:
        return (
            self.bound_bytes()
            + struct.pack(">H", len(self.wrapped))
            + self.wrapped
            + struct.pack(">H", len(self.sealed_staff_key))
            + self.sealed_staff_key
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> StaffKeyslot:
        """Strict parse; KeyslotError names what is wrong."""
        if not isinstance(data, bytes | bytearray | memoryview):
            raise KeyslotError("keyslot: expected bytes")
        data = bytes(data)
        if len(data) > _MAX_SLOT_BYTES:
            raise KeyslotError(f"keyslot is {len(data)} bytes, limit {_MAX_SLOT_BYTES}")
        reader = ByteReader(data, KeyslotError, "keyslot")
        if reader.take(4, "magic") != MAGIC:
            raise KeyslotError("not a staff keyslot (magic is not 'KSLT')")
        version, state_code, role_code, id_length = reader.take(4, "slot header")
        if version not in (VERSION, GATED_VERSION):
            raise KeyslotError(
                f"keyslot version {version} is not supported (this kiosk reads 1 and 2)"
            )
        try:
            state = SlotState(state_code)
        except ValueError as exc:
            raise KeyslotError(f"unknown keyslot state {state_code}") from exc
        if role_code != _ROLE_CODES[_STATE_ROLE[state]]:
            raise KeyslotError(f"role code {role_code} does not match slot state {state.name}")
        staff_id = _check_staff_id(reader.take(id_length, "staff id").decode("ascii", "replace"))
        memory, iterations, lanes = struct.unpack(">IBB", reader.take(6, "argon2 parameters"))
        cost = Argon2Cost(memory, iterations, lanes)
        salt = reader.take(SALT_LENGTH, "salt")
        nonce = reader.take(NONCE_LENGTH, "nonce")
        pending_raw = reader.take_sized("pending public key")
        gate_blob = reader.take_sized("PIN gate") if version == GATED_VERSION else b""
        if version == GATED_VERSION and not 1 <= len(gate_blob) <= _MAX_GATE_BYTES:
            raise KeyslotError(f"PIN gate must be 1..{_MAX_GATE_BYTES} bytes")
        wrapped = reader.take_sized("wrapped key")
        sealed = reader.take_sized("sealed staff key")
        reader.expect_end()
        pending_public = _parse_pending(state, pending_raw, sealed)
        _check_wrapped_length(state, wrapped, pending_public)
        return cls(state, staff_id, cost, salt, nonce, pending_public, wrapped, sealed, gate_blob)


@dataclass(frozen=True)
class StaffCredential:
    """Who unlocked, as what, and the staff key when the slot holds one (never for IT)."""

    staff_id: str
    role: StaffRole
    staff_key: RecipientPrivateKey | None = field(repr=False)
    upgraded_slot: bytes | None = field(repr=False, default=None)  # store in place of the old

    @property
    def can_read_records(self) -> bool:
        return self.staff_key is not None


def create_keyslot(
    staff_id: str,
    role: StaffRole | str,
    pin: str,
    staff_private_key: RecipientPrivateKey | None,
    *,
    cost: Argon2Cost = DEFAULT_COST,
    gate: PinGate | None = None,
) -> bytes:
    """A nurse slot wrapping the staff key, or an IT slot (pass None: IT never holds it).
    With a `gate`, a version 2 slot whose every PIN check goes through the gate."""
    role = _check_role(role)
    if role is StaffRole.IT:
        if staff_private_key is not None:
            raise KeyslotError("an IT slot never holds the staff key: pass None")
        return _wrap(SlotState.CREDENTIAL, staff_id, pin, b"", None, cost, gate)
    if staff_private_key is None:
        raise KeyslotError("a nurse slot needs the staff key: use create_pending_keyslot")
    secret = staff_private_key.to_bytes()
    return _wrap(SlotState.STAFF_KEY, staff_id, pin, secret, None, cost, gate)


def create_pending_keyslot(
    staff_id: str,
    pin: str,
    *,
    suite: EnvelopeSuite = EnvelopeSuite.MLKEM768_X25519,
    cost: Argon2Cost = DEFAULT_COST,
    gate: PinGate | None = None,
) -> bytes:
    """A nurse slot IT can make without the staff key (new nurse, or a PIN reset)."""
    pending_key = RecipientPrivateKey.generate(suite)
    public = pending_key.public_key()
    return _wrap(SlotState.PENDING, staff_id, pin, pending_key.to_bytes(), public, cost, gate)


def complete_pending(slot: bytes, staff_private_key: RecipientPrivateKey) -> bytes:
    """Seal the staff key to a pending slot's public key (done during any nurse's session)."""
    parsed = StaffKeyslot.from_bytes(slot)
    if parsed.state is not SlotState.PENDING or parsed.pending_public is None:
        raise KeyslotError(f"slot of {parsed.staff_id} is not pending")
    public = parsed.pending_public
    sealed = public.suite.hpke_suite().encrypt(
        staff_private_key.to_bytes(), public.hpke_key(), info=_pending_info(parsed)
    )
    return replace(parsed, sealed_staff_key=sealed).to_bytes()


def unlock_keyslot(
    slot: bytes, staff_id: str, pin: str, *, gate: PinGate | None = None
) -> StaffCredential:
    """Open a slot with its PIN. WrongPin if the PIN is wrong; KeyslotError if malformed; a
    version 2 slot needs its `gate` (PinGateLocked, PinGateError from it)."""
    parsed = StaffKeyslot.from_bytes(slot)
    if parsed.staff_id != staff_id:
        raise KeyslotError(f"this slot belongs to {parsed.staff_id}, not {staff_id}")
    secret = _unwrap(parsed, pin, gate)
    if parsed.state is SlotState.CREDENTIAL:
        return StaffCredential(parsed.staff_id, StaffRole.IT, None)
    if parsed.state is SlotState.STAFF_KEY:
        return StaffCredential(parsed.staff_id, StaffRole.NURSE, _as_key(secret, "staff key"))
    if not parsed.sealed_staff_key:
        return StaffCredential(parsed.staff_id, StaffRole.NURSE, None)
    pending_key = _as_key(secret, "pending key")
    try:
        staff_bytes = pending_key.suite.hpke_suite().decrypt(
            parsed.sealed_staff_key, pending_key.hpke_key(), info=_pending_info(parsed)
        )
    except Exception as exc:  # Why: HPKE raises several types; all mean "sealed for another".
        raise KeyslotError(
            f"the staff key sealed to {staff_id}'s pending slot does not open"
        ) from exc
    staff_key = _as_key(staff_bytes, "sealed staff key")
    slot_gate = gate if parsed.gate_blob else None
    upgraded = create_keyslot(
        staff_id, StaffRole.NURSE, pin, staff_key, cost=parsed.cost, gate=slot_gate
    )
    return StaffCredential(parsed.staff_id, StaffRole.NURSE, staff_key, upgraded)


def derive_slot_key(pin: str, salt: bytes, cost: Argon2Cost, length: int = 32) -> bytes:
    """Argon2id over the NFC-normalised PIN (so the same PIN typed anywhere gives one key)."""
    return Argon2id(
        salt=salt,
        length=length,
        iterations=cost.iterations,
        lanes=cost.lanes,
        memory_cost=cost.memory_kib,
    ).derive(unicodedata.normalize("NFC", pin).encode("utf-8"))


def _gated_key(stretched: bytes, share: bytes) -> bytes:
    """A version 2 slot key: the Argon2id output's second half with the gate's share."""
    return HKDF(hashes.SHA256(), 32, salt=None, info=GATED_KEY_INFO).derive(stretched[32:] + share)


def _wrap(
    state: SlotState,
    staff_id: str,
    pin: str,
    secret: bytes,
    pending_public: RecipientPublicKey | None,
    cost: Argon2Cost,
    gate: PinGate | None,
) -> bytes:
    """Build a slot: a fresh salt and nonce, the secret encrypted under the PIN-derived key
    (with a gate: Argon2id's first half is the gate's authorization for a fresh share)."""
    _check_staff_id(staff_id)
    if not isinstance(pin, str) or not MIN_PIN_LENGTH <= len(pin) <= MAX_PIN_LENGTH:
        raise KeyslotError(f"PIN must be {MIN_PIN_LENGTH} to {MAX_PIN_LENGTH} characters")
    unwrapped = StaffKeyslot(
        state,
        staff_id,
        cost,
        os.urandom(SALT_LENGTH),
        os.urandom(NONCE_LENGTH),
        pending_public,
        b"",
    )
    if gate is None:
        key = derive_slot_key(pin, unwrapped.salt, cost)
    else:
        stretched = derive_slot_key(pin, unwrapped.salt, cost, length=64)
        share = os.urandom(SHARE_LENGTH)
        unwrapped = replace(unwrapped, gate_blob=gate.seal(share, stretched[:32]))
        key = _gated_key(stretched, share)
    wrapped = AESGCM(key).encrypt(unwrapped.nonce, secret, unwrapped.bound_bytes())
    return replace(unwrapped, wrapped=wrapped).to_bytes()


def _unwrap(slot: StaffKeyslot, pin: str, gate: PinGate | None) -> bytes:
    """Decrypt the PIN-wrapped part; WrongPin when authentication (or the gate) fails."""
    if not isinstance(pin, str) or not 1 <= len(pin) <= MAX_PIN_LENGTH:
        raise WrongPin(f"wrong PIN for {slot.staff_id}")
    if slot.gate_blob:
        if gate is None:
            raise KeyslotError(f"the slot of {slot.staff_id} is checked by a TPM not in use here")
        stretched = derive_slot_key(pin, slot.salt, slot.cost, length=64)
        share = gate.open(slot.gate_blob, stretched[:32])
        if len(share) != SHARE_LENGTH:
            raise KeyslotError(f"the PIN gate of {slot.staff_id} released a damaged share")
        key = _gated_key(stretched, share)
    else:
        key = derive_slot_key(pin, slot.salt, slot.cost)
    try:
        return AESGCM(key).decrypt(slot.nonce, slot.wrapped, slot.bound_bytes())
    except InvalidTag as exc:
        raise WrongPin(f"wrong PIN for {slot.staff_id}") from exc


def _pending_info(slot: StaffKeyslot) -> bytes:
    """HPKE info for the staff key sealed to a pending slot: binds the staff id."""
    return PENDING_INFO_PREFIX + slot.staff_id.encode("ascii")


def _as_key(secret: bytes, what: str) -> RecipientPrivateKey:
    try:
        return RecipientPrivateKey.from_bytes(secret)
    except KeyFormatError as exc:
        raise KeyslotError(f"keyslot {what} is not a valid key") from exc


def _check_role(role: StaffRole | str) -> StaffRole:
    try:
        return StaffRole(role)
    except ValueError as exc:
        raise KeyslotError("role must be 'nurse' or 'it'") from exc


def _check_staff_id(staff_id: str) -> str:
    if not isinstance(staff_id, str) or not _STAFF_ID_RE.fullmatch(staff_id):
        raise KeyslotError("staff id: expected 1-64 of A-Z a-z 0-9 . _ -")
    return staff_id


def _parse_pending(
    state: SlotState, pending_raw: bytes, sealed: bytes
) -> RecipientPublicKey | None:
    """A pending slot carries its public key; other slots carry neither it nor a sealed key."""
    if state is not SlotState.PENDING:
        if pending_raw or sealed:
            raise KeyslotError(f"a {state.name} slot carries a pending key")
        return None
    try:
        public = RecipientPublicKey.from_bytes(pending_raw)
    except KeyFormatError as exc:
        raise KeyslotError(f"pending public key: {exc}") from exc
    allowed = {
        public.suite.enc_length + s.private_key_bytes_length + TAG_LENGTH for s in EnvelopeSuite
    }
    if sealed and len(sealed) not in allowed:
        raise KeyslotError("sealed staff key has the wrong length")
    return public


def _check_wrapped_length(
    state: SlotState, wrapped: bytes, pending_public: RecipientPublicKey | None
) -> None:
    """The wrapped part's length is fixed by what the slot holds."""
    if state is SlotState.CREDENTIAL:
        allowed = {TAG_LENGTH}
    elif state is SlotState.PENDING and pending_public is not None:
        allowed = {pending_public.suite.private_key_bytes_length + TAG_LENGTH}
    else:
        allowed = {suite.private_key_bytes_length + TAG_LENGTH for suite in EnvelopeSuite}
    if len(wrapped) not in allowed:
        raise KeyslotError("wrapped key has the wrong length")
