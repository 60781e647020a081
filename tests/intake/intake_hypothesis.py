"""Hypothesis settings for the intake property tests: CI-sized, unbounded under make fuzz."""

from __future__ import annotations

import os

from hypothesis import settings


def ci_examples(count: int) -> settings:
    """`count` examples in CI; the fuzz profile's unbounded count under `make fuzz`."""
    if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz":
        return settings()
    return settings(max_examples=count)
