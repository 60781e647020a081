"""What stands between a stolen disk and the staff PINs: chosen at `kiosk init`, and said in
the words the IT console and `kiosk status` show (the TPM, or Argon2id and one guess's cost)."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.vault.argon2_calibration import CalibratedCost, calibrate, seconds_per_guess
from kiosk.vault.device_secret import DeviceSecret
from kiosk.vault.keyslots import DEFAULT_COST, Argon2Cost
from kiosk.vault.tpm import Tpm, TpmError, TpmLockout


def choose_keyslot_cost(tpm_tcti: str | None, chosen: Argon2Cost | None) -> CalibratedCost:
    """The keyslots' cost for a new kiosk. With a TPM, the TPM's lockout bounds guessing (the
    kiosk sets its rules where nobody controls them yet) and Argon2id keeps its default cost,
    a second line should the TPM ever be broken; without one, the cost is calibrated here.
    `chosen` overrides both (tests pass a documented low cost, and say so)."""
    if tpm_tcti is not None:
        with Tpm(tpm_tcti) as tpm:
            tpm.take_lockout_control()
    cost = chosen or (DEFAULT_COST if tpm_tcti is not None else None)
    if cost is None:
        return calibrate()
    return CalibratedCost(cost, seconds_per_guess(cost))


@dataclass(frozen=True)
class PinProtection:
    """This kiosk's protection: keyslot cost, its measured time, and the TPM's lockout."""

    cost: Argon2Cost
    seconds_per_guess: float | None  # measured at `kiosk init`; None on kiosks made before
    tpm_tcti: str | None
    tpm_lockout: TpmLockout | None = None
    tpm_problem: str | None = None

    @classmethod
    def of(cls, secret: DeviceSecret, cost: Argon2Cost, seconds: float | None) -> PinProtection:
        """Read now: the TPM's lockout counter changes with every wrong PIN."""
        if secret.tpm_tcti is None:
            return cls(cost, seconds, None)
        try:
            with Tpm(secret.tpm_tcti) as tpm:
                return cls(cost, seconds, secret.tpm_tcti, tpm.lockout())
        except TpmError as problem:
            return cls(cost, seconds, secret.tpm_tcti, tpm_problem=str(problem))

    def describe(self) -> str:
        if self.tpm_tcti is not None:
            checks = (
                self.tpm_lockout.describe()
                if self.tpm_lockout is not None
                else f"its lockout cannot be read now: {self.tpm_problem}"
            )
            return f"device secret sealed to the TPM; every PIN checked by the TPM: {checks}"
        kib = self.cost.memory_kib
        memory = f"{kib // 1024} MiB" if kib >= 1024 else f"{kib} KiB"
        if self.seconds_per_guess is None:
            return (
                f"Argon2id, {memory} and {self.cost.iterations} passes per guess "
                "(no TPM; set before kiosk init measured the cost)"
            )
        return f"Argon2id, {self.seconds_per_guess:.2g} s and {memory} per guess (no TPM)"
