"""Keys: strict byte forms, fingerprints people can compare, private bytes kept out of sight."""

from __future__ import annotations

import re

import pytest

from kiosk.vault import (
    DeviceSigningKey,
    DeviceVerifyKey,
    EnvelopeSuite,
    KeyFormatError,
    RecipientPrivateKey,
    RecipientPublicKey,
)


@pytest.mark.parametrize("suite", list(EnvelopeSuite))
def test_recipient_keys_round_trip_and_name_themselves(suite: EnvelopeSuite) -> None:
    private = RecipientPrivateKey.generate(suite)
    public = private.public_key()
    assert RecipientPrivateKey.from_bytes(private.to_bytes()) == private
    assert RecipientPublicKey.from_bytes(public.to_bytes()) == public
    assert len(public.key_id) == 16
    assert re.fullmatch(r"([0-9a-f]{4} ){7}[0-9a-f]{4}", public.fingerprint)


def test_the_default_suite_is_the_hybrid_post_quantum_one() -> None:
    assert RecipientPrivateKey.generate().suite is EnvelopeSuite.MLKEM768_X25519
    assert EnvelopeSuite.MLKEM768_X25519.value == "MLKEM768-X25519/HKDF-SHA256/AES-256-GCM"


def test_private_bytes_never_show_in_repr_or_str() -> None:
    private = RecipientPrivateKey.generate(EnvelopeSuite.X25519)
    device = DeviceSigningKey.generate()
    for text in (repr(private), str(private), repr(device), str(device)):
        assert private.to_bytes()[5:].hex() not in text
        assert device.to_bytes()[4:].hex() not in text
        assert "<private>" in text


def test_a_public_key_cannot_be_read_as_a_private_one_or_a_device_key() -> None:
    public = RecipientPrivateKey.generate(EnvelopeSuite.X25519).public_key().to_bytes()
    with pytest.raises(KeyFormatError, match="wrong tag"):
        RecipientPrivateKey.from_bytes(public)
    with pytest.raises(KeyFormatError, match="wrong tag"):
        DeviceVerifyKey.from_bytes(public)


def test_a_key_of_the_wrong_length_or_suite_is_refused() -> None:
    public = RecipientPrivateKey.generate(EnvelopeSuite.X25519).public_key().to_bytes()
    with pytest.raises(KeyFormatError, match="expected 32"):
        RecipientPublicKey.from_bytes(public[:-1])
    with pytest.raises(KeyFormatError, match="unknown key suite"):
        RecipientPublicKey.from_bytes(public[:4] + b"\x09" + public[5:])


def test_a_device_signature_verifies_only_with_its_own_key() -> None:
    device = DeviceSigningKey.generate()
    signature = device.sign(b"chain head")
    assert device.verify_key().is_valid_signature(signature, b"chain head")
    assert not device.verify_key().is_valid_signature(signature, b"chain head!")
    assert not DeviceSigningKey.generate().verify_key().is_valid_signature(signature, b"chain head")
    restored = DeviceSigningKey.from_bytes(device.to_bytes())
    assert restored.fingerprint == device.fingerprint
    assert DeviceVerifyKey.from_bytes(device.verify_key().to_bytes()) == device.verify_key()
