"""The keys of the key model: recipient (HPKE) key pairs and the kiosk's device signing key.

A recipient is who a record is sealed to (the clinic server, the kiosk staff key). The device
key signs every envelope the kiosk writes. Every key has a strict, tagged byte form so a public
key can never be mistaken for a private one, and every parser raises `KeyFormatError` only.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric import ed25519, mlkem, x25519

KEY_ID_LENGTH: Final = 16
MLKEM768_SEED_LENGTH: Final = 64
MLKEM768_PUBLIC_LENGTH: Final = 1184
X25519_LENGTH: Final = 32
ED25519_LENGTH: Final = 32
SIGNATURE_LENGTH: Final = 64

# Four-byte tags: the first bytes of each key's byte form, so keys cannot be swapped by mistake.
RECIPIENT_PUBLIC_TAG: Final = b"KRP1"
RECIPIENT_PRIVATE_TAG: Final = b"KRS1"
DEVICE_SIGNING_TAG: Final = b"KDS1"
DEVICE_VERIFY_TAG: Final = b"KDV1"

HpkePublic = hpke.MLKEM768X25519PublicKey | x25519.X25519PublicKey
HpkePrivate = hpke.MLKEM768X25519PrivateKey | x25519.X25519PrivateKey


class KeyFormatError(ValueError):
    """Key bytes that are not a well-formed key of the expected kind."""


class EnvelopeSuite(StrEnum):
    """The HPKE suite a record's data key is sealed with."""

    MLKEM768_X25519 = "MLKEM768-X25519/HKDF-SHA256/AES-256-GCM"
    X25519 = "X25519/HKDF-SHA256/AES-256-GCM"

    @property
    def code(self) -> int:
        """The one-byte code used in key byte forms."""
        return _SUITE_CODES[self]

    @property
    def public_length(self) -> int:
        """Length of the raw public key: ML-KEM-768 encapsulation key || X25519 point."""
        if self is EnvelopeSuite.MLKEM768_X25519:
            return MLKEM768_PUBLIC_LENGTH + X25519_LENGTH
        return X25519_LENGTH

    @property
    def private_length(self) -> int:
        """Length of the raw private key: ML-KEM-768 seed || X25519 scalar."""
        if self is EnvelopeSuite.MLKEM768_X25519:
            return MLKEM768_SEED_LENGTH + X25519_LENGTH
        return X25519_LENGTH

    @property
    def private_key_bytes_length(self) -> int:
        """Length of `RecipientPrivateKey.to_bytes()`: tag, suite code, raw private key."""
        return len(RECIPIENT_PRIVATE_TAG) + 1 + self.private_length

    @property
    def enc_length(self) -> int:
        """Length of the HPKE encapsulated key this suite's KEM produces."""
        return self.hpke_kem().enc_length()

    @property
    def sealed_key_length(self) -> int:
        """Length of HPKE enc || sealed 32-byte data key (with its 16-byte tag)."""
        return self.enc_length + 32 + 16

    def hpke_kem(self) -> hpke.KEM:
        """The HPKE KEM of this suite."""
        if self is EnvelopeSuite.MLKEM768_X25519:
            return hpke.KEM.MLKEM768_X25519
        return hpke.KEM.X25519

    def hpke_suite(self) -> hpke.Suite:
        """The `cryptography` HPKE suite object for this suite."""
        return hpke.Suite(self.hpke_kem(), hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)

    @classmethod
    def from_code(cls, code: int) -> EnvelopeSuite:
        """The suite for a one-byte code, or KeyFormatError."""
        for suite, known in _SUITE_CODES.items():
            if known == code:
                return suite
        raise KeyFormatError(f"unknown key suite code {code}")


_SUITE_CODES: Final = {EnvelopeSuite.MLKEM768_X25519: 1, EnvelopeSuite.X25519: 2}


def fingerprint_hex(digest: bytes) -> str:
    """Hex in groups of four, as a person reads a fingerprint aloud: 'a1b2 c3d4 ...'."""
    text = digest.hex()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def raw_key_fingerprint(raw: bytes) -> str:
    """A raw public key's fingerprint (a device key, the configuration key): SHA-256, its first
    16 bytes, as hex groups."""
    return fingerprint_hex(hashlib.sha256(raw).digest()[:KEY_ID_LENGTH])


def _split_tagged(data: bytes, tag: bytes, what: str) -> tuple[EnvelopeSuite, bytes]:
    """Check the tag and suite byte of a recipient key; return the suite and the raw key."""
    rest = _check_tag(data, tag, what)
    if not rest:
        raise KeyFormatError(f"{what}: missing suite code")
    return EnvelopeSuite.from_code(rest[0]), rest[1:]


@dataclass(frozen=True)
class RecipientPublicKey:
    """Who a record can be sealed to: a suite and the raw HPKE public key bytes."""

    suite: EnvelopeSuite
    raw: bytes = field(repr=False)
    # Why kept: parsing an ML-KEM key costs about a tenth of a millisecond, and a kiosk seals
    # every record of the day to the same two keys.
    _hpke: HpkePublic = field(init=False, repr=False, compare=False)
    _key_id: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.raw) != self.suite.public_length:
            raise KeyFormatError(
                f"recipient public key: {len(self.raw)} bytes, expected {self.suite.public_length}"
            )
        # Parsed now: an invalid point or ML-KEM key is refused here, not at seal time.
        object.__setattr__(self, "_hpke", self._parsed())
        digest = hashlib.sha256(self.suite.value.encode() + b"\x00" + self.raw).digest()
        object.__setattr__(self, "_key_id", digest[:KEY_ID_LENGTH])

    @property
    def key_id(self) -> bytes:
        """16 bytes naming this key in envelope stanzas: SHA-256(suite || 0x00 || raw)[:16]."""
        return self._key_id

    @property
    def fingerprint(self) -> str:
        """The key id as hex groups, for people comparing keys on two screens."""
        return fingerprint_hex(self.key_id)

    def hpke_key(self) -> HpkePublic:
        """The `cryptography` public key object HPKE seals to."""
        return self._hpke

    def _parsed(self) -> HpkePublic:
        try:
            if self.suite is EnvelopeSuite.MLKEM768_X25519:
                return hpke.MLKEM768X25519PublicKey(
                    mlkem.MLKEM768PublicKey.from_public_bytes(self.raw[:MLKEM768_PUBLIC_LENGTH]),
                    x25519.X25519PublicKey.from_public_bytes(self.raw[MLKEM768_PUBLIC_LENGTH:]),
                )
            return x25519.X25519PublicKey.from_public_bytes(self.raw)
        except ValueError as exc:
            raise KeyFormatError("recipient public key: not a valid key") from exc

    def to_bytes(self) -> bytes:
        """Tag 'KRP1' || suite code (1 byte) || raw public key."""
        return RECIPIENT_PUBLIC_TAG + bytes([self.suite.code]) + self.raw

    @classmethod
    def from_bytes(cls, data: bytes) -> RecipientPublicKey:
        """Strict parse of `to_bytes` output; KeyFormatError on anything else."""
        suite, raw = _split_tagged(data, RECIPIENT_PUBLIC_TAG, "recipient public key")
        return cls(suite, raw)


class RecipientPrivateKey:
    """The private half of a recipient key. Its bytes never appear in repr or str."""

    __slots__ = ("_suite", "_raw", "_hpke", "_public")

    def __init__(self, suite: EnvelopeSuite, raw: bytes) -> None:
        if len(raw) != suite.private_length:
            raise KeyFormatError(
                f"recipient private key: {len(raw)} bytes, expected {suite.private_length}"
            )
        self._suite = suite
        self._raw = bytes(raw)
        self._hpke = _hpke_private(suite, self._raw)
        self._public = self._derive_public()

    @classmethod
    def generate(cls, suite: EnvelopeSuite = EnvelopeSuite.MLKEM768_X25519) -> RecipientPrivateKey:
        """A fresh random key pair for the given suite (the hybrid suite by default)."""
        x_raw = x25519.X25519PrivateKey.generate().private_bytes_raw()
        if suite is EnvelopeSuite.MLKEM768_X25519:
            seed = mlkem.MLKEM768PrivateKey.generate().private_bytes_raw()
            return cls(suite, seed + x_raw)
        return cls(suite, x_raw)

    @property
    def suite(self) -> EnvelopeSuite:
        return self._suite

    def public_key(self) -> RecipientPublicKey:
        """The matching public key."""
        return self._public

    def _derive_public(self) -> RecipientPublicKey:
        if self._suite is EnvelopeSuite.MLKEM768_X25519:
            seed, x_raw = self._raw[:MLKEM768_SEED_LENGTH], self._raw[MLKEM768_SEED_LENGTH:]
            m_pub = mlkem.MLKEM768PrivateKey.from_seed_bytes(seed).public_key().public_bytes_raw()
            x_pub = x25519.X25519PrivateKey.from_private_bytes(x_raw).public_key()
            return RecipientPublicKey(self._suite, m_pub + x_pub.public_bytes_raw())
        x_key = x25519.X25519PrivateKey.from_private_bytes(self._raw)
        return RecipientPublicKey(self._suite, x_key.public_key().public_bytes_raw())

    def hpke_key(self) -> HpkePrivate:
        """The `cryptography` private key object HPKE opens with."""
        return self._hpke

    def to_bytes(self) -> bytes:
        """Tag 'KRS1' || suite code (1 byte) || raw private key (ML-KEM seed || X25519)."""
        return RECIPIENT_PRIVATE_TAG + bytes([self._suite.code]) + self._raw

    @classmethod
    def from_bytes(cls, data: bytes) -> RecipientPrivateKey:
        """Strict parse of `to_bytes` output; KeyFormatError on anything else."""
        suite, raw = _split_tagged(data, RECIPIENT_PRIVATE_TAG, "recipient private key")
        return cls(suite, raw)

    def __repr__(self) -> str:
        return f"RecipientPrivateKey(suite={self._suite.value!r}, <private>)"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RecipientPrivateKey) and other.to_bytes() == self.to_bytes()

    def __hash__(self) -> int:
        return hash(self.public_key().key_id)


def _hpke_private(suite: EnvelopeSuite, raw: bytes) -> HpkePrivate:
    """Build the `cryptography` private key from raw bytes already length-checked."""
    try:
        if suite is EnvelopeSuite.MLKEM768_X25519:
            return hpke.MLKEM768X25519PrivateKey(
                mlkem.MLKEM768PrivateKey.from_seed_bytes(raw[:MLKEM768_SEED_LENGTH]),
                x25519.X25519PrivateKey.from_private_bytes(raw[MLKEM768_SEED_LENGTH:]),
            )
        return x25519.X25519PrivateKey.from_private_bytes(raw)
    except ValueError as exc:
        raise KeyFormatError("recipient private key: not a valid key") from exc


@functools.lru_cache(maxsize=1024)
def _ed25519_public(raw: bytes) -> ed25519.Ed25519PublicKey:
    """One key object per device key: the server verifies thousands of envelopes with it."""
    return ed25519.Ed25519PublicKey.from_public_bytes(raw)


@dataclass(frozen=True)
class DeviceVerifyKey:
    """The public half of a kiosk's device key: checks envelope and request signatures."""

    raw: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if len(self.raw) != ED25519_LENGTH:
            raise KeyFormatError(f"device verify key: {len(self.raw)} bytes, expected 32")
        self._key()  # Why: refuse bytes that are not a curve point before first use.

    def _key(self) -> ed25519.Ed25519PublicKey:
        try:
            return _ed25519_public(self.raw)
        except ValueError as exc:
            raise KeyFormatError("device verify key: not a valid key") from exc

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the raw key, first 16 bytes, as hex groups."""
        return raw_key_fingerprint(self.raw)

    def is_valid_signature(self, signature: bytes, message: bytes) -> bool:
        """True when `signature` is this device's Ed25519 signature over `message`."""
        try:
            self._key().verify(signature, message)
        except InvalidSignature:
            return False
        return True

    def to_bytes(self) -> bytes:
        """Tag 'KDV1' || 32-byte Ed25519 public key."""
        return DEVICE_VERIFY_TAG + self.raw

    @classmethod
    def from_bytes(cls, data: bytes) -> DeviceVerifyKey:
        """Strict parse of `to_bytes` output; KeyFormatError on anything else."""
        data = _check_tag(data, DEVICE_VERIFY_TAG, "device verify key")
        return cls(data)


class DeviceSigningKey:
    """A kiosk's Ed25519 device key: signs envelopes and requests. Private bytes stay hidden."""

    __slots__ = ("_key",)

    def __init__(self, key: ed25519.Ed25519PrivateKey) -> None:
        self._key = key

    @classmethod
    def generate(cls) -> DeviceSigningKey:
        return cls(ed25519.Ed25519PrivateKey.generate())

    def sign(self, message: bytes) -> bytes:
        """The 64-byte Ed25519 signature over `message`."""
        return self._key.sign(message)

    def verify_key(self) -> DeviceVerifyKey:
        return DeviceVerifyKey(self._key.public_key().public_bytes_raw())

    @property
    def fingerprint(self) -> str:
        return self.verify_key().fingerprint

    def to_bytes(self) -> bytes:
        """Tag 'KDS1' || 32-byte Ed25519 seed."""
        return DEVICE_SIGNING_TAG + self._key.private_bytes_raw()

    @classmethod
    def from_bytes(cls, data: bytes) -> DeviceSigningKey:
        """Strict parse of `to_bytes` output; KeyFormatError on anything else."""
        raw = _check_tag(data, DEVICE_SIGNING_TAG, "device signing key")
        if len(raw) != ED25519_LENGTH:
            raise KeyFormatError(f"device signing key: {len(raw)} bytes, expected 32")
        return cls(ed25519.Ed25519PrivateKey.from_private_bytes(raw))

    def __repr__(self) -> str:
        return f"DeviceSigningKey(fingerprint={self.fingerprint!r}, <private>)"

    __str__ = __repr__


def _check_tag(data: bytes, tag: bytes, what: str) -> bytes:
    """Check a key's 4-byte tag and return the rest."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise KeyFormatError(f"{what}: expected bytes")
    data = bytes(data)
    if data[: len(tag)] != tag:
        raise KeyFormatError(f"{what}: not a {what} (wrong tag)")
    return data[len(tag) :]
