"""The Argon2id cost of a kiosk without a TPM, measured at `kiosk init` on the kiosk itself.

Without a TPM, a thief with the disk holds the device secret too, and only Argon2id stands
between them and each staff PIN: every guess must cost at least half a second of one core of
this machine, and 256 MiB of memory. Why 256 MiB: a guess in flight holds all of it, so a
24 GiB GPU runs at most about 90 at once and spends its time on memory bandwidth, not
arithmetic, while a kiosk (2-4 GiB) lends it for half a second at each unlock, a few tablets at
once included. The
passes are what this machine needs to reach the half second; they are stored in each keyslot.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from kiosk.vault.keyslots import Argon2Cost, derive_slot_key

MIN_SECONDS: Final = 0.5
MEMORY_KIB: Final = 256 * 1024
MAX_MEMORY_KIB: Final = 1024 * 1024
LANES: Final = 4
MAX_ITERATIONS: Final = 16


@dataclass(frozen=True)
class CalibratedCost:
    """A cost and what one derivation at it took on this machine."""

    cost: Argon2Cost
    seconds: float


def seconds_per_guess(cost: Argon2Cost, clock: Callable[[], float] = time.process_time) -> float:
    """One Argon2id derivation at `cost`, in processor time (its lanes' threads added up): what
    each PIN guess costs a thief per core, whatever else this machine is busy with meanwhile.
    A nurse waits less than this where lanes run side by side on several cores."""
    started = clock()
    derive_slot_key("000000", os.urandom(16), cost)
    return clock() - started


def calibrate(
    min_seconds: float = MIN_SECONDS,
    memory_kib: int = MEMORY_KIB,
    measure: Callable[[Argon2Cost], float] = seconds_per_guess,
) -> CalibratedCost:
    """The least passes at `memory_kib` (doubled, up to 1 GiB, if 16 passes are not enough)
    that take at least `min_seconds` here. One pass is timed twice and the quicker counts, so a
    busy moment at init does not pick too few passes."""
    while True:
        one_pass = min(measure(Argon2Cost(memory_kib, 1, LANES)) for _ in range(2))
        iterations = min(MAX_ITERATIONS, max(1, math.ceil(min_seconds / max(one_pass, 1e-9))))
        while True:
            cost = Argon2Cost(memory_kib, iterations, LANES)
            seconds = measure(cost)
            if seconds >= min_seconds:
                return CalibratedCost(cost, seconds)
            if iterations == MAX_ITERATIONS:
                break
            iterations += 1
        if memory_kib >= MAX_MEMORY_KIB:
            return CalibratedCost(cost, seconds)
        memory_kib = min(MAX_MEMORY_KIB, memory_kib * 2)
