"""The records a check-in produces: frozen, typed, and plain enough to serialise canonically.

These are the contract between the screens, the rules engine, the vault and the clinic server.
Every time is timezone-aware UTC; the clinic's zone name travels beside it where "today" matters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class Answer(StrEnum):
    """A yes / no / not sure answer, as the patient gave it."""

    YES = "yes"
    NO = "no"
    NOT_SURE = "not_sure"


class PregnancyAnswer(StrEnum):
    """The answer to "are you pregnant, might you be, or breastfeeding?" (asked once, today)."""

    YES = "yes"
    NO = "no"
    NOT_SURE = "not_sure"
    NOT_APPLICABLE = "not_applicable"


class Severity(StrEnum):
    """How urgently a flag needs a clinician, most urgent first."""

    STOP = "STOP"
    CAUTION = "CAUTION"
    INFO = "INFO"

    @property
    def rank(self) -> int:
        """0 for STOP, 1 for CAUTION, 2 for INFO: sorts the most urgent first."""
        return {"STOP": 0, "CAUTION": 1, "INFO": 2}[self.value]


class RecordKind(StrEnum):
    """What a sealed record holds."""

    CHECKIN = "checkin"
    DRAFT = "draft"
    VITALS = "vitals"
    CONSENT_DECLINED = "consent_declined"
    NURSE_DECISION = "nurse_decision"
    STOP_OVERRIDE = "stop_override"


class PregnancyTest(StrEnum):
    NEGATIVE = "negative"
    POSITIVE = "positive"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class Identity:
    legal_name: str
    preferred_name: str
    date_of_birth: date
    phone: str
    emergency_contact_name: str
    emergency_contact_phone: str


@dataclass(frozen=True)
class Medication:
    #: What the patient typed (or the suggestion they picked), unchanged.
    name: str
    dose: str
    frequency: str
    as_needed: bool = False
    last_dose_at: datetime | None = None
    #: What the kiosk read the name as when it was added ("Rivotril (clonazepam)"); payload
    #: schema 2 (schema 1 payloads read back with none).
    read_as: tuple[str, ...] = ()


@dataclass(frozen=True)
class Allergy:
    substance: str
    reaction: str


@dataclass(frozen=True)
class MedicationList:
    no_medications: bool
    medications: tuple[Medication, ...]
    no_allergies: bool
    allergies: tuple[Allergy, ...]


@dataclass(frozen=True)
class HistoryAnswer:
    question_id: str
    answer: Answer
    detail: str = ""


@dataclass(frozen=True)
class HealthHistory:
    answers: tuple[HistoryAnswer, ...]


@dataclass(frozen=True)
class Midas:
    """MIDAS (Stewart and Lipton): five day counts over 3 months plus two extra items."""

    items: tuple[int, int, int, int, int]
    headache_days_3_months: int
    average_pain: int


@dataclass(frozen=True)
class MigraineHistory:
    headache_days_per_month: int
    migraine_days_per_month: int
    typical_pain: int
    aura: Answer
    preventives_tried: str
    earlier_ketamine: Answer
    earlier_ketamine_outcome: str
    midas: Midas


@dataclass(frozen=True)
class Phq9:
    """PHQ-9: nine items scored 0-3; item 9 is thoughts of self-harm."""

    items: tuple[int, int, int, int, int, int, int, int, int]


@dataclass(frozen=True)
class TodayChecklist:
    last_food_at: datetime
    last_clear_liquid_at: datetime
    has_driver: bool
    driver_name: str
    driver_phone: str
    took_regular_medications: Answer
    alcohol_or_drugs_24h: Answer
    feeling_unwell: Answer
    #: Pregnant, may be or breastfeeding (before schema 2: "any chance you may be pregnant?").
    may_be_pregnant: PregnancyAnswer


@dataclass(frozen=True)
class ConsentSignature:
    document_id: str
    version: str
    language: str
    text_sha256: str
    acknowledgements: tuple[str, ...]
    typed_name: str
    signed_at: datetime
    accepted: bool


@dataclass(frozen=True)
class CheckIn:
    """One complete check-in, as submitted at review."""

    patient_id: str
    language: str
    started_at: datetime
    submitted_at: datetime
    identity: Identity
    medications: MedicationList
    history: HealthHistory
    migraine: MigraineHistory
    phq9: Phq9
    checklist: TodayChecklist
    consent: ConsentSignature


@dataclass(frozen=True)
class Draft:
    """An interrupted check-in: whatever sections are done, and the step the patient was on."""

    patient_id: str
    language: str
    started_at: datetime
    step: str
    identity: Identity | None = None
    medications: MedicationList | None = None
    history: HealthHistory | None = None
    migraine: MigraineHistory | None = None
    phq9: Phq9 | None = None
    checklist: TodayChecklist | None = None


@dataclass(frozen=True)
class ConsentDeclined:
    """The patient declined consent: the check-in ends and this is recorded."""

    patient_id: str
    document_id: str
    version: str
    language: str
    declined_at: datetime


@dataclass(frozen=True)
class Vitals:
    """Pre-infusion vital signs, entered and signed by a nurse. Stored in SI units."""

    checkin_id: str
    nurse_id: str
    taken_at: datetime
    systolic_mmhg: int
    diastolic_mmhg: int
    heart_rate_per_min: int
    spo2_percent: int
    temperature_c: float
    respiratory_rate_per_min: int
    weight_kg: float
    pain_now: int
    pregnancy_test: PregnancyTest


@dataclass(frozen=True)
class Flag:
    """A screening result for the nurse: what, how urgent, why, and the answer that raised it."""

    code: str
    severity: Severity
    reason: str
    answer: str
    urgent: bool = False


class DecisionOutcome(StrEnum):
    """What the nurse decided before the infusion."""

    CLEARED = "cleared"
    HOLD = "hold"


@dataclass(frozen=True)
class StopOverride:
    """A named clinician clears one STOP flag of a check-in, with the reason; the signed-in
    nurse records it. Its own sealed record, so the chair and the export can name who cleared
    what and why."""

    checkin_id: str
    #: The STOP flag cleared, exactly as the nurse saw it (code, reason, the answer behind it).
    flag: Flag
    clinician_name: str
    reason: str
    nurse_id: str
    recorded_at: datetime


@dataclass(frozen=True)
class NurseDecision:
    """The nurse's pre-infusion decision for a check-in: cleared for the infusion, or hold with
    a reason. A later decision for the same check-in supersedes this one."""

    checkin_id: str
    #: The vitals record the decision was made on.
    vitals_id: str
    nurse_id: str
    decided_at: datetime
    outcome: DecisionOutcome
    #: Why the infusion is held (required for a hold; may be empty when cleared).
    reason: str
    #: Every open flag of the check-in and the vitals the nurse saw when deciding.
    flags: tuple[Flag, ...]
    #: The record ids of the StopOverride records that cleared this check-in's STOP flags.
    overrides: tuple[str, ...]


@dataclass(frozen=True)
class AuditEntry:
    """One link of the hash-chained audit log. Never holds PHI: ids, actions and states only."""

    seq: int
    at: datetime
    actor: str
    action: str
    record_id: str | None
    detail: str
    prev_hash: str
    hash: str = field(default="")
