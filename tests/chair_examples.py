"""Example chair logs for tests and benchmarks (the fictional patient of tests/examples.py; no
real PHI).

`ChairLog` writes entries the way the kiosk will: each at a time given in minutes from the log's
start, entered at that time unless said otherwise, with a stable record id.
`example_session()` is one whole infusion, from the exam to the signed discharge.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from kiosk.intake.chair.log import ChairEntry
from kiosk.intake.chair.records import (
    ChairLogRecord,
    ChairVitals,
    DischargeScore,
    DischargeSigned,
    Dissociation,
    DoseForm,
    EscortCheck,
    ExamFinding,
    ExamItemResult,
    InfusionOrder,
    InfusionStart,
    InfusionStop,
    InstructionsAcknowledged,
    OrientationCheck,
    PhysicalExam,
    PlannedDose,
    Rate,
    RateChange,
    RateUnit,
    ScoreItem,
    SideEffect,
    SideEffectAction,
    StopReason,
)
from kiosk.intake.chair.scores import SCORE_ITEMS
from kiosk.intake.config import ClinicConfig, ScoreKind, default_config
from kiosk.intake.records import Flag, Severity, StopOverride
from tests.examples import (
    EXAMPLE_CHECKIN_ID,
    EXAMPLE_SUBMITTED_AT,
    EXAMPLE_VITALS_ID,
    example_checklist,
    example_vitals,
)

#: When the example patient sits in the chair: after the example decision (40 min after check-in).
EXAMPLE_CHAIR_START = EXAMPLE_SUBMITTED_AT + timedelta(minutes=45)
_IDS = uuid.UUID("6f1c0b52-2d4e-4c8a-9b7e-0c1d2e3f4a5b")


@dataclass
class ChairLog:
    """A chair's log being written: `add` appends one entry and returns its record id."""

    checkin_id: str = EXAMPLE_CHECKIN_ID
    start: datetime = EXAMPLE_CHAIR_START
    nurse_id: str = "nurse-07"
    entries: list[ChairEntry] = field(default_factory=list)

    def at(self, minutes: float) -> datetime:
        """The moment `minutes` after the log's start."""
        return self.start + timedelta(minutes=minutes)

    def entry(
        self,
        record_type: type[ChairLogRecord],
        minutes: float,
        *,
        entered: float | None = None,
        supersedes: str | None = None,
        **fields: Any,
    ) -> ChairEntry:
        """An entry not yet in the log: it happened `minutes` after the start and was entered
        `entered` minutes after it (by default when it happened)."""
        record = record_type(
            checkin_id=self.checkin_id,
            nurse_id=self.nurse_id,
            happened_at=self.at(minutes),
            entered_at=self.at(minutes if entered is None else entered),
            **fields,
        )
        record_id = str(uuid.uuid5(_IDS, f"{self.checkin_id}/{len(self.entries)}/{minutes}"))
        return ChairEntry(record_id, supersedes, record)

    def add(
        self,
        record_type: type[ChairLogRecord],
        minutes: float,
        *,
        entered: float | None = None,
        supersedes: str | None = None,
        **fields: Any,
    ) -> str:
        """Append an entry (see `entry`) and return its record id."""
        new = self.entry(record_type, minutes, entered=entered, supersedes=supersedes, **fields)
        self.entries.append(new)
        return new.record_id

    def override(self, minutes: float, flag_code: str, answer: str, **fields: Any) -> str:
        """A clinician's override of a STOP flag of this chair (as the sign-off records it)."""
        flag = fields.pop("flag", None)
        override = StopOverride(
            checkin_id=self.checkin_id,
            flag=flag or Flag(flag_code, Severity.STOP, "", answer),
            clinician_name=fields.pop("clinician_name", "Dr. Rosa Álvarez"),
            reason=fields.pop("reason", "Ordered deliberately; patient tolerated it before."),
            nurse_id=self.nurse_id,
            recorded_at=self.at(minutes),
        )
        record_id = str(uuid.uuid5(_IDS, f"{self.checkin_id}/{len(self.entries)}/override"))
        self.entries.append(ChairEntry(record_id, None, override))
        return record_id


def exam_items(config: ClinicConfig, **findings: ExamFinding) -> tuple[ExamItemResult, ...]:
    """Every exam item of the clinic, normal unless named otherwise."""
    return tuple(
        ExamItemResult(
            item.id,
            findings.get(item.id, ExamFinding.NORMAL),
            "see note" if findings.get(item.id) is ExamFinding.ABNORMAL else "",
        )
        for item in config.chair.exam_items
    )


def score_items(kind: ScoreKind, **points: int) -> tuple[ScoreItem, ...]:
    """Every item of the score at 2 points unless named otherwise."""
    return tuple(ScoreItem(item_id, points.get(item_id, 2)) for item_id in SCORE_ITEMS[kind])


def vitals_fields(**readings: Any) -> dict[str, Any]:
    """Calm in-chair readings, any of them replaced."""
    calm: dict[str, Any] = {
        "systolic_mmhg": 128,
        "diastolic_mmhg": 80,
        "heart_rate_per_min": 76,
        "spo2_percent": 98,
        "respiratory_rate_per_min": 14,
        "moaa_s": 5,
        "dissociation": Dissociation.NONE,
    }
    return calm | readings


def order_fields(**overrides: Any) -> dict[str, Any]:
    """The example order: ketamine 1 mg/mL at 0.5 mg/kg/h for the example weight."""
    order: dict[str, Any] = {
        "clinician_name": "Dr. Rosa Álvarez",
        "drug": "Ketamine",
        "concentration_mg_per_ml": 1.0,
        "dose": PlannedDose(DoseForm.MG_PER_KG_PER_HOUR, 0.5, None),
        "weight_kg": example_vitals().weight_kg,
        "vitals_id": EXAMPLE_VITALS_ID,
    }
    return order | overrides


def example_session(log: ChairLog | None = None, config: ClinicConfig | None = None) -> ChairLog:
    """One whole infusion: exam, order, start, a rate up and down, nausea treated, the stop at
    45 minutes, recovery, and the discharge signed 34 minutes after the stop."""
    log = log or ChairLog()
    config = config or default_config()
    log.add(PhysicalExam, -5, items=exam_items(config))
    log.add(InfusionOrder, -3, **order_fields())
    log.add(ChairVitals, -1, **vitals_fields())
    log.add(InfusionStart, 0)
    log.add(ChairVitals, 15, **vitals_fields(systolic_mmhg=138, moaa_s=4))
    log.add(RateChange, 20, rate=Rate(0.6, RateUnit.MG_PER_KG_PER_HOUR), reason="Tolerating well")
    log.add(
        SideEffect,
        25,
        effect_id="nausea",
        detail="",
        action=SideEffectAction.DRUG_GIVEN,
        action_detail="ondansetron 4 mg IV",
        action_at=log.at(27),
    )
    log.add(RateChange, 27, rate=Rate(0.5, RateUnit.MG_PER_KG_PER_HOUR), reason="Nausea")
    log.add(ChairVitals, 30, **vitals_fields(systolic_mmhg=142, dissociation=Dissociation.MILD))
    log.add(ChairVitals, 44, **vitals_fields(systolic_mmhg=136))
    log.add(InfusionStop, 45, reason=StopReason.COMPLETED, detail="")
    log.add(ChairVitals, 60, **vitals_fields())
    log.add(ChairVitals, 75, **vitals_fields(systolic_mmhg=124))
    kind = config.chair.discharge_score
    threshold = config.chair.discharge_score_at_least
    log.add(DischargeScore, 76, instrument=kind, items=score_items(kind), threshold=threshold)
    log.add(OrientationCheck, 76, at_baseline=True, detail="")
    log.add(
        EscortCheck,
        77,
        escort_name="Sam Example",
        present=True,
        driver_named_at_checkin=example_checklist().driver_name,
        mismatch_confirmed=False,
    )
    log.add(
        InstructionsAcknowledged,
        77,
        language="en",
        text_sha256=config.chair.instructions_sha256("en"),
    )
    log.add(DischargeSigned, 79)
    return log


def started_log(**order: Any) -> ChairLog:
    """A chair whose infusion started at minute 0 (the order 3 minutes before), vitals at the
    start."""
    log = ChairLog()
    log.add(InfusionOrder, -3, **order_fields(**order))
    log.add(ChairVitals, 0, **vitals_fields())
    log.add(InfusionStart, 0)
    return log
