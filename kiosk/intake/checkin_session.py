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
from typing import Any

from kiosk.intake.checkin_steps import ANSWERED_STEPS
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

#: Each answered step's section type, and the field the session keeps it in.
_ANSWERED: dict[str, tuple[type, str]] = {
    step.name: (step.section, step.field) for step in ANSWERED_STEPS if step.section
}


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
        answered = _ANSWERED.get(step)
        if answered is None:
            raise TypeError(f"step {step}: not a section")
        expected, kept_in = answered
        if not isinstance(section, expected):
            raise TypeError(f"step {step}: not a {expected.__name__}")
        setattr(self, kept_in, section)

    def _answers(self) -> dict[str, Any]:
        """Each answered step's section so far (None where not done), by its field name."""
        return {step.field: getattr(self, step.field) for step in ANSWERED_STEPS}

    @classmethod
    def from_draft(cls, draft: Draft, record_id: str) -> CheckInSession:
        """Continue an interrupted check-in; its next draft supersedes the one resumed."""
        return cls(
            language=draft.language,
            started_at=draft.started_at,
            patient_id=draft.patient_id,
            last_draft_id=record_id,
            **{step.field: getattr(draft, step.field) for step in ANSWERED_STEPS},
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
            **self._answers(),
        )

    def checkin(self, consent: ConsentSignature, submitted_at: datetime) -> CheckIn:
        """The whole check-in, once every section is done."""
        answers = self._answers()
        for step in ANSWERED_STEPS:
            if answers[step.field] is None:
                raise IncompleteCheckIn(step.name)
        return CheckIn(
            patient_id=self.patient_id,
            language=self.language,
            started_at=self.started_at,
            submitted_at=submitted_at,
            consent=consent,
            **answers,
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
