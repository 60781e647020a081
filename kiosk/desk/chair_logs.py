"""The chairs' logs read back for the nurse, each record opened once.

The board refreshes every second; opening a sealed record costs far more than folding it
(docs/chair.md, "Figures"), and the log is append-only, so `ChairLogs` keeps every entry it has
opened and on each refresh opens only the records stored since. It lives in the nurse's shift
(kiosk/desk/staff_shift.py) and is dropped with the staff key when the shift ends. Beside the
entries it keeps what the chair needs of each check-in: the patient's name, language and the
driver named at check-in (for the escort check).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk.desk.errors import KioskError
from kiosk.desk.staff_session import StaffSession
from kiosk.intake.chair.log import ChairEntry
from kiosk.intake.chair.records import CHAIR_RECORD_KINDS
from kiosk.intake.records import CheckIn, RecordKind, StopOverride, Vitals
from kiosk.store import StoreError

#: The records a chair's log is made of: its own kinds and the clinicians' overrides.
CHAIR_KINDS = frozenset([*CHAIR_RECORD_KINDS.values(), RecordKind.STOP_OVERRIDE.value])
#: How far back the chairs are read: a session lasts hours, so a chair with nothing for a day is
#: no longer in the room (its records stay, synced to the clinic).
CHAIR_LOOK_BACK = timedelta(hours=24)


@dataclass(frozen=True)
class ChairPatient:
    """What the chair needs of the check-in: who sits there, in which language they read, the
    driver they named (for the escort check) and the vitals signed at sign-off (for the order's
    weight), if any."""

    checkin_id: str
    name: str
    language: str
    driver_name: str
    vitals: tuple[str, Vitals] | None


class ChairLogs:
    """Every chair's entries of the last day, opened once each, grouped by check-in."""

    def __init__(self, session: StaffSession) -> None:
        self._session = session
        self._seen: set[str] = set()
        #: The store's mark after the last refresh: only records stored since are listed.
        self._stored_mark = 0
        self._logs: dict[str, list[ChairEntry]] = {}
        self._patients: dict[str, ChairPatient] = {}

    def refresh(self, now: datetime) -> None:
        """Open the chair records stored since the last refresh (none: nothing is opened)."""
        try:
            stored, self._stored_mark = self._session.kiosk.store.record_ids(
                CHAIR_KINDS, now - CHAIR_LOOK_BACK, after=self._stored_mark
            )
        except StoreError as error:
            raise KioskError(f"the chairs cannot be read: {error}") from None
        new = [record_id for record_id in stored if record_id not in self._seen]
        if not new:
            return
        # Why every id counts as seen: one that does not open is IT's, not retried each second.
        self._seen.update(new)
        for entry in self._session.open_chair_entries(new):
            self.add(entry)

    def add(self, entry: ChairEntry) -> None:
        """Keep an entry just written (so it is not opened again)."""
        self._seen.add(entry.record_id)
        self._logs.setdefault(entry.record.checkin_id, []).append(entry)

    def occupied(self) -> dict[str, list[ChairEntry]]:
        """The logs of every chair with an entry of its own (a sign-off's overrides alone do not
        put a patient in a chair)."""
        return {
            checkin_id: entries
            for checkin_id, entries in self._logs.items()
            if any(not isinstance(entry.record, StopOverride) for entry in entries)
        }

    def log(self, checkin_id: str) -> list[ChairEntry]:
        """One chair's entries as entered (overrides included)."""
        return list(self._logs.get(checkin_id, ()))

    def latest_version(self, checkin_id: str, record_id: str) -> ChairEntry | None:
        """What stands for an entry now: the entry itself, its latest correction, or the
        withdrawal that ended it (None if the chair has no such entry)."""
        entries = self._logs.get(checkin_id, [])
        successor = {entry.supersedes: entry for entry in entries if entry.supersedes}
        latest = next((entry for entry in entries if entry.record_id == record_id), None)
        seen = {record_id}
        while latest is not None and (later := successor.get(latest.record_id)) is not None:
            if later.record_id in seen:  # Why: a damaged log must not loop the screen.
                break
            seen.add(later.record_id)
            latest = later
        return latest

    def patient(self, checkin_id: str, now: datetime) -> ChairPatient:
        """The check-in behind a chair, opened once (audited as every opening is)."""
        known = self._patients.get(checkin_id)
        if known is not None:
            return known
        record = self._session.open_record(checkin_id)
        if not isinstance(record, CheckIn):
            raise KioskError(f"record {checkin_id[:8]} is not a check-in: no chair for it")
        identity = record.identity
        checklist = record.checklist
        patient = ChairPatient(
            checkin_id=checkin_id,
            name=identity.preferred_name or identity.legal_name,
            language=record.language,
            driver_name=checklist.driver_name if checklist.has_driver else "",
            vitals=self._signed_vitals(checkin_id, now),
        )
        self._patients[checkin_id] = patient
        return patient

    def _signed_vitals(self, checkin_id: str, now: datetime) -> tuple[str, Vitals] | None:
        """The check-in's latest signed vitals, from today's list."""
        row = next(
            (s for s in self._session.todays_summaries(now) if s.record_id == checkin_id), None
        )
        if row is None or row.vitals_record_id is None:
            return None
        vitals = self._session.open_record(row.vitals_record_id)
        return (row.vitals_record_id, vitals) if isinstance(vitals, Vitals) else None

    def forget(self) -> None:
        """Drop every opened entry and patient (the shift ended)."""
        self._seen.clear()
        self._stored_mark = 0
        self._logs.clear()
        self._patients.clear()
