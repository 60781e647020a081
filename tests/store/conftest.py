"""Fixtures for the store's tests: a device key, an open store on tmp_path, fake sealed records."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.desk.facade import Kiosk
from kiosk.store import KioskStore
from kiosk.vault import Argon2Cost
from kiosk.vault.keys import DeviceSigningKey


@dataclass(frozen=True)
class FakeSealed:
    """Stands in for kiosk.vault's SealedRecord: the store only sees opaque sealed bytes."""

    record_id: str
    kind: str
    created_at: datetime
    supersedes: str | None
    envelope: bytes
    sha256: str
    device_id: str = "kiosk-test-1"


MakeSealed = Callable[..., FakeSealed]


@pytest.fixture
def device_key() -> DeviceSigningKey:
    return DeviceSigningKey.generate()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "kiosk.db"


@pytest.fixture
def store(db_path: Path, device_key: DeviceSigningKey) -> Iterator[KioskStore]:
    opened = KioskStore.open(db_path, signer=device_key.sign)
    yield opened
    opened.close()


@pytest.fixture
def make_sealed() -> MakeSealed:
    def make(
        kind: str = "checkin",
        supersedes: str | None = None,
        created_at: datetime | None = None,
        size: int = 600,
    ) -> FakeSealed:
        envelope = os.urandom(size)
        return FakeSealed(
            record_id=str(uuid.uuid4()),
            kind=kind,
            created_at=created_at or datetime.now(UTC),
            supersedes=supersedes,
            envelope=envelope,
            sha256=hashlib.sha256(envelope).hexdigest(),
        )

    return make


CHEAP_SLOTS = Argon2Cost(memory_kib=8, iterations=1, lanes=1)


@pytest.fixture
def demo_kiosk(tmp_path: Path) -> Iterator[Kiosk]:
    """A demo kiosk (N100 / 246810, IT1 / 135790) with cheap keyslots so tests stay fast."""
    kiosk = Kiosk.init(tmp_path / "kiosk-data", demo=True, keyslot_cost=CHEAP_SLOTS)
    yield kiosk
    kiosk.close()
