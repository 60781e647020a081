"""Keys and a sealer for the vault tests: a clinic, a kiosk staff key, a kiosk device key."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from kiosk.vault import (
    Argon2Cost,
    DeviceSigningKey,
    EnvelopeSuite,
    RecipientPrivateKey,
    Sealer,
)

# Why: the real Argon2 cost takes ~200 ms per unlock; the stories here need many unlocks.
QUICK_COST = Argon2Cost(memory_kib=1024, iterations=1, lanes=1)


@dataclass(frozen=True)
class KioskKeys:
    """Everything one kiosk and its clinic hold, for one suite."""

    suite: EnvelopeSuite
    clinic: RecipientPrivateKey
    staff: RecipientPrivateKey
    device: DeviceSigningKey

    def sealer(self) -> Sealer:
        return Sealer("kiosk-7", self.device, [self.clinic.public_key(), self.staff.public_key()])


def make_keys(suite: EnvelopeSuite) -> KioskKeys:
    return KioskKeys(
        suite,
        RecipientPrivateKey.generate(suite),
        RecipientPrivateKey.generate(suite),
        DeviceSigningKey.generate(),
    )


@pytest.fixture(params=list(EnvelopeSuite), ids=["hybrid", "x25519"])
def keys(request: pytest.FixtureRequest) -> KioskKeys:
    suite: EnvelopeSuite = request.param
    return make_keys(suite)


@pytest.fixture
def hybrid_keys() -> KioskKeys:
    return make_keys(EnvelopeSuite.MLKEM768_X25519)


@pytest.fixture
def x25519_keys() -> KioskKeys:
    return make_keys(EnvelopeSuite.X25519)
