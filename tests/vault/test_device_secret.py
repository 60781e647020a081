"""The device secret file and what it seals at rest."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kiosk.vault import DeviceSecret, DeviceSecretError


@pytest.fixture
def kiosk_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "kiosk-data"
    directory.mkdir(mode=0o700)
    return directory


def test_the_first_start_creates_a_secret_only_the_kiosk_user_can_read(kiosk_dir: Path) -> None:
    path = kiosk_dir / "device-secret"
    DeviceSecret.create(path)  # what `kiosk init` does
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.stat().st_size == 32


def test_what_is_sealed_at_rest_opens_after_a_restart(kiosk_dir: Path) -> None:
    path = kiosk_dir / "device-secret"
    blob = DeviceSecret.create(path).seal_at_rest(b"device signing key", "device-key")
    assert b"device signing key" not in blob
    assert DeviceSecret.load(path).open_at_rest(blob, "device-key") == (b"device signing key")


def test_a_blob_moved_to_another_purpose_is_refused(kiosk_dir: Path) -> None:
    secret = DeviceSecret.create(kiosk_dir / "device-secret")
    blob = secret.seal_at_rest(b"slot of N100", "keyslot:N100")
    with pytest.raises(DeviceSecretError, match="keyslot:N200"):
        secret.open_at_rest(blob, "keyslot:N200")


def test_a_copied_database_without_the_secret_file_opens_nothing(tmp_path: Path) -> None:
    for name in ("one", "two"):
        (tmp_path / name).mkdir(mode=0o700)
    blob = DeviceSecret.create(tmp_path / "one" / "s").seal_at_rest(b"x", "device-key")
    with pytest.raises(DeviceSecretError, match="does not open"):
        DeviceSecret.create(tmp_path / "two" / "s").open_at_rest(blob, "device-key")


def test_a_secret_others_can_read_is_refused_with_the_fix(kiosk_dir: Path) -> None:
    path = kiosk_dir / "device-secret"
    DeviceSecret.create(path)
    os.chmod(path, 0o644)
    with pytest.raises(DeviceSecretError, match=f"chmod 600 {path}"):
        DeviceSecret.load(path)


def test_a_directory_others_can_write_is_refused_with_the_fix(tmp_path: Path) -> None:
    directory = tmp_path / "open-dir"
    directory.mkdir()
    os.chmod(directory, 0o777)
    with pytest.raises(DeviceSecretError, match=f"chmod 700 {directory}"):
        DeviceSecret.create(directory / "device-secret")


def test_an_existing_secret_is_never_overwritten(kiosk_dir: Path) -> None:
    path = kiosk_dir / "device-secret"
    DeviceSecret.create(path)
    with pytest.raises(DeviceSecretError, match="already exists"):
        DeviceSecret.create(path)


def test_a_symlinked_or_damaged_secret_is_refused(kiosk_dir: Path) -> None:
    real = kiosk_dir / "real"
    DeviceSecret.create(real)
    link = kiosk_dir / "link"
    link.symlink_to(real)
    with pytest.raises(DeviceSecretError, match="cannot open"):
        DeviceSecret.load(link)
    short = kiosk_dir / "short"
    short.write_bytes(b"x" * 5)
    short.chmod(0o600)
    with pytest.raises(DeviceSecretError, match="32 bytes"):
        DeviceSecret.load(short)
    with pytest.raises(DeviceSecretError, match="not found"):
        DeviceSecret.load(kiosk_dir / "missing")


@pytest.mark.parametrize("blob", [b"", b"KDAR", b"KDAR\x02" + b"\x00" * 40, b"\x00" * 60])
def test_damaged_sealed_data_gets_a_clear_error(kiosk_dir: Path, blob: bytes) -> None:
    secret = DeviceSecret.create(kiosk_dir / "device-secret")
    with pytest.raises(DeviceSecretError, match="device-key"):
        secret.open_at_rest(blob, "device-key")


def test_the_secret_never_shows_in_its_repr(kiosk_dir: Path) -> None:
    path = kiosk_dir / "device-secret"
    secret = DeviceSecret.create(path)
    assert path.read_bytes().hex() not in repr(secret)
