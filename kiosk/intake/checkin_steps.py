"""The patient's check-in steps, in order, each with the record section it fills: written once.

The App walks them in this order, the review shows their sections in it, the session keeps each
answered section under its step and builds the draft and the check-in from them, and the kiosk
builds one step screen per step. A step's name is also the `step` a draft stores.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.intake.records import (
    ConsentSignature,
    HealthHistory,
    Identity,
    MedicationList,
    MigraineHistory,
    Phq9,
    TodayChecklist,
)


@dataclass(frozen=True)
class CheckInStep:
    """One step: its name, and the section it fills with the field the check-in keeps it in."""

    name: str
    section: type | None = None
    field: str = ""


#: The patient's steps in order (consent is signed, not answered; review fills nothing).
CHECKIN_STEPS: tuple[CheckInStep, ...] = (
    CheckInStep("identity", Identity, "identity"),
    CheckInStep("medications", MedicationList, "medications"),
    CheckInStep("history", HealthHistory, "history"),
    CheckInStep("migraine", MigraineHistory, "migraine"),
    CheckInStep("mood", Phq9, "phq9"),
    CheckInStep("checklist", TodayChecklist, "checklist"),
    CheckInStep("consent", ConsentSignature, "consent"),
    CheckInStep("review"),
)
#: The step names in order; each is also the `step` stored in a draft.
STEPS: tuple[str, ...] = tuple(step.name for step in CHECKIN_STEPS)
#: The steps whose sections the review shows, each with an "Edit" back to it.
REVIEWED_STEPS: tuple[CheckInStep, ...] = tuple(s for s in CHECKIN_STEPS if s.section)
#: The steps the patient answers (every reviewed one but the signed consent): a draft keeps them.
ANSWERED_STEPS: tuple[CheckInStep, ...] = tuple(
    s for s in REVIEWED_STEPS if s.section is not ConsentSignature
)
