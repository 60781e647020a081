"""When to try again after a failed sync: capped exponential backoff with jitter; never gives up."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

#: How often a kiosk tries the clinic server while nothing is failing (failures back off below).
SYNC_INTERVAL_SECONDS = 60.0


@dataclass(frozen=True)
class RetryPolicy:
    """Delay after the n-th consecutive failure: base * 2**(n-1), capped, with "equal jitter"
    (half fixed, half random) so a clinic's kiosks do not retry in lockstep after an outage."""

    base_seconds: float = 5.0
    max_seconds: float = 900.0

    def delay_after(self, failures: int, rng: random.Random | None = None) -> timedelta:
        """The wait before the next attempt, given how many attempts in a row have failed."""
        if failures <= 0:
            return timedelta(0)
        # Cap the exponent first so a week of failures cannot overflow a float.
        ceiling = min(self.max_seconds, self.base_seconds * 2 ** min(failures - 1, 32))
        pick = (rng or random).uniform(0.0, ceiling / 2)
        return timedelta(seconds=ceiling / 2 + pick)
