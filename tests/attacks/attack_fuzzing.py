"""Shared pieces of the fuzzers: how many cases to run, and hostile variations of valid inputs."""

from __future__ import annotations

import os

from hypothesis import settings
from hypothesis import strategies as st

# At least this many cases per fuzzer in CI; `make fuzz` (profile "fuzz") runs without limit.
CI_CASES = 10_000


def fuzz_settings() -> settings:
    """10,000 cases under the CI profile; the loaded profile's own count under any other."""
    if os.environ.get("HYPOTHESIS_PROFILE", "ci") == "ci":
        return settings(max_examples=CI_CASES, deadline=None)
    return settings()


@st.composite
def mutated_bytes(draw: st.DrawFn, originals: list[bytes]) -> bytes:
    """A valid input with a few bytes flipped, inserted, deleted or cut off; or pure noise."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=512))
    data = bytearray(draw(st.sampled_from(originals)))
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(["flip", "set", "insert", "delete", "cut", "splice"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if action == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif action == "set" and data:
            data[at] = draw(st.sampled_from([0x00, 0xFF, 0x7F, 0x80, 0x01]))
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 8))]
        elif action == "cut":
            del data[at:]
        elif action == "splice":
            other = draw(st.sampled_from(originals))
            data[at:] = other[draw(st.integers(0, max(len(other) - 1, 0))) :]
    return bytes(data)
