"""What a thief pays to guess a nurse's 6-digit PIN, on a kiosk without a TPM and with one.

Without a TPM the thief holds the device secret too (it is on the same disk), so the keyslot's
only defence is Argon2id at the cost `kiosk init` calibrates: a wrong guess against a real
calibrated slot, in processor time (one core's work), against the baseline measured in the same
run: the cost every kiosk had before calibration (64 MiB, 3 passes). A bare derivation at the
calibrated cost checks that a wrong guess has no cheaper way out (ratio near 1).

With a TPM (a real swtpm, started here) a copied disk holds nothing to guess; on the tablet
itself every guess goes through the TPM, and the lockout `kiosk init` sets prices the space.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kiosk.vault import (  # noqa: E402
    DEFAULT_COST,
    EnvelopeSuite,
    RecipientPrivateKey,
    WrongPin,
    create_keyslot,
    unlock_keyslot,
)
from kiosk.vault.argon2_calibration import calibrate, seconds_per_guess  # noqa: E402
from kiosk.vault.tpm import Tpm, TpmPinGate  # noqa: E402
from tests.swtpm import running_swtpm  # noqa: E402

ROUNDS = 5
SPACE = 1_000_000
STAFF_KEY = RecipientPrivateKey.generate(EnvelopeSuite.MLKEM768_X25519)


def _wrong_guess(slot: bytes, gate: TpmPinGate | None = None) -> Callable[[], None]:
    def guess() -> None:
        try:
            unlock_keyslot(slot, "N100", "000000", gate=gate)
        except WrongPin:
            return
        raise AssertionError("the wrong PIN opened the slot")

    return guess


def _cpu_seconds(work: Callable[[], None]) -> float:
    started = time.process_time()
    work()
    return time.process_time() - started


def _wall_seconds(work: Callable[[], None]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def without_a_tpm() -> None:
    calibrated = calibrate().cost
    baseline_slot = create_keyslot("N100", "nurse", "246810", STAFF_KEY, cost=DEFAULT_COST)
    calibrated_slot = create_keyslot("N100", "nurse", "246810", STAFF_KEY, cost=calibrated)
    baseline_guess, calibrated_guess = _wrong_guess(baseline_slot), _wrong_guess(calibrated_slot)
    # Interleaved, so whatever else the machine does touches every column alike.
    rounds = [
        (
            _cpu_seconds(baseline_guess),
            _cpu_seconds(calibrated_guess),
            seconds_per_guess(calibrated),
        )
        for _ in range(ROUNDS)
    ]
    baseline = statistics.median(r[0] for r in rounds)
    guess = statistics.median(r[1] for r in rounds)
    print(f"BENCH pin_guess_cpu_baseline_64mib {baseline * 1000:.0f} ms")
    print(f"BENCH pin_guess_cpu_calibrated {guess * 1000:.0f} ms")
    print(f"BENCH pin_guess_calibrated_memory {calibrated.memory_kib // 1024} MiB")
    print(f"BENCH pin_guess_calibrated_passes {calibrated.iterations} passes")
    ratio = statistics.median(r[1] / r[0] for r in rounds)
    print(f"BENCH pin_guess_calibrated_to_baseline_ratio {ratio:.2f} ratio")
    bare = statistics.median(r[1] / r[2] for r in rounds)
    print(f"BENCH pin_guess_to_argon2id_ratio {bare:.3f} ratio")
    print(f"BENCH pin_6digit_space_one_core_baseline {baseline * SPACE / 3600:.0f} core-hours")
    print(f"BENCH pin_6digit_space_one_core_calibrated {guess * SPACE / 3600:.0f} core-hours")


def with_a_tpm() -> None:
    with running_swtpm() as tcti:
        with Tpm(tcti) as tpm:
            lockout = tpm.take_lockout_control()
        gate = TpmPinGate(tcti)
        slot = create_keyslot("N100", "nurse", "246810", STAFF_KEY, cost=DEFAULT_COST, gate=gate)
        guess = statistics.median(_wall_seconds(_wrong_guess(slot, gate)) for _ in range(ROUNDS))
    print("copied disk of a TPM kiosk: nothing to guess (the secret and PIN shares are in the TPM)")
    print(f"BENCH pin_guess_at_the_tpm {guess * 1000:.0f} ms")
    print(f"BENCH pin_guess_tpm_lockout_recovery {lockout.recovery_s} s")
    days = (SPACE - lockout.max_tries) * lockout.recovery_s / 86400
    print(f"BENCH pin_6digit_space_tpm_lockout {days:.0f} days")


def main() -> None:
    without_a_tpm()
    with_a_tpm()


if __name__ == "__main__":
    main()
