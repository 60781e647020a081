"""The infusion chair's records: every entry a nurse makes from the exam to the discharge.

Each is a frozen dataclass that the codec (kiosk/intake/codec.py) writes in canonical JSON and
the vault seals like every record. Every entry names the check-in it belongs to, the nurse who
entered it, when it happened and when it was entered: a past time is allowed and both are kept.
Entries are append-only. A correction is a new entry of the same kind whose envelope names the
entry it supersedes; `EnteredInError` withdraws an entry the same way. Nothing is overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from kiosk.intake.config import ScoreKind
from kiosk.intake.records import StopOverride


class RateUnit(StrEnum):
    """The unit a rate is given in: per kilogram of the recorded weight, in drug, or in volume."""

    MG_PER_KG_PER_HOUR = "mg/kg/h"
    MG_PER_HOUR = "mg/h"
    ML_PER_HOUR = "mL/h"


@dataclass(frozen=True)
class Rate:
    """A rate as the clinician or the pump gives it ("0.6 mg/kg/h", "40 mL/h")."""

    value: float
    unit: RateUnit


class DoseForm(StrEnum):
    """How the clinician wrote the planned dose."""

    #: A rate per kilogram per hour ("0.5 mg/kg/h").
    MG_PER_KG_PER_HOUR = "mg_per_kg_per_hour"
    #: A dose per kilogram over a time ("0.5 mg/kg over 40 min").
    MG_PER_KG_OVER_MINUTES = "mg_per_kg_over_minutes"
    #: A total dose over a time ("35 mg over 40 min").
    MG_OVER_MINUTES = "mg_over_minutes"


@dataclass(frozen=True)
class PlannedDose:
    """The planned dose as written: `amount` in mg/kg/h, mg/kg or mg (by `form`), and for the
    "over minutes" forms the minutes it runs over (None for a rate)."""

    form: DoseForm
    amount: float
    over_minutes: int | None


class ExamFinding(StrEnum):
    NORMAL = "normal"
    ABNORMAL = "abnormal"
    NOT_EXAMINED = "not_examined"


@dataclass(frozen=True)
class ExamItemResult:
    """One item of the physical exam (an id from the clinic's `[[chair.exam_items]]`)."""

    item_id: str
    finding: ExamFinding
    #: What was found (required for an abnormal finding).
    note: str


@dataclass(frozen=True)
class PhysicalExam:
    """The physical exam before the infusion, item by item."""

    checkin_id: str
    nurse_id: str
    happened_at: datetime
    entered_at: datetime
    items: tuple[ExamItemResult, ...]


@dataclass(frozen=True)
class InfusionOrder:
    """The clinician's order as given, with the weight its arithmetic uses. The product records
    it and shows it as mg/h and mL/h; it never proposes a dose."""

    checkin_id: str
    nurse_id: str
    happened_at: datetime
    entered_at: datetime
    #: Who gave the order.
    clinician_name: str
    #: A drug of the clinic's `[[chair.drugs]]` list, as named there.
    drug: str
    concentration_mg_per_ml: float
    dose: PlannedDose
    #: The recorded weight the order is worked out from, and the vitals record it comes from.
    weight_kg: float
    vitals_id: str


@dataclass(frozen=True)
class InfusionStart:
    """The pump started at the order's planned rate."""

    checkin_id: str
    nurse_id: str
    happened_at: datetime
    entered_at: datetime


@dataclass(frozen=True)
class RateChange:
    """The rate turned up or down (up or down is read from the rate before it), with why."""

    checkin_id: str
    nurse_id: str
    happened_at: datetime
    entered_at: datetime
    rate: Rate
    reason: str


@dataclass(frozen=True)
class InfusionPause:
    checkin_id: str
    nurse_id: str
    happened_at: datetime
    entered_at: datetime
    reason: str


@dataclass(frozen=True)
class InfusionResume:
    """The pump running again, at the rate it was paused at (or changed to while paused)."""

    checkin_id: str
    nurse_id: str
    happened_at: datetime
    entered_at: datetime


class StopReason(StrEnum):
    COMPLETED = "completed"
    PATIENT_ASKED = "patient_asked"
    SIDE_EFFECT = "side_effect"
    OTHER = "other"


@dataclass(frozen=True)
class InfusionStop:
    """The infusion's end; recovery starts here. `detail` is required unless completed."""

    checkin_id: str
    nurse_id: str
    happened_at: datetime
    entered_at: datetime
    reason: StopReason
    detail: str


class Dissociation(StrEnum):
    """Dissociation as the nurse rates it."""

    NONE = "none"
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


@dataclass(frozen=True)
class ChairVitals:
    """Vital signs in the chair, during the infusion or in recovery (which one follows from
    the stop's time). Field names are those of the pre-infusion `Vitals`, so the same hold
    thresholds apply by the same measures."""

    checkin_id: str
    nurse_id: str
    happened_at: datetime
    entered_at: datetime
    systolic_mmhg: int
    diastolic_mmhg: int
    heart_rate_per_min: int
    spo2_percent: int
    respiratory_rate_per_min: int
    #: Modified Observer's Assessment of Alertness/Sedation: 5 responds readily to the name
    #: spoken in a normal tone ... 0 no response to a trapezius squeeze.
    moaa_s: int
    dissociation: Dissociation


class SideEffectAction(StrEnum):
    """What was done about a side effect."""

    #: Watched; nothing done.
    NONE = "none"
    RATE_LOWERED = "rate_lowered"
    DRUG_GIVEN = "drug_given"
    OTHER = "other"


@dataclass(frozen=True)
class SideEffect:
    """A side effect (an id from the clinic's `[[chair.side_effects]]`) and the action taken.
    A lowered rate is also its own `RateChange` entry, so the pump's rate stays in one place."""

    checkin_id: str
    nurse_id: str
    #: When the side effect began.
    happened_at: datetime
    entered_at: datetime
    effect_id: str
    detail: str
    action: SideEffectAction
    #: The drug and dose given, or the action in words (required for those two actions).
    action_detail: str
    #: When the action was taken (None when nothing was done).
    action_at: datetime | None


@dataclass(frozen=True)
class ScoreItem:
    item_id: str
    points: int


@dataclass(frozen=True)
class DischargeScore:
    """A discharge score, item by item, with the threshold the clinic required when it was
    scored (its total must reach it)."""

    checkin_id: str
    nurse_id: str
    happened_at: datetime
    entered_at: datetime
    #: The score used (a payload's own "kind" is the record's kind, so not named so here).
    instrument: ScoreKind
    items: tuple[ScoreItem, ...]
    threshold: int


@dataclass(frozen=True)
class OrientationCheck:
    """Whether the patient's orientation is back to their own baseline."""

    checkin_id: str
    nurse_id: str
    happened_at: datetime
    entered_at: datetime
    at_baseline: bool
    detail: str


@dataclass(frozen=True)
class EscortCheck:
    """The person taking the patient home, checked against the driver named at check-in. A
    different person needs the nurse's confirmation (`mismatch_confirmed`)."""

    checkin_id: str
    nurse_id: str
    happened_at: datetime
    entered_at: datetime
    escort_name: str
    present: bool
    #: The driver's name as the patient gave it at check-in ("" when none was given).
    driver_named_at_checkin: str
    mismatch_confirmed: bool


@dataclass(frozen=True)
class InstructionsAcknowledged:
    """The patient acknowledged the discharge instructions, shown in `language`; the SHA-256
    of the exact text shown is kept, as for the consent."""

    checkin_id: str
    nurse_id: str
    happened_at: datetime
    entered_at: datetime
    language: str
    text_sha256: str


@dataclass(frozen=True)
class DischargeSigned:
    """The nurse's signature (with the PIN) on the discharge, once every criterion held."""

    checkin_id: str
    nurse_id: str
    happened_at: datetime
    entered_at: datetime


@dataclass(frozen=True)
class EnteredInError:
    """Withdraws the entry its envelope supersedes (wrong chair, wrong patient): the entry stays
    in the log, struck out, and counts for nothing."""

    checkin_id: str
    nurse_id: str
    happened_at: datetime
    entered_at: datetime
    reason: str


#: A record of the chair's own log.
ChairLogRecord = (
    PhysicalExam
    | InfusionOrder
    | InfusionStart
    | RateChange
    | InfusionPause
    | InfusionResume
    | InfusionStop
    | ChairVitals
    | SideEffect
    | DischargeScore
    | OrientationCheck
    | EscortCheck
    | InstructionsAcknowledged
    | DischargeSigned
    | EnteredInError
)
#: Every record type of the chair's log, with the kind the codec writes for it.
CHAIR_RECORD_KINDS: dict[type[ChairLogRecord], str] = {
    PhysicalExam: "physical_exam",
    InfusionOrder: "infusion_order",
    InfusionStart: "infusion_start",
    RateChange: "rate_change",
    InfusionPause: "infusion_pause",
    InfusionResume: "infusion_resume",
    InfusionStop: "infusion_stop",
    ChairVitals: "chair_vitals",
    SideEffect: "side_effect",
    DischargeScore: "discharge_score",
    OrientationCheck: "orientation_check",
    EscortCheck: "escort_check",
    InstructionsAcknowledged: "instructions_acknowledged",
    DischargeSigned: "discharge_signed",
    EnteredInError: "entered_in_error",
}
#: What the chair folds: its own entries and the clinicians' overrides of its STOP flags.
ChairRecord = ChairLogRecord | StopOverride
