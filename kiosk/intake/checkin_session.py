"""One patient's check-in while it is being filled in: the finished sections, in memory only.

The session is the only place the patient's answers live between screens. It builds the
`Draft` sealed after every step and the `CheckIn` sealed at submit; the App drops it (and every
screen that showed it) when the check-in ends, is abandoned or times out.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from kiosk.intake.records import (
    CheckIn,
    ConsentDeclined,
    ConsentSignature,
    Draft,
    HealthHistory,
    Identity,
    MedicationList,
    MigraineHistory,
    Phq9,
    TodayChecklist,
)

#: The patient's steps in order; each name is also the `step` stored in a draft.
STEPS: tuple[str, ...] = (
    "identity",
    "medications",
    "history",
    "migraine",
    "mood",
    "checklist",
    "consent",
    "review",
)


class IncompleteCheckIn(Exception):
    """Submit was asked for before every section was done (names the first missing one)."""


@dataclass
class CheckInSession:
    """The sections done so far, the language, and the id of the latest sealed draft."""

    language: str
    started_at: datetime
    patient_id: str = field(default_factory=lambda: f"p-{uuid.uuid4()}")
    identity: Identity | None = None
    medications: MedicationList | None = None
    history: HealthHistory | None = None
    migraine: MigraineHistory | None = None
    phq9: Phq9 | None = None
    checklist: TodayChecklist | None = None
    consent: ConsentSignature | None = None
    #: The id of the last draft sealed, so the next one names it as superseded.
    last_draft_id: str | None = None
    #: How many drafts were asked for; a sealed draft older than the newest is skipped.
    draft_number: int = 0
    #: The number of the newest draft stored (under `seal_lock`, from the sealing thread).
    sealed_number: int = 0
    seal_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def keep(self, step: str, section: object) -> None:
        """Store a finished step's section under its name."""
        sections: dict[str, type] = {
            "identity": Identity,
            "medications": MedicationList,
            "history": HealthHistory,
            "migraine": MigraineHistory,
            "mood": Phq9,
            "checklist": TodayChecklist,
        }
        expected = sections.get(step)
        if expected is None or not isinstance(section, expected):
            raise TypeError(f"step {step}: not a {expected.__name__ if expected else 'section'}")
        attribute = "phq9" if step == "mood" else step
        setattr(self, attribute, section)

    @classmethod
    def from_draft(cls, draft: Draft, record_id: str) -> CheckInSession:
        """Continue an interrupted check-in; its next draft supersedes the one resumed."""
        return cls(
            language=draft.language,
            started_at=draft.started_at,
            patient_id=draft.patient_id,
            identity=draft.identity,
            medications=draft.medications,
            history=draft.history,
            migraine=draft.migraine,
            phq9=draft.phq9,
            checklist=draft.checklist,
            last_draft_id=record_id,
        )

    def signature_matches(self) -> bool:
        """False when a consent was signed and the legal name was changed since."""
        # Why imported here: the App imports this module before the welcome screen is drawn.
        from kiosk.intake.validation import Valid, validate_signature

        if self.consent is None or self.identity is None:
            return True
        return isinstance(
            validate_signature(self.consent.typed_name, self.identity.legal_name), Valid
        )

    def draft(self, step: str) -> Draft:
        """Whatever is done, and the step the patient is on now."""
        return Draft(
            patient_id=self.patient_id,
            language=self.language,
            started_at=self.started_at,
            step=step,
            identity=self.identity,
            medications=self.medications,
            history=self.history,
            migraine=self.migraine,
            phq9=self.phq9,
            checklist=self.checklist,
        )

    def checkin(self, consent: ConsentSignature, submitted_at: datetime) -> CheckIn:
        """The whole check-in, once every section is done."""
        if self.identity is None:
            raise IncompleteCheckIn("identity")
        if self.medications is None:
            raise IncompleteCheckIn("medications")
        if self.history is None:
            raise IncompleteCheckIn("history")
        if self.migraine is None:
            raise IncompleteCheckIn("migraine")
        if self.phq9 is None:
            raise IncompleteCheckIn("mood")
        if self.checklist is None:
            raise IncompleteCheckIn("checklist")
        return CheckIn(
            patient_id=self.patient_id,
            language=self.language,
            started_at=self.started_at,
            submitted_at=submitted_at,
            identity=self.identity,
            medications=self.medications,
            history=self.history,
            migraine=self.migraine,
            phq9=self.phq9,
            checklist=self.checklist,
            consent=consent,
        )

    def declined(self, document_id: str, version: str, declined_at: datetime) -> ConsentDeclined:
        """The record of a declined consent (no answers in it, only who and which document)."""
        return ConsentDeclined(
            patient_id=self.patient_id,
            document_id=document_id,
            version=version,
            language=self.language,
            declined_at=declined_at,
        )
