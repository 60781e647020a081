"""The chair board: every patient in a chair, what is due first on top.

A chair's due time is the earlier of its next vitals and the moment its oldest open STOP was
raised (a STOP is due from the moment it is open). Chairs with something due come first, the
earliest (the most overdue) on top; then chairs with nothing due yet (an order not started),
by time in. A discharged chair leaves the board.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from kiosk.intake.chair.log import ChairEntry
from kiosk.intake.chair.state import ChairState, chair_state
from kiosk.intake.config import ClinicConfig
from kiosk.intake.records import Severity


def due_at(state: ChairState) -> datetime | None:
    """When the chair next needs the nurse: its next vitals, or an open STOP since it opened."""
    stops = [f.raised_at for f in state.open_flags if f.flag.severity is Severity.STOP]
    times = [t for t in (state.next_vitals_due, *stops) if t is not None]
    return min(times, default=None)


def board_order(states: Iterable[ChairState]) -> list[ChairState]:
    """The chairs still occupied, what is due first on top."""

    def key(state: ChairState) -> tuple[bool, datetime, datetime, str]:
        due = due_at(state)
        time_in = state.time_in or state.now
        return (due is None, due or time_in, time_in, state.checkin_id)

    return sorted((s for s in states if s.discharged_at is None), key=key)


def chair_board(
    logs: Mapping[str, Sequence[ChairEntry]], config: ClinicConfig, now: datetime
) -> list[ChairState]:
    """Fold every chair's log (check-in id -> its entries) at `now`, in the board's order."""
    return board_order(
        chair_state(checkin_id, entries, config, now) for checkin_id, entries in logs.items()
    )
