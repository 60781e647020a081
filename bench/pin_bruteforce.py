"""What a thief with the whole disk pays to guess a nurse's 6-digit PIN offline.

The thief holds the device secret (it is on the same disk), so the keyslot's only defence is
Argon2id. This measures one wrong guess against a real default-cost slot, and as the baseline one
bare Argon2id derivation with the same parameters in the same run: their ratio should stay near
1 (no cheaper way to reject a guess, no wasted work), and the 6-digit space is priced from it.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from kiosk.vault import (
    DEFAULT_COST,
    EnvelopeSuite,
    RecipientPrivateKey,
    WrongPin,
    create_keyslot,
    unlock_keyslot,
)

ROUNDS = 7


def _seconds(work: Callable[[], None]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main() -> None:
    staff_key = RecipientPrivateKey.generate(EnvelopeSuite.MLKEM768_X25519)
    slot = create_keyslot("N100", "nurse", "246810", staff_key, cost=DEFAULT_COST)
    salt = os.urandom(16)

    def bare_argon2id() -> None:
        Argon2id(
            salt=salt,
            length=32,
            iterations=DEFAULT_COST.iterations,
            lanes=DEFAULT_COST.lanes,
            memory_cost=DEFAULT_COST.memory_kib,
        ).derive(b"000000")

    def wrong_guess() -> None:
        try:
            unlock_keyslot(slot, "N100", "000000")
        except WrongPin:
            return
        raise AssertionError("the wrong PIN opened the slot")

    # Interleaved, so a busy machine slows both sides of the ratio alike.
    pairs = [(_seconds(bare_argon2id), _seconds(wrong_guess)) for _ in range(ROUNDS)]
    baseline = statistics.median(pair[0] for pair in pairs)
    guess = statistics.median(pair[1] for pair in pairs)
    print(f"BENCH argon2id_derivation {baseline * 1000:.1f} ms")
    print(f"BENCH pin_guess_offline {guess * 1000:.1f} ms")
    ratio = statistics.median(pair[1] / pair[0] for pair in pairs)
    print(f"BENCH pin_guess_to_argon2id_ratio {ratio:.3f} ratio")
    print(f"BENCH pin_6digit_space_one_core {guess * 1_000_000 / 3600:.0f} core-hours")


if __name__ == "__main__":
    main()
