"""The clinic server's keys on disk: the clinic key pair and the configuration signing key.

The clinic private key (the one every record is sealed to) is kept only sealed under a key
derived from a passphrase with Argon2id; the server never needs it to accept records, only to
export. The configuration key (Ed25519) signs the published clinic configuration and sits
unsealed in a 0600 file so the server can run unattended.
"""

from __future__ import annotations

import os
import secrets
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from kiosk.vault import EnvelopeSuite, KeyFormatError, RecipientPrivateKey, RecipientPublicKey

CLINIC_PUBLIC_FILE: Final = "clinic-key.pub"
CLINIC_SEALED_FILE: Final = "clinic-key.sealed"
CONFIG_KEY_FILE: Final = "config-signing.key"

SEALED_TAG: Final = b"CKS1"
# Argon2id: 64 MiB, 3 passes, 4 lanes (a few hundred ms here: a guess costs an attacker that too).
ARGON2_MEMORY_KIB: Final = 64 * 1024
ARGON2_ITERATIONS: Final = 3
ARGON2_LANES: Final = 4
_PARAMS = struct.Struct(">III")
SALT_LENGTH: Final = 16
NONCE_LENGTH: Final = 12


class ClinicKeyError(Exception):
    """The clinic key files are missing, malformed, or the passphrase is wrong."""


@dataclass(frozen=True)
class ServerKeys:
    """What a running server needs: the clinic public key and the configuration signing key."""

    clinic_public: RecipientPublicKey
    config_key: Ed25519PrivateKey

    @property
    def config_public(self) -> bytes:
        return self.config_key.public_key().public_bytes_raw()


def _derive(passphrase: str, salt: bytes, memory: int, iterations: int, lanes: int) -> bytes:
    kdf = Argon2id(
        salt=salt, length=32, iterations=iterations, lanes=lanes, memory_cost=memory, ad=None
    )
    return kdf.derive(passphrase.encode("utf-8"))


def seal_private_key(key: RecipientPrivateKey, passphrase: str) -> bytes:
    """'CKS1' || memory, iterations, lanes (u32 each) || salt || nonce || AES-256-GCM(key)."""
    salt, nonce = secrets.token_bytes(SALT_LENGTH), secrets.token_bytes(NONCE_LENGTH)
    header = (
        SEALED_TAG + _PARAMS.pack(ARGON2_MEMORY_KIB, ARGON2_ITERATIONS, ARGON2_LANES) + salt + nonce
    )
    wrapping = _derive(passphrase, salt, ARGON2_MEMORY_KIB, ARGON2_ITERATIONS, ARGON2_LANES)
    return header + AESGCM(wrapping).encrypt(nonce, key.to_bytes(), header)


def open_private_key(sealed: bytes, passphrase: str) -> RecipientPrivateKey:
    """The clinic private key, or ClinicKeyError naming what is wrong (never the passphrase)."""
    fixed = len(SEALED_TAG) + _PARAMS.size + SALT_LENGTH + NONCE_LENGTH
    if not sealed.startswith(SEALED_TAG) or len(sealed) < fixed + 16:
        raise ClinicKeyError("the sealed clinic key file is not in the expected format")
    memory, iterations, lanes = _PARAMS.unpack_from(sealed, len(SEALED_TAG))
    if not (8 * lanes <= memory <= 4 * 1024 * 1024 and 1 <= iterations <= 64 and 1 <= lanes <= 64):
        raise ClinicKeyError("the sealed clinic key file has impossible Argon2id parameters")
    salt_at = len(SEALED_TAG) + _PARAMS.size
    salt = sealed[salt_at : salt_at + SALT_LENGTH]
    nonce = sealed[salt_at + SALT_LENGTH : fixed]
    wrapping = _derive(passphrase, salt, memory, iterations, lanes)
    try:
        raw = AESGCM(wrapping).decrypt(nonce, sealed[fixed:], sealed[:fixed])
    except InvalidTag as exc:
        raise ClinicKeyError(
            "wrong passphrase for the clinic key (or the file is damaged)"
        ) from exc
    try:
        return RecipientPrivateKey.from_bytes(raw)
    except KeyFormatError as exc:
        raise ClinicKeyError("the sealed clinic key holds no valid key") from exc


def _write_private(path: Path, data: bytes) -> None:
    """Create a file readable by its owner only, refusing to overwrite."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def create_clinic_keys(home: Path, passphrase: str, suite: EnvelopeSuite) -> RecipientPublicKey:
    """Make the clinic key pair and the configuration key in `home`; refuses to overwrite."""
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    for name in (CLINIC_PUBLIC_FILE, CLINIC_SEALED_FILE, CONFIG_KEY_FILE):
        if (home / name).exists():
            raise ClinicKeyError(f"{home / name} already exists: this server is already set up")
    private = RecipientPrivateKey.generate(suite)
    _write_private(home / CLINIC_SEALED_FILE, seal_private_key(private, passphrase))
    _write_private(home / CONFIG_KEY_FILE, Ed25519PrivateKey.generate().private_bytes_raw())
    _write_private(home / CLINIC_PUBLIC_FILE, private.public_key().to_bytes())
    return private.public_key()


def load_server_keys(home: Path) -> ServerKeys:
    """The keys `clinic-server run` needs; ClinicKeyError if `init` was not run."""
    try:
        public = RecipientPublicKey.from_bytes((home / CLINIC_PUBLIC_FILE).read_bytes())
        config_raw = (home / CONFIG_KEY_FILE).read_bytes()
        config_key = Ed25519PrivateKey.from_private_bytes(config_raw)
    except FileNotFoundError as exc:
        raise ClinicKeyError(f"no clinic keys in {home}: run `clinic-server init` first") from exc
    except OSError as exc:
        raise ClinicKeyError(f"cannot read the clinic keys in {home} ({exc.strerror})") from exc
    except (KeyFormatError, ValueError) as exc:
        raise ClinicKeyError(f"the key files in {home} are damaged") from exc
    return ServerKeys(public, config_key)


def unlock_clinic_key(home: Path, passphrase: str) -> RecipientPrivateKey:
    """Open the sealed clinic private key with its passphrase (for export)."""
    try:
        sealed = (home / CLINIC_SEALED_FILE).read_bytes()
    except FileNotFoundError as exc:
        raise ClinicKeyError(f"no sealed clinic key in {home}: run `clinic-server init`") from exc
    except OSError as exc:
        raise ClinicKeyError(
            f"cannot read the sealed clinic key in {home} ({exc.strerror})"
        ) from exc
    return open_private_key(sealed, passphrase)
