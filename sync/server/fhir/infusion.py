"""The infusion: the clinician's order, the pump's course, and the side effects on the way.

- The order is a **MedicationRequest** (intent `order`): the clinician who gave it as its
  `requester`, the nurse who entered it as its `recorder`, the planned dose as written and its
  arithmetic in `dosageInstruction.text`, the planned rate in mg/h as its `rateQuantity`.
- The infusion is a **Procedure**: its period from the start to the stop, its status from the
  pump's (`preparation`, `in-progress`, `on-hold` while paused, `completed`, or `stopped` when
  stopped for any reason but completion, with that reason), the pauses, resumes and rate
  changes made while paused as notes, and the drug given in all.
- Each rate segment (the pump running at one rate, log.py) is a **MedicationAdministration**:
  the rate in mg/h as `dosage.rateQuantity` and, in `dosage.text`, in mg/kg/h and mL/h with the
  working; the segment's period; the nurse who set the rate as performer; the order as its
  `request`; a rate change's reason as its `reasonCode`.
- Each side effect is an **AdverseEvent** (R4 has no element for what was done about it): the
  segment running when it began (else the infusion) as its suspect; a drug given for it is a
  MedicationAdministration pointing at it (`supportingInformation`), a lowered rate or another
  action a Procedure part of the infusion, each at the action's time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.intake.chair.log import Direction, InfusionStatus, RateSegment
from kiosk.intake.chair.rates import RateArithmetic, exact, rate_text, shown
from kiosk.intake.chair.records import (
    DoseForm,
    InfusionOrder,
    InfusionPause,
    InfusionResume,
    InfusionStart,
    InfusionStop,
    PlannedDose,
    RateChange,
    SideEffect,
    SideEffectAction,
    StopReason,
)
from kiosk.intake.chair.state import rate_flag
from kiosk.intake.config import ClinicConfig
from kiosk.intake.records import Flag
from kiosk.locale import translate
from sync.server.fhir.bundle import (
    INTRAVENOUS,
    RECORD_SYSTEM,
    SIDE_EFFECT_SYSTEM,
    UCUM,
    RecordContext,
    VisitBundle,
    coding,
    concept,
    reference,
    when,
)
from sync.server.fhir.chair_log import ChairRecords
from sync.server.fhir.issues import add_clinician, flag_key

#: Makes a record's Provenance: (record id, first entry it added, when entered, nurse id).
Provenance = Callable[[str, int, datetime, str], None]


@dataclass(frozen=True)
class RateFlag:
    """A rate outside the clinic's range for the drug: the flag, when the rate was ordered or
    set, and the resource holding it (the order, or the segment's administration)."""

    flag: Flag
    raised_at: datetime
    evidence: str


@dataclass(frozen=True)
class Infusion:
    """The references of the infusion's Procedure and of each rate segment's administration,
    and every rate outside the clinic's range (each once, where it was first ordered or set)."""

    procedure: str
    segments: tuple[tuple[RateSegment, str], ...]
    rate_flags: tuple[RateFlag, ...]

    def running_at(self, moment: datetime) -> str:
        """The administration running at that moment, else the infusion."""
        for segment, url in self.segments:
            if segment.started_at <= moment and (
                segment.ended_at is None or moment < segment.ended_at
            ):
                return url
        return self.procedure


def _rate_quantity(rate: RateArithmetic) -> dict[str, Any]:
    return {"value": float(rate.mg_per_hour), "unit": "mg/h", "system": UCUM, "code": "mg/h"}


def _as_written(dose: PlannedDose) -> str:
    """The planned dose as the clinician wrote it ("0.5 mg/kg over 40 min")."""
    amount = _typed(dose.amount)
    if dose.form is DoseForm.MG_PER_KG_PER_HOUR:
        return f"{amount} mg/kg/h"
    unit = "mg/kg" if dose.form is DoseForm.MG_PER_KG_OVER_MINUTES else "mg"
    return f"{amount} {unit} over {dose.over_minutes} min"


def add_infusion(
    bundle: VisitBundle,
    visit_id: str,
    chair: ChairRecords,
    config: ClinicConfig,
    context: Callable[[str], RecordContext],
    provenance: Provenance,
) -> Infusion | None:
    """The order in force, the infusion and its rate segments (none without an order). A rate
    outside the clinic's range says so in a note, as the flag the board raised for it."""
    course = chair.course
    order, order_id = course.order, course.order_id
    if order is None or order_id is None:
        return None
    start = len(bundle.entries)
    who = context(order.nurse_id)
    # Each rate outside the range once, where it was first ordered or set.
    flags: dict[str, RateFlag] = {}
    planned = course.planned
    flag = None if planned is None else rate_flag(planned, order.drug, config)
    request = _add_order(bundle, chair.key(order_id), order, planned, course.status, who, flag)
    if flag is not None:
        flags[flag_key(flag)] = RateFlag(flag, order.happened_at, request)
    procedure = _add_procedure(bundle, f"{visit_id}/infusion", chair, context)
    provenance(order_id, start, order.entered_at, order.nurse_id)
    set_by = {
        entry.record_id: entry.record
        for entry in chair.in_force
        if isinstance(entry.record, InfusionStart | RateChange | InfusionResume)
    }
    changes = {change.record_id: change for change in course.rate_changes}
    stop = _applied_stop(chair)
    segments = []
    for number, segment in enumerate(course.segments):
        record = set_by[segment.set_by]
        start = len(bundle.entries)
        status = "completed"
        if segment.ended_at is None:
            status = "in-progress"
        elif stop is not None and segment.ended_at == stop.happened_at:
            status = "completed" if stop.reason is StopReason.COMPLETED else "stopped"
        elif course.status is InfusionStatus.PAUSED and number == len(course.segments) - 1:
            status = "on-hold"
        resource: dict[str, Any] = {
            "resourceType": "MedicationAdministration",
            "status": status,
            "medicationCodeableConcept": concept(order.drug),
            "subject": reference(who.patient),
            "context": reference(who.encounter),
            "effectivePeriod": {"start": when(segment.started_at)},
            "performer": [{"actor": reference(context(record.nurse_id).nurse)}],
            "request": reference(request),
            "partOf": [reference(procedure)],
            "dosage": {
                "text": f"{rate_text(segment.rate)}: {segment.rate.line}",
                "route": INTRAVENOUS,
                "rateQuantity": _rate_quantity(segment.rate),
            },
        }
        if segment.ended_at is not None:
            resource["effectivePeriod"]["end"] = when(segment.ended_at)
        if status == "stopped" and stop is not None:
            resource["statusReason"] = [concept(_stop_words(stop))]
        change = changes.get(segment.set_by)
        if change is not None:
            resource["reasonCode"] = [concept(change.change.reason)]
            direction = {Direction.UP: "up", Direction.DOWN: "down", Direction.SAME: "kept"}
            resource["note"] = [
                {
                    "text": f"Rate {direction[change.direction]} from {rate_text(change.before)}"
                    f" to {rate_text(change.rate)}: {change.change.reason}"
                }
            ]
        elif isinstance(record, InfusionResume):
            resource["note"] = [{"text": "Resumed after a pause."}]
        else:
            resource["note"] = [{"text": "Started at the order's planned rate."}]
        flag = rate_flag(segment.rate, order.drug, config)
        if flag is not None:
            resource["note"].append(_flag_note(flag))
        key = f"{chair.key(segment.set_by)}/segment"
        url = bundle.add(resource, RECORD_SYSTEM, key)
        segments.append((segment, url))
        if flag is not None:
            flags.setdefault(flag_key(flag), RateFlag(flag, segment.started_at, url))
        provenance(segment.set_by, start, record.entered_at, record.nurse_id)
    return Infusion(procedure, tuple(segments), tuple(flags.values()))


def _add_order(
    bundle: VisitBundle,
    key: str,
    order: InfusionOrder,
    planned: RateArithmetic | None,
    status: InfusionStatus,
    who: RecordContext,
    outside_range: Flag | None,
) -> str:
    written = _as_written(order.dose)
    instruction: dict[str, Any] = {"text": written, "route": INTRAVENOUS}
    if planned is not None:
        instruction["text"] = f"{written}: {rate_text(planned)}; {planned.line}"
        instruction["doseAndRate"] = [{"rateQuantity": _rate_quantity(planned)}]
    return bundle.add(
        {
            "resourceType": "MedicationRequest",
            "status": "completed" if status is InfusionStatus.STOPPED else "active",
            "intent": "order",
            "medicationCodeableConcept": concept(order.drug),
            "subject": reference(who.patient),
            "encounter": reference(who.encounter),
            "authoredOn": when(order.happened_at),
            "requester": reference(add_clinician(bundle, order.clinician_name)),
            "recorder": reference(who.nurse),
            "note": [
                {
                    "text": f"{order.drug} {_typed(order.concentration_mg_per_ml)} mg/mL;"
                    f" weight {_typed(order.weight_kg)} kg"
                },
                *([] if outside_range is None else [_flag_note(outside_range)]),
            ],
            "dosageInstruction": [instruction],
        },
        RECORD_SYSTEM,
        key,
    )


def _flag_note(flag: Flag) -> dict[str, str]:
    """A rate outside the clinic's range, in the words of the flag the board raised."""
    return {"text": f"{flag.severity.value}: {flag.reason}"}


def _typed(value: float) -> str:
    """A stored number as it was typed ("68.4", "1"); as stored if it is not a number above 0."""
    try:
        return shown(exact(value))
    except ValueError:
        return repr(value)


_PROCEDURE_STATUS = {
    InfusionStatus.NOT_STARTED: "preparation",
    InfusionStatus.RUNNING: "in-progress",
    InfusionStatus.PAUSED: "on-hold",
}


def _applied_stop(chair: ChairRecords) -> InfusionStop | None:
    """The stop the course applied (a second stop is left out by the fold)."""
    left_out = {item.record_id for item in chair.course.left_out}
    stops = [r for record_id, r in chair.of_kind(InfusionStop) if record_id not in left_out]
    return stops[0] if stops else None


def _stop_words(stop: InfusionStop) -> str:
    words = translate(f"chair.stop_reason.{stop.reason.value}", "en")
    return f"Stopped: {words}" + (f" ({stop.detail})" if stop.detail.strip() else "")


def _add_procedure(
    bundle: VisitBundle, key: str, chair: ChairRecords, context: Callable[[str], RecordContext]
) -> str:
    course = chair.course
    order = course.order
    assert order is not None
    who = context(order.nurse_id)
    stop = _applied_stop(chair)
    status = _PROCEDURE_STATUS.get(course.status, "completed")
    if stop is not None and stop.reason is not StopReason.COMPLETED:
        status = "stopped"
    left_out = {item.record_id for item in course.left_out}
    notes = []
    for record_id, pause in chair.of_kind(InfusionPause):
        if record_id not in left_out:
            notes.append({"time": when(pause.happened_at), "text": f"Paused: {pause.reason}"})
    for record_id, resume in chair.of_kind(InfusionResume):
        if record_id not in left_out:
            notes.append({"time": when(resume.happened_at), "text": "Resumed."})
    running_from = {segment.set_by for segment in course.segments}
    for change in course.rate_changes:
        if change.record_id not in running_from:  # Why: set while paused, run from the resume.
            words = f"While paused, rate set to {rate_text(change.rate)}: {change.change.reason}"
            notes.append({"time": when(change.change.happened_at), "text": words})
    resource: dict[str, Any] = {
        "resourceType": "Procedure",
        "status": status,
        "code": concept(f"Intravenous infusion of {order.drug}"),
        "subject": reference(who.patient),
        "encounter": reference(who.encounter),
    }
    if course.started_at is not None:
        resource["performedPeriod"] = {"start": when(course.started_at)}
    if stop is not None and course.stopped_at is not None:
        resource["performedPeriod"]["end"] = when(course.stopped_at)
        given = shown(course.total_mg(course.stopped_at))
        notes.append(
            {"time": when(stop.happened_at), "text": f"{_stop_words(stop)}. {given} mg in all."}
        )
        if stop.reason is not StopReason.COMPLETED:
            resource["statusReason"] = concept(_stop_words(stop))
    pump_nurses = [
        entry.record.nurse_id
        for entry in chair.in_force
        if isinstance(entry.record, InfusionPause | InfusionResume | InfusionStop)
        or entry.record_id in {segment.set_by for segment in course.segments}
    ]
    resource["performer"] = [
        {"actor": reference(context(nurse_id).nurse)}
        for nurse_id in dict.fromkeys([order.nurse_id, *pump_nurses])
    ]
    if notes:
        resource["note"] = sorted(notes, key=lambda note: note["time"])
    return bundle.add(resource, RECORD_SYSTEM, key)


def add_side_effect(
    bundle: VisitBundle,
    key: str,
    effect: SideEffect,
    config: ClinicConfig,
    who: RecordContext,
    infusion: Infusion | None,
) -> None:
    """The side effect as an AdverseEvent, and the action taken for it."""
    named = {choice.id: choice.label.get("en", choice.id) for choice in config.chair.side_effects}
    label = named.get(effect.effect_id, effect.effect_id)
    text = f"{label}: {effect.detail}" if effect.detail.strip() else label
    event: dict[str, Any] = {
        "resourceType": "AdverseEvent",
        "actuality": "actual",
        "event": concept(text, coding(SIDE_EFFECT_SYSTEM, effect.effect_id, label)),
        "subject": reference(who.patient),
        "encounter": reference(who.encounter),
        "date": when(effect.happened_at),
        "recordedDate": when(effect.entered_at),
        "recorder": reference(who.nurse),
    }
    if infusion is not None:
        event["suspectEntity"] = [{"instance": reference(infusion.running_at(effect.happened_at))}]
    adverse_event = bundle.add(event, RECORD_SYSTEM, f"{key}/adverse-event")
    if effect.action is SideEffectAction.NONE or effect.action_at is None:
        return
    reason = [concept(f"Side effect: {text}")]
    if effect.action is SideEffectAction.DRUG_GIVEN:
        action: dict[str, Any] = {
            "resourceType": "MedicationAdministration",
            "status": "completed",
            "medicationCodeableConcept": concept(effect.action_detail),
            "subject": reference(who.patient),
            "context": reference(who.encounter),
            "supportingInformation": [reference(adverse_event)],
            "effectiveDateTime": when(effect.action_at),
            "performer": [{"actor": reference(who.nurse)}],
            "reasonCode": reason,
        }
    else:
        words = translate(f"chair.side_effect_action.{effect.action.value}", "en")
        done = f"{words}: {effect.action_detail}" if effect.action_detail.strip() else words
        action = {
            "resourceType": "Procedure",
            "status": "completed",
            "code": concept(f"For a side effect, {done}"),
            "subject": reference(who.patient),
            "encounter": reference(who.encounter),
            "performedDateTime": when(effect.action_at),
            "performer": [{"actor": reference(who.nurse)}],
            "reasonCode": reason,
        }
        if infusion is not None:
            action["partOf"] = [reference(infusion.procedure)]
    bundle.add(action, RECORD_SYSTEM, f"{key}/action")
