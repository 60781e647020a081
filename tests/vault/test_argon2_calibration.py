"""Argon2id calibrated at `kiosk init` without a TPM: at least half a second of one core per
guess and 256 MiB, whatever the machine. The machines here are described by how long one pass
over 256 MiB takes on them (a measuring function), so each rule is checked on every kind."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kiosk.vault import Argon2Cost
from kiosk.vault.argon2_calibration import calibrate


def machine(seconds_per_pass_of_256_mib: float) -> Callable[[Argon2Cost], float]:
    def measure(cost: Argon2Cost) -> float:
        return seconds_per_pass_of_256_mib * cost.iterations * cost.memory_kib / (256 * 1024)

    return measure


@pytest.mark.parametrize(
    ("per_pass", "iterations", "memory_mib"),
    [
        (0.2, 3, 256),
        (0.3, 2, 256),
        (0.9, 1, 256),
        (0.04, 13, 256),
        (0.03, 9, 512),
        (0.01, 13, 1024),
    ],
    ids=["quiet kiosk", "tablet", "slow tablet", "desktop", "fast desktop", "server-class"],
)
def test_every_machine_gets_at_least_half_a_second_and_256_mib(
    per_pass: float, iterations: int, memory_mib: int
) -> None:
    chosen = calibrate(measure=machine(per_pass))
    assert chosen.cost == Argon2Cost(memory_mib * 1024, iterations, 4)
    assert chosen.seconds >= 0.5


def test_a_busy_moment_during_init_does_not_pick_fewer_passes() -> None:
    """The first pass is measured while something else runs (CPU time shields most of that,
    memory bandwidth not all): the quicker of two measurements counts."""
    calls: list[Argon2Cost] = []
    quiet = machine(0.2)

    def busy_first(cost: Argon2Cost) -> float:
        calls.append(cost)
        return quiet(cost) * (3 if len(calls) == 1 else 1)

    assert calibrate(measure=busy_first).cost.iterations == 3
