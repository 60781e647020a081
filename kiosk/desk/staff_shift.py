"""A staff member's signed-in time at the kiosk: the unlocked session and its idle clock.

The staff screens share one `StaffShift`; they count activity on it, and end it on Lock or when
it has been idle too long (kiosk/screens/staff_screen.py): ending it drops the staff key.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from kiosk.desk.chair_desk import ChairDesk
from kiosk.desk.facade import Kiosk
from kiosk.desk.staff_session import StaffSession


class ShiftEnded(Exception):
    """The staff session was locked; nothing more can be read or signed with it."""


class StaffShift:
    """The one unlocked staff session, with the clock that locks it when nobody touches it."""

    def __init__(
        self,
        kiosk: Kiosk,
        session: StaffSession,
        idle_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.kiosk = kiosk
        self.staff_id = session.staff_id
        self.role = session.role
        self.idle_seconds = idle_seconds
        self._session: StaffSession | None = session
        self._chairs: ChairDesk | None = None
        self._clock = clock
        self._last_activity = clock()

    @property
    def session(self) -> StaffSession:
        """The live session; raises ShiftEnded once the shift is over."""
        if self._session is None:
            raise ShiftEnded(f"the shift of {self.staff_id} has ended")
        return self._session

    @property
    def chairs(self) -> ChairDesk:
        """The infusion chairs as this nurse works them (their opened logs kept for the shift);
        raises ShiftEnded once the shift is over."""
        if self._chairs is None:
            self._chairs = ChairDesk(self.session)
        return self._chairs

    @property
    def active(self) -> bool:
        return self._session is not None

    def touch(self) -> None:
        """Someone used the kiosk: restart the idle clock."""
        self._last_activity = self._clock()

    def seconds_left(self) -> float:
        """Seconds until the idle lock, never below zero."""
        return max(0.0, self.idle_seconds - (self._clock() - self._last_activity))

    def end(self) -> None:
        """Drop the staff key: the session forgets it and this shift forgets the session."""
        if self._chairs is not None:
            self._chairs.forget()
            self._chairs = None
        if self._session is not None:
            self._session.lock()
            self._session = None
