"""What the clinic server refused, kept so IT can see what a kiosk (or a stranger) attempted.

A refused request or record leaves one row: who sent it (the device whose signature verified,
or "unknown"), when, the wire code, the record id when there is one and the reason; never any
payload bytes. The log cannot be used to fill the disk: each sender keeps only its last
`KEEP_PER_SENDER` rows, one request adds at most `MAX_ROWS_PER_REQUEST`, and each sender may
write at most `BURST` times at once, then once a second (`RefusalBudget`); what is held back is
counted and said in the next row.
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass

from sync.wire import RecordRejection

# Why: IT needs the recent history; a flood must not grow the table without limit.
KEEP_PER_SENDER = 1000
MAX_ROWS_PER_REQUEST = 20
BURST = 60
REFILL_PER_SECOND = 1.0
MAX_REASON_CHARS = 400
# What a refusal by a sender that proved no identity is listed under.
UNKNOWN_SENDER = "unknown"
# The code of a row that stands for refusals not listed one by one.
NOT_LISTED = "not_listed"

_RECORD_CODES = frozenset(code.value for code in RecordRejection)


@dataclass(frozen=True)
class RefusalNote:
    """One refusal to remember: the wire code, the reason given, the record when there is one."""

    code: str
    reason: str
    record_id: str | None = None


@dataclass(frozen=True)
class RefusedAttempt:
    """A remembered refusal; `device_id` None when the sender proved no identity."""

    device_id: str | None
    at: float
    code: str
    reason: str
    record_id: str | None

    @property
    def sender(self) -> str:
        return self.device_id if self.device_id is not None else UNKNOWN_SENDER

    @property
    def summary(self) -> str:
        """What IT reads in one phrase: a whole request refused or one record rejected."""
        if self.code == NOT_LISTED:
            return "refusals not listed one by one"
        if self.code in _RECORD_CODES:
            return f"record rejected: {self.code}"
        return f"request refused: {self.code}"


@dataclass(frozen=True)
class RefusalTally:
    """How many refusals a sender has in the log (at most KEEP_PER_SENDER) and the latest."""

    count: int
    last: RefusedAttempt


def inert_text(text: str, limit: int = MAX_REASON_CHARS) -> str:
    """The text with control, format (bidi), line-breaking and unassigned characters shown as
    "?", capped: safe to print on IT's terminal."""
    shown = "".join("?" if unicodedata.category(ch)[0] in "CZ" and ch != " " else ch for ch in text)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


class RefusalBudget:
    """A token bucket per sender: how often its refusals may be written, in this process."""

    def __init__(self, burst: int = BURST, per_second: float = REFILL_PER_SECOND) -> None:
        self._burst, self._per_second = float(burst), per_second
        self._tokens: dict[str | None, tuple[float, float]] = {}  # sender -> (tokens, as of)
        self._held_back: dict[str | None, int] = {}
        self._lock = threading.Lock()

    def take(self, sender: str | None, now: float) -> int | None:
        """None when this refusal must not be written; otherwise how many were held back
        before it. Senders are enrolled devices or None, so the dictionaries stay small."""
        with self._lock:
            tokens, since = self._tokens.get(sender, (self._burst, now))
            # Why: a clock stepped backwards must not drain or overfill the bucket.
            tokens = min(self._burst, tokens + max(0.0, now - since) * self._per_second)
            if tokens < 1.0:
                self._tokens[sender] = (tokens, now)
                self._held_back[sender] = self._held_back.get(sender, 0) + 1
                return None
            self._tokens[sender] = (tokens - 1.0, now)
            return self._held_back.pop(sender, 0)
