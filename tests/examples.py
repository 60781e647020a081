"""Realistic example records for tests, benches and demos (fictional patient, no real PHI).

`example_checkin()` raises no flag under the default configuration; pass overrides to change
one section (`example_checkin(phq9=Phq9((0,) * 8 + (2,)))`) and see what the rules make of it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from kiosk.intake.config import default_config
from kiosk.intake.questions import HISTORY_TOPICS
from kiosk.intake.records import (
    Allergy,
    Answer,
    CheckIn,
    ConsentDeclined,
    ConsentSignature,
    DecisionOutcome,
    Draft,
    Flag,
    HealthHistory,
    HistoryAnswer,
    Identity,
    Medication,
    MedicationList,
    Midas,
    MigraineHistory,
    NurseDecision,
    Phq9,
    PregnancyAnswer,
    PregnancyTest,
    Severity,
    StopOverride,
    TodayChecklist,
    Vitals,
)

#: When the example check-in was submitted (a weekday morning in the default clinic zone).
EXAMPLE_SUBMITTED_AT = datetime(2025, 3, 14, 14, 30, tzinfo=UTC)
EXAMPLE_PATIENT_ID = "p-0f1e2d3c-example"
EXAMPLE_CHECKIN_ID = "r-5a6b7c8d-example"
EXAMPLE_VITALS_ID = "r-9e8d7c6b-example"
EXAMPLE_OVERRIDE_ID = "r-3c2b1a09-example"
EXAMPLE_LEGAL_NAME = "Dana María Example-Patient"


def example_identity(**overrides: Any) -> Identity:
    """A fictional patient's identity."""
    identity = Identity(
        legal_name=EXAMPLE_LEGAL_NAME,
        preferred_name="Dana",
        date_of_birth=date(1984, 7, 2),
        phone="+1 (555) 010-2030",
        emergency_contact_name="Sam Example",
        emergency_contact_phone="555-010-4050",
    )
    return replace(identity, **overrides)


def example_medications(**overrides: Any) -> MedicationList:
    """Medicines that raise no flag: an NSAID as needed and a gepant; a non-ketamine allergy."""
    medications = MedicationList(
        no_medications=False,
        medications=(
            Medication("ibuprofen", "400 mg", "as needed", as_needed=True),
            Medication("Nurtec ODT", "75 mg", "as needed", as_needed=True),
        ),
        no_allergies=False,
        allergies=(Allergy("penicillin", "rash"),),
    )
    return replace(medications, **overrides)


def example_history(**answers: Answer) -> HealthHistory:
    """Every health history topic answered "no", except those given (topic=Answer.YES)."""
    return HealthHistory(
        tuple(HistoryAnswer(topic, answers.get(topic, Answer.NO)) for topic in HISTORY_TOPICS)
    )


def example_migraine(**overrides: Any) -> MigraineHistory:
    """Chronic migraine with moderate disability (MIDAS 18, grade III)."""
    migraine = MigraineHistory(
        headache_days_per_month=18,
        migraine_days_per_month=12,
        typical_pain=7,
        aura=Answer.NO,
        preventives_tried="topiramate, propranolol, Botox",
        earlier_ketamine=Answer.NO,
        earlier_ketamine_outcome="",
        midas=Midas(items=(3, 4, 5, 4, 2), headache_days_3_months=54, average_pain=7),
    )
    return replace(migraine, **overrides)


def example_checklist(**overrides: Any) -> TodayChecklist:
    """Fasted 6 h from food and 3 h from clear liquid, driver arranged, feeling well."""
    checklist = TodayChecklist(
        last_food_at=EXAMPLE_SUBMITTED_AT - timedelta(hours=6),
        last_clear_liquid_at=EXAMPLE_SUBMITTED_AT - timedelta(hours=3),
        has_driver=True,
        driver_name="Sam Example",
        driver_phone="555-010-4050",
        took_regular_medications=Answer.YES,
        alcohol_or_drugs_24h=Answer.NO,
        feeling_unwell=Answer.NO,
        may_be_pregnant=PregnancyAnswer.NO,
    )
    return replace(checklist, **overrides)


def example_consent(**overrides: Any) -> ConsentSignature:
    """An accepted consent to the default document, every acknowledgement ticked."""
    document = default_config().consent
    consent = ConsentSignature(
        document_id=document.document_id,
        version=document.version,
        language="en",
        text_sha256=document.text_sha256("en"),
        acknowledgements=tuple(ack.id for ack in document.acknowledgements),
        typed_name=EXAMPLE_LEGAL_NAME,
        signed_at=EXAMPLE_SUBMITTED_AT - timedelta(minutes=1),
        accepted=True,
    )
    return replace(consent, **overrides)


def example_checkin(**overrides: Any) -> CheckIn:
    """A complete, valid check-in that raises no flag; any field can be overridden."""
    checkin = CheckIn(
        patient_id=EXAMPLE_PATIENT_ID,
        language="en",
        started_at=EXAMPLE_SUBMITTED_AT - timedelta(minutes=12),
        submitted_at=EXAMPLE_SUBMITTED_AT,
        identity=example_identity(),
        medications=example_medications(),
        history=example_history(),
        migraine=example_migraine(),
        phq9=Phq9((1, 1, 2, 1, 0, 0, 1, 0, 0)),
        checklist=example_checklist(),
        consent=example_consent(),
    )
    return replace(checkin, **overrides)


def example_draft(**overrides: Any) -> Draft:
    """A check-in abandoned at the migraine history step."""
    checkin = example_checkin()
    draft = Draft(
        patient_id=checkin.patient_id,
        language=checkin.language,
        started_at=checkin.started_at,
        step="migraine",
        identity=checkin.identity,
        medications=checkin.medications,
        history=checkin.history,
    )
    return replace(draft, **overrides)


def example_vitals(**overrides: Any) -> Vitals:
    """Pre-infusion vitals inside every hold threshold."""
    vitals = Vitals(
        checkin_id=EXAMPLE_CHECKIN_ID,
        nurse_id="nurse-07",
        taken_at=EXAMPLE_SUBMITTED_AT + timedelta(minutes=20),
        systolic_mmhg=128,
        diastolic_mmhg=82,
        heart_rate_per_min=74,
        spo2_percent=98,
        temperature_c=36.8,
        respiratory_rate_per_min=14,
        weight_kg=68.5,
        pain_now=5,
        pregnancy_test=PregnancyTest.NEGATIVE,
    )
    return replace(vitals, **overrides)


def example_consent_declined(**overrides: Any) -> ConsentDeclined:
    """A patient who declined the default consent."""
    document = default_config().consent
    declined = ConsentDeclined(
        patient_id=EXAMPLE_PATIENT_ID,
        document_id=document.document_id,
        version=document.version,
        language="es",
        declined_at=EXAMPLE_SUBMITTED_AT,
    )
    return replace(declined, **overrides)


#: The STOP flag the example override clears (the vitals of a patient with a systolic of 184).
EXAMPLE_STOP_FLAG = Flag(
    code="vitals.systolic",
    severity=Severity.STOP,
    reason="Systolic BP 184 mmHg is >= 180 (clinic hold threshold).",
    answer="184 mmHg",
)


def example_stop_override(**overrides: Any) -> StopOverride:
    """A named clinician clearing the example STOP flag, recorded by the nurse."""
    override = StopOverride(
        checkin_id=EXAMPLE_CHECKIN_ID,
        flag=EXAMPLE_STOP_FLAG,
        clinician_name="Dr. Rosa Álvarez",
        reason="Repeat reading 168/96 after 10 minutes seated; known white-coat hypertension.",
        nurse_id="nurse-07",
        recorded_at=EXAMPLE_SUBMITTED_AT + timedelta(minutes=35),
    )
    return replace(override, **overrides)


def example_decision(**overrides: Any) -> NurseDecision:
    """The nurse clearing the example check-in once its STOP flag has the override above."""
    decision = NurseDecision(
        checkin_id=EXAMPLE_CHECKIN_ID,
        vitals_id=EXAMPLE_VITALS_ID,
        nurse_id="nurse-07",
        decided_at=EXAMPLE_SUBMITTED_AT + timedelta(minutes=40),
        outcome=DecisionOutcome.CLEARED,
        reason="",
        flags=(EXAMPLE_STOP_FLAG,),
        overrides=(EXAMPLE_OVERRIDE_ID,),
    )
    return replace(decision, **overrides)
