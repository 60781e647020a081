"""Fixtures for the attack suite: a real (not demo) kiosk whose clinic key stays with the clinic."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.desk.facade import Kiosk
from kiosk.desk.staff_rules import NewStaff
from kiosk.vault import Argon2Cost, EnvelopeSuite, RecipientPrivateKey

NURSE_ID, NURSE_PIN = "N100", "246810"
IT_ID, IT_PIN = "IT1", "135790"
# Cheap slots keep the stories fast; the PIN cost itself is attacked with the real default.
CHEAP_SLOTS = Argon2Cost(memory_kib=8, iterations=1, lanes=1)


@dataclass
class ClinicKiosk:
    """A kiosk as a clinic runs it: the clinic private key is elsewhere (here: in the test)."""

    kiosk: Kiosk
    data_dir: Path
    clinic_key: RecipientPrivateKey


def make_clinic_kiosk(
    data_dir: Path, *, cost: Argon2Cost | None = CHEAP_SLOTS, suite: EnvelopeSuite | None = None
) -> ClinicKiosk:
    """Initialise a kiosk with a nurse and an IT person, sealing to a clinic key it never holds
    (`cost=None`: the cost `kiosk init` calibrates)."""
    chosen = suite or EnvelopeSuite.MLKEM768_X25519
    clinic_key = RecipientPrivateKey.generate(chosen)
    kiosk = Kiosk.init(
        data_dir,
        suite=chosen,
        clinic_public_key=clinic_key.public_key(),
        first_nurse=NewStaff(NURSE_ID, "Nurse Ana", "nurse", NURSE_PIN),
        keyslot_cost=cost,
    )
    kiosk.add_staff(NewStaff(IT_ID, "IT Bo", "it", IT_PIN), session=None, actor="init")
    return ClinicKiosk(kiosk, data_dir, clinic_key)


@pytest.fixture
def clinic_kiosk(tmp_path: Path) -> Iterator[ClinicKiosk]:
    made = make_clinic_kiosk(tmp_path / "kiosk-data")
    yield made
    made.kiosk.close()
