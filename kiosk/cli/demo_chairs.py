"""`make demo`'s two patients in chairs, so the chair board has something to show after F12.

Two fictional patients (no real PHI) checked in, their vitals signed and cleared by the demo
nurse, then seated: Ken, whose infusion runs (started 22 minutes ago, the rate raised once), and
Rosa, who reads Spanish, in recovery (stopped 32 minutes ago, her vitals 5 minutes overdue).
Every entry goes through the chair's desk as a nurse's would, timed from the moment the demo
starts; they are seeded only while no patient is in a chair, so each day's demo shows both.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from kiosk.desk.chair_desk import ChairDesk
from kiosk.desk.data_folder import DEMO_STAFF
from kiosk.desk.facade import Kiosk
from kiosk.desk.staff_session import StaffSession
from kiosk.intake.chair.records import (
    ChairLogRecord,
    ChairVitals,
    Dissociation,
    DoseForm,
    ExamFinding,
    ExamItemResult,
    InfusionOrder,
    InfusionStart,
    InfusionStop,
    PhysicalExam,
    PlannedDose,
    Rate,
    RateChange,
    RateUnit,
    StopReason,
)
from kiosk.intake.questions import HISTORY_TOPICS
from kiosk.intake.records import (
    Answer,
    CheckIn,
    ConsentSignature,
    DecisionOutcome,
    HealthHistory,
    HistoryAnswer,
    Identity,
    MedicationList,
    Midas,
    MigraineHistory,
    NurseDecision,
    Phq9,
    PregnancyAnswer,
    PregnancyTest,
    TodayChecklist,
    Vitals,
)

#: The demo nurse (kiosk/desk/data_folder.py), who seats both patients.
NURSE_ID, _, _, NURSE_PIN = next(member for member in DEMO_STAFF if member[2] == "nurse")
#: The two patients: name, language, the driver they name, their weight in kg.
RUNNING, RECOVERY = ("Ken Demo", "en", "Amy Demo", 88.0), ("Rosa Demo", "es", "Luis Demo", 64.5)


def _checkin(kiosk: Kiosk, patient: tuple[str, str, str, float], now: datetime) -> CheckIn:
    """A fictional patient's check-in that raises no flag."""
    name, language, driver, _ = patient
    document = kiosk.config.consent
    return CheckIn(
        patient_id=f"p-demo-{name.split()[0].lower()}",
        language=language,
        started_at=now - timedelta(minutes=75),
        submitted_at=now - timedelta(minutes=60),
        identity=Identity(
            name, name.split()[0], date(1981, 5, 17), "555-010-1000", driver, "555-010-2000"
        ),
        medications=MedicationList(
            no_medications=True, medications=(), no_allergies=True, allergies=()
        ),
        history=HealthHistory(tuple(HistoryAnswer(topic, Answer.NO) for topic in HISTORY_TOPICS)),
        migraine=MigraineHistory(
            headache_days_per_month=16,
            migraine_days_per_month=10,
            typical_pain=7,
            aura=Answer.NO,
            preventives_tried="topiramate, propranolol",
            earlier_ketamine=Answer.NO,
            earlier_ketamine_outcome="",
            midas=Midas(items=(3, 4, 4, 3, 2), headache_days_3_months=48, average_pain=7),
        ),
        phq9=Phq9((1, 1, 1, 1, 0, 0, 1, 0, 0)),
        checklist=TodayChecklist(
            last_food_at=now - timedelta(hours=8),
            last_clear_liquid_at=now - timedelta(hours=4),
            has_driver=True,
            driver_name=driver,
            driver_phone="555-010-2000",
            took_regular_medications=Answer.YES,
            alcohol_or_drugs_24h=Answer.NO,
            feeling_unwell=Answer.NO,
            may_be_pregnant=PregnancyAnswer.NO,
        ),
        consent=ConsentSignature(
            document_id=document.document_id,
            version=document.version,
            language=language,
            text_sha256=document.text_sha256(language),
            acknowledgements=tuple(ack.id for ack in document.acknowledgements),
            typed_name=name,
            signed_at=now - timedelta(minutes=61),
            accepted=True,
        ),
    )


def _cleared(
    kiosk: Kiosk, session: StaffSession, patient: tuple[str, str, str, float], now: datetime
) -> tuple[str, str]:
    """Check the patient in, sign calm vitals and clear them; the check-in and vitals ids."""
    checkin_id = kiosk.patient_desk().submit_checkin(_checkin(kiosk, patient, now)).record_id
    vitals = Vitals(
        checkin_id=checkin_id,
        nurse_id=NURSE_ID,
        taken_at=now - timedelta(minutes=50),
        systolic_mmhg=126,
        diastolic_mmhg=80,
        heart_rate_per_min=72,
        spo2_percent=98,
        temperature_c=36.7,
        respiratory_rate_per_min=14,
        weight_kg=patient[3],
        pain_now=6,
        pregnancy_test=PregnancyTest.NOT_APPLICABLE,
    )
    vitals_id, _ = session.record_vitals(vitals)
    session.record_decision(
        NurseDecision(
            checkin_id=checkin_id,
            vitals_id=vitals_id,
            nurse_id=NURSE_ID,
            decided_at=now - timedelta(minutes=48),
            outcome=DecisionOutcome.CLEARED,
            reason="",
            flags=(),
            overrides=(),
        )
    )
    return checkin_id, vitals_id


class _Seat:
    """One patient's entries, each at minutes before `now`, written through the desk."""

    def __init__(self, kiosk: Kiosk, desk: ChairDesk, checkin_id: str, now: datetime) -> None:
        self.kiosk, self.desk, self.checkin_id, self.now = kiosk, desk, checkin_id, now

    def add(self, record_type: type[ChairLogRecord], minutes_ago: int, **fields: Any) -> None:
        at = self.now - timedelta(minutes=minutes_ago)
        record = record_type(
            checkin_id=self.checkin_id, nurse_id=NURSE_ID, happened_at=at, entered_at=at, **fields
        )
        self.desk.write(record, self.now)

    def vitals(self, minutes_ago: int, systolic: int = 128, moaa_s: int = 5) -> None:
        self.add(
            ChairVitals,
            minutes_ago,
            systolic_mmhg=systolic,
            diastolic_mmhg=80,
            heart_rate_per_min=76,
            spo2_percent=98,
            respiratory_rate_per_min=14,
            moaa_s=moaa_s,
            dissociation=Dissociation.NONE if moaa_s == 5 else Dissociation.MILD,
        )

    def started(self, minutes_ago: int, vitals_id: str, weight_kg: float) -> None:
        exam = tuple(
            ExamItemResult(item.id, ExamFinding.NORMAL, "")
            for item in self.kiosk.config.chair.exam_items
        )
        self.add(PhysicalExam, minutes_ago + 3, items=exam)
        self.add(
            InfusionOrder,
            minutes_ago + 2,
            clinician_name="Dr Ana Rivera",
            drug=self.kiosk.config.chair.drugs[0].name,
            concentration_mg_per_ml=1.0,
            dose=PlannedDose(DoseForm.MG_PER_KG_PER_HOUR, 0.5, None),
            weight_kg=weight_kg,
            vitals_id=vitals_id,
        )
        self.vitals(minutes_ago + 1)
        self.add(InfusionStart, minutes_ago)


def seed_demo_chairs(kiosk: Kiosk, now: datetime | None = None) -> bool:
    """Seat the demo's two patients unless a patient is in a chair already; whether it did."""
    now = now or datetime.now(UTC)
    session = kiosk.unlock(NURSE_ID, NURSE_PIN)
    try:
        desk = ChairDesk(session)
        if desk.board(now):
            return False
        ken_id, ken_vitals = _cleared(kiosk, session, RUNNING, now)
        ken = _Seat(kiosk, desk, ken_id, now)
        ken.started(22, ken_vitals, RUNNING[3])
        ken.add(
            RateChange, 10, rate=Rate(0.6, RateUnit.MG_PER_KG_PER_HOUR), reason="Tolerating well"
        )
        ken.vitals(8, systolic=138, moaa_s=4)
        rosa_id, rosa_vitals = _cleared(kiosk, session, RECOVERY, now)
        rosa = _Seat(kiosk, desk, rosa_id, now)
        rosa.started(77, rosa_vitals, RECOVERY[3])
        for minutes_ago in (62, 47, 33):
            rosa.vitals(minutes_ago)
        rosa.add(InfusionStop, 32, reason=StopReason.COMPLETED, detail="")
        rosa.vitals(20)
        return True
    finally:
        session.lock()
