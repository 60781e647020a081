"""The nurse's work at the infusion chairs: every entry checked, sealed and signed; the board.

Each entry is checked against its chair's log first (`check_entry`: its content, its place in
time, the discharge criteria), then sealed to the clinic and staff keys, signed with the device
key and stored with its outbox row and audit entry in one durable commit, like the sign-off's
records (kiosk/desk/record_writing.py). Corrections name the entry they supersede; nothing is
overwritten. A clinician's override of a rate outside the clinic's range is the sign-off's own
`StopOverride` record. The chairs are read back through `ChairLogs`, which opens each record
once. Every `now` is the caller's, so a test or the demo can set the clock.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from kiosk.desk.chair_logs import ChairLogs, ChairPatient
from kiosk.desk.errors import KioskError
from kiosk.desk.record_writing import EncodedRecord, RecordWriter
from kiosk.desk.staff_session import StaffSession
from kiosk.intake.chair.board import chair_board
from kiosk.intake.chair.entry_checks import check_entry
from kiosk.intake.chair.log import ChairEntry
from kiosk.intake.chair.records import ChairLogRecord
from kiosk.intake.chair.state import ChairState, chair_state
from kiosk.intake.records import StopOverride
from kiosk.intake.validation import FieldProblem
from kiosk.locale import catalog, translate

#: The language the nurse reads refusals in (the staff screens' language).
NURSE_LANGUAGE = "en"
#: The language the instructions fall back to when the clinic has none in the patient's.
FALLBACK_LANGUAGE = "en"


class ChairEntryRefused(KioskError):
    """An entry `check_entry` refused: the problem, and its words for the nurse."""

    def __init__(self, problem: FieldProblem) -> None:
        words = translate(problem.code, NURSE_LANGUAGE, **problem.params)
        # Why the field's name: "Please fill in this field." alone does not say which one.
        label = catalog(NURSE_LANGUAGE).get(f"chair.field.{problem.field.split('.')[0]}")
        super().__init__(f"{label}: {words}" if label else words)
        self.problem = problem


@dataclass(frozen=True)
class DischargeInstructions:
    """The instructions as the patient reads them: the language and the exact text."""

    language: str
    text: str


@dataclass(frozen=True)
class BoardRow:
    """One occupied chair: its state now and who sits there."""

    state: ChairState
    patient: ChairPatient


class ChairDesk:
    """A nurse's session at the chairs: reads every chair's log, writes each entry."""

    def __init__(
        self, session: StaffSession, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        #: The wall clock the chairs are read and written at (a test or the demo may set it).
        self.clock = clock
        self._session = session
        self._kiosk = session.kiosk
        self._logs = ChairLogs(session)
        self._writer: RecordWriter | None = None

    # ---- reading ------------------------------------------------------------------------

    def board(self, now: datetime) -> list[BoardRow]:
        """Every occupied chair at `now`, what is due first on top (records stored since the
        last call are opened; the rest come from memory)."""
        self._logs.refresh(now)
        states = chair_board(self._logs.occupied(), self._kiosk.config, now)
        return [BoardRow(state, self._logs.patient(state.checkin_id, now)) for state in states]

    def chair(self, checkin_id: str, now: datetime) -> ChairState:
        """One chair at `now`."""
        self._logs.refresh(now)
        return chair_state(checkin_id, self._logs.log(checkin_id), self._kiosk.config, now)

    def log(self, checkin_id: str) -> list[ChairEntry]:
        """One chair's entries as entered (read by `chair` or `board` first)."""
        return self._logs.log(checkin_id)

    def latest_version(self, checkin_id: str, record_id: str) -> ChairEntry | None:
        """What stands for an entry of a chair now: itself, its latest correction, or the
        withdrawal that ended it (read by `chair` or `board` first)."""
        return self._logs.latest_version(checkin_id, record_id)

    def patient(self, checkin_id: str, now: datetime) -> ChairPatient:
        """Who sits in the chair, their language, the driver they named, their signed vitals."""
        return self._logs.patient(checkin_id, now)

    def instructions(self, checkin_id: str, now: datetime) -> DischargeInstructions:
        """The discharge instructions in the patient's language (English where the clinic has
        none in it)."""
        texts = self._kiosk.config.chair.discharge_instructions
        language = self.patient(checkin_id, now).language
        if language not in texts:
            language = FALLBACK_LANGUAGE
        return DischargeInstructions(language, texts[language])

    # ---- writing ------------------------------------------------------------------------

    def write(
        self, record: ChairLogRecord, now: datetime | None = None, supersedes: str | None = None
    ) -> str:
        """Check the entry against its chair's log, then seal, sign and store it durably (to
        the outbox and the audit chain); its record id. `ChairEntryRefused` names the problem."""
        now = now or self.clock()
        if not self._session.can_read_records:
            raise KioskError(f"{self._session.staff_id}: this session is locked")
        if record.nurse_id != self._session.staff_id:
            raise KioskError(
                f"chair entry: signed by {self._session.staff_id}, not {record.nurse_id}"
            )
        payload = EncodedRecord.of(record)
        self._logs.refresh(now)
        entry = ChairEntry(str(uuid.uuid4()), supersedes, record)
        problem = check_entry(entry, self._logs.log(record.checkin_id), self._kiosk.config, now)
        if problem is not None:
            raise ChairEntryRefused(problem)
        action = f"chair.{payload.kind}" + (".corrected" if supersedes else "")
        if self._writer is None:
            # Why kept: opening the clinic's key for each entry cost a third of a write.
            self._writer = RecordWriter(self._kiosk)
        record_id = self._writer.write(
            payload,
            None,
            supersedes,
            to_clinic=True,
            action=action,
            actor=self._session.staff_id,
            record_id=entry.record_id,
        )
        self._logs.add(entry)
        return record_id

    def record_override(self, override: StopOverride) -> str:
        """A named clinician's override of a chair's STOP (a rate outside the clinic's range),
        sealed as the sign-off seals one."""
        record_id = self._session.record_override(override)
        self._logs.add(ChairEntry(record_id, None, override))
        return record_id

    def forget(self) -> None:
        """Drop every opened entry (the shift ended)."""
        self._logs.forget()
