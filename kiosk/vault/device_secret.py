"""The device secret: 32 random bytes in a file only the kiosk's user can read, or, where the
machine has a TPM 2.0, sealed to that TPM (the file then holds only what this TPM can unseal).

It protects what the database must hold but must not give away to whoever copies the database
alone: the device signing key and the staff keyslots. `seal_at_rest` encrypts with AES-256-GCM,
binding a purpose string ("device-key", "keyslot:N100", ...) as associated data so a blob cannot
be moved to another use. A TPM-sealed secret also names the TPM that checks staff PINs
(`pin_gate`): a copied disk then holds nothing to guess a PIN against.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kiosk.vault.tpm import (
    SEALED_MAGIC,
    TCTI_SETTING,
    Tpm,
    TpmError,
    TpmPinGate,
    configured_tcti,
)

SECRET_LENGTH: Final = 32
NONCE_LENGTH: Final = 12
AT_REST_MAGIC: Final = b"KDAR"
AT_REST_VERSION: Final = 1
AAD_PREFIX: Final = b"kiosk at-rest v1\x00"
MAX_PURPOSE_LENGTH: Final = 200
_MAX_FILE_LENGTH: Final = 4096


class DeviceSecretError(Exception):
    """The secret file is missing, unsafe or damaged, or a blob does not open."""


class DeviceSecret:
    """The loaded secret. Holds the key only; its bytes never appear in repr."""

    __slots__ = ("_aead", "path", "tpm_tcti")

    def __init__(self, secret: bytes, path: Path, tpm_tcti: str | None = None) -> None:
        if len(secret) != SECRET_LENGTH:
            raise DeviceSecretError(f"{path}: device secret must be {SECRET_LENGTH} bytes")
        self._aead = AESGCM(secret)
        self.path = path
        #: The TPM the secret is sealed to (a TCTI), or None for a secret kept in the file.
        self.tpm_tcti = tpm_tcti

    @classmethod
    def create(cls, path: Path, tpm_tcti: str | None = None) -> DeviceSecret:
        """Write a fresh secret to a new file (mode 0600), sealed to the TPM at `tpm_tcti` when
        given; refuse to overwrite one."""
        _check_directory(path.parent)
        secret = os.urandom(SECRET_LENGTH)
        content = secret
        if tpm_tcti is not None:
            try:
                with Tpm(tpm_tcti) as tpm:
                    content = tpm.seal(secret, pin_auth=None)
            except TpmError as exc:
                raise DeviceSecretError(str(exc)) from None
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        except FileExistsError as exc:
            raise DeviceSecretError(f"{path}: a device secret already exists there") from exc
        except OSError as exc:
            raise DeviceSecretError(f"{path}: cannot create the secret ({exc.strerror})") from exc
        try:
            os.write(fd, content)
            os.fsync(fd)  # Why: a secret lost in a power cut makes every keyslot unreadable.
        finally:
            os.close(fd)
        _fsync_directory(path.parent)
        return cls(secret, path, tpm_tcti)

    @classmethod
    def load(cls, path: Path) -> DeviceSecret:
        """Read the secret; refuse a file group or others could read, naming the fix."""
        _check_directory(path.parent)
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except FileNotFoundError as exc:
            raise DeviceSecretError(f"{path}: device secret not found") from exc
        except OSError as exc:
            raise DeviceSecretError(f"{path}: cannot open device secret ({exc.strerror})") from exc
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise DeviceSecretError(f"{path}: device secret is not a regular file")
            if info.st_uid != os.getuid():
                raise DeviceSecretError(f"{path}: device secret is owned by another user")
            if info.st_mode & 0o077:
                raise DeviceSecretError(
                    f"{path}: device secret is readable by group or others; run: chmod 600 {path}"
                )
            content = os.read(fd, _MAX_FILE_LENGTH + 1)
        finally:
            os.close(fd)
        if len(content) == SECRET_LENGTH or not content.startswith(SEALED_MAGIC):
            return cls(content, path)
        return cls._unseal(content, path)

    @classmethod
    def _unseal(cls, blob: bytes, path: Path) -> DeviceSecret:
        """A secret sealed to a TPM: only the configured TPM, the one it was sealed to, opens it."""
        tcti = configured_tcti()
        if tcti is None:
            raise DeviceSecretError(
                f"{path}: the device secret is sealed to a TPM, and this machine has none "
                f"(no /dev/tpmrm0; {TCTI_SETTING} names the TPM to use)"
            )
        try:
            with Tpm(tcti) as tpm:
                secret = tpm.unseal(blob, pin_auth=None)
        except TpmError as exc:
            raise DeviceSecretError(f"{path}: {exc}") from None
        return cls(secret, path, tcti)

    def pin_gate(self) -> TpmPinGate | None:
        """The TPM that checks staff PINs: the one this secret is sealed to (None: no TPM)."""
        return None if self.tpm_tcti is None else TpmPinGate(self.tpm_tcti)

    def seal_at_rest(self, data: bytes, purpose: str) -> bytes:
        """'KDAR' || version || nonce || AES-256-GCM(data), with the purpose bound."""
        nonce = os.urandom(NONCE_LENGTH)
        header = AT_REST_MAGIC + bytes([AT_REST_VERSION]) + nonce
        return header + self._aead.encrypt(nonce, data, _aad(purpose))

    def open_at_rest(self, blob: bytes, purpose: str) -> bytes:
        """Reverse `seal_at_rest`; DeviceSecretError if the blob is damaged or for another use."""
        prefix = len(AT_REST_MAGIC) + 1
        if not isinstance(blob, bytes):
            raise DeviceSecretError(f"sealed {purpose!r} data: expected bytes")
        if len(blob) < prefix + NONCE_LENGTH + 16:
            raise DeviceSecretError(f"sealed {purpose!r} data is truncated")
        if blob[: len(AT_REST_MAGIC)] != AT_REST_MAGIC or blob[len(AT_REST_MAGIC)] != 1:
            raise DeviceSecretError(f"sealed {purpose!r} data has an unknown format")
        nonce = blob[prefix : prefix + NONCE_LENGTH]
        try:
            return self._aead.decrypt(nonce, blob[prefix + NONCE_LENGTH :], _aad(purpose))
        except InvalidTag as exc:
            raise DeviceSecretError(
                f"sealed {purpose!r} data does not open with this kiosk's device secret"
            ) from exc

    def __repr__(self) -> str:
        return f"DeviceSecret(path={str(self.path)!r}, <secret>)"


def _aad(purpose: str) -> bytes:
    """The associated data: a fixed prefix and the purpose, so blobs stay where they belong."""
    encoded = purpose.encode("utf-8")
    if not encoded or len(encoded) > MAX_PURPOSE_LENGTH:
        raise DeviceSecretError(f"purpose must be 1..{MAX_PURPOSE_LENGTH} bytes")
    return AAD_PREFIX + encoded


def _check_directory(directory: Path) -> None:
    """The secret's directory must be the kiosk user's own and closed to others."""
    try:
        info = directory.stat()
    except OSError as exc:
        raise DeviceSecretError(f"{directory}: cannot use this directory ({exc.strerror})") from exc
    if info.st_uid != os.getuid():
        raise DeviceSecretError(f"{directory}: owned by another user; the kiosk must own it")
    if info.st_mode & 0o022:
        raise DeviceSecretError(f"{directory}: others can write here; run: chmod 700 {directory}")


def _fsync_directory(directory: Path) -> None:
    """Make the new file's directory entry durable too."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
