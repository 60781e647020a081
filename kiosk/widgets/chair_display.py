"""How the chair's screens draw what the log says: the working of a rate, a countdown that reads
without colour, open flags in the nurse's words, and each entry of the log on one line.

Times are the clinic's (HH:MM, with the zone's abbreviation in an hour a fall-back repeats); an
entry given a past time shows both ("14:40, entered 14:48"). Text a person typed is drawn
inertly (kiosk/widgets/staff_display.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from rich.text import Text

from kiosk.intake.chair.log import ChairEntry
from kiosk.intake.chair.rates import RateArithmetic, rate_text
from kiosk.intake.chair.records import (
    CHAIR_RECORD_KINDS,
    ChairVitals,
    DischargeScore,
    EnteredInError,
    EscortCheck,
    InfusionOrder,
    InfusionPause,
    InfusionStop,
    InstructionsAcknowledged,
    OrientationCheck,
    PhysicalExam,
    RateChange,
    SideEffect,
)
from kiosk.intake.chair.scores import score_total
from kiosk.intake.chair.state import OpenFlag
from kiosk.intake.clinic_clock import is_repeated_hour
from kiosk.intake.records import Flag, Severity, StopOverride
from kiosk.locale import translate
from kiosk.locale.staff import STAFF_LANGUAGE, chair_text
from kiosk.widgets.staff_display import flag_badge, inert

#: The marker of an overdue time: a word and a symbol, so it reads in every theme.
OVERDUE_MARK = "\u25b2\u25b2"
#: A time a moment may differ from the entry's before both are shown.
_SHOWN_APART = timedelta(minutes=1)


def clock(moment: datetime, zone: ZoneInfo) -> str:
    """A time as the chair shows it: "14:40", or "01:30 EST" in a repeated hour."""
    local = moment.astimezone(zone)
    return local.strftime("%H:%M %Z" if is_repeated_hour(moment, zone) else "%H:%M")


def minutes_and_seconds(span: timedelta) -> str:
    """ "4:05" for four minutes five seconds (hours as minutes: "75:00")."""
    seconds = max(0, int(span.total_seconds()))
    return f"{seconds // 60}:{seconds % 60:02d}"


def due_text(due: datetime | None, now: datetime, zone: ZoneInfo) -> Text:
    """When the next vitals are due: counting down, then OVERDUE with a mark, in bold reverse."""
    if due is None:
        return Text(chair_text("board.nothing_due"))
    if now <= due:
        return Text(chair_text("board.due_in", time=minutes_and_seconds(due - now)))
    late = chair_text("board.overdue", time=minutes_and_seconds(now - due))
    return Text(f"{OVERDUE_MARK} {late}", style="bold reverse")


def working_text(worked: RateArithmetic, flag: Flag | None) -> Text:
    """A rate's working, one step a line, and a STOP where it leaves the clinic's range."""
    text = Text("\n".join(worked.steps))
    text.append(f"\n= {rate_text(worked)}", style="bold")
    if flag is not None:
        text.append("\n")
        text.append_text(flag_badge(flag.severity))
        text.append(f" {flag.reason} {chair_text('order.needs_override')}", style="bold")
    return text


def open_flags_text(flags: Sequence[OpenFlag], zone: ZoneInfo) -> Text:
    """Each open flag with its badge, its reason in the nurse's words and since when."""
    if not flags:
        return Text(chair_text("chair.no_flags"))
    text = Text()
    for open_flag in flags:
        text.append_text(flag_badge(open_flag.flag.severity, open_flag.flag.urgent))
        text.append(f" {open_flag.flag.reason}", style="bold")
        text.append(f" ({chair_text('chair.since', time=clock(open_flag.raised_at, zone))})\n")
    return text


def flags_in_words(flags: Sequence[OpenFlag]) -> Text:
    """The board's cell: the highest flag's badge and every reason, shortest first."""
    if not flags:
        return Text("-")
    stops = [f for f in flags if f.flag.severity is Severity.STOP]
    text = flag_badge((stops or flags)[0].flag.severity)
    text.append(" " + "; ".join(f.flag.reason for f in flags))
    return text


def _words(key: str, value: str) -> str:
    return translate(f"chair.{key}.{value}", STAFF_LANGUAGE)


def entry_text(entry: ChairEntry, superseded: bool, zone: ZoneInfo) -> Text:
    """One entry of the log on a line: its time (and when entered, if later), what it was."""
    record = entry.record
    if isinstance(record, StopOverride):
        text = Text(f"{clock(record.recorded_at, zone)}  {chair_text('log.override')} ")
        text.append_text(inert(record.clinician_name))
        text.append(f" ({record.flag.answer}): ")
        text.append_text(inert(record.reason))
        return text
    when = clock(record.happened_at, zone)
    if record.entered_at - record.happened_at >= _SHOWN_APART:
        when += " " + chair_text("log.entered", time=clock(record.entered_at, zone))
    text = Text(f"{when}  ", style="strike" if superseded else "")
    text.append(chair_text(f"log.kind.{CHAIR_RECORD_KINDS[type(record)]}"), style="bold")
    detail = _detail(entry, zone)
    if detail.plain:
        text.append(": ")
        text.append_text(detail)
    if superseded:
        text.append(f"  ({chair_text('log.superseded')})")
    return text


def _detail(entry: ChairEntry, zone: ZoneInfo) -> Text:
    """What an entry holds, in short."""
    record = entry.record
    if isinstance(record, ChairVitals):
        return Text(
            f"{record.systolic_mmhg}/{record.diastolic_mmhg} mmHg, HR {record.heart_rate_per_min},"
            f" SpO2 {record.spo2_percent}%, RR {record.respiratory_rate_per_min},"
            f" MOAA/S {record.moaa_s}, {chair_text('log.dissociation')} "
            f"{_words('dissociation', record.dissociation.value)}"
        )
    if isinstance(record, InfusionOrder):
        text = inert(record.clinician_name)
        text.append(f", {record.drug} {record.concentration_mg_per_ml:g} mg/mL")
        return text
    if isinstance(record, RateChange):
        text = Text(f"{record.rate.value:g} {record.rate.unit.value}, ")
        text.append_text(inert(record.reason))
        return text
    if isinstance(record, InfusionPause | EnteredInError):
        return inert(record.reason)
    if isinstance(record, InfusionStop):
        text = Text(_words("stop_reason", record.reason.value))
        if record.detail:
            text.append(", ")
            text.append_text(inert(record.detail))
        return text
    if isinstance(record, SideEffect):
        return _side_effect(record, zone)
    if isinstance(record, PhysicalExam):
        abnormal = [item.item_id for item in record.items if item.finding.value == "abnormal"]
        return Text(", ".join(abnormal) or _words("exam_finding", "normal"))
    if isinstance(record, DischargeScore):
        return Text(f"{score_total(record)}/{record.threshold}+ ({record.instrument})")
    if isinstance(record, OrientationCheck):
        text = Text(chair_text("log.yes" if record.at_baseline else "log.no"))
        if record.detail:
            text.append(", ")
            text.append_text(inert(record.detail))
        return text
    if isinstance(record, EscortCheck):
        return inert(record.escort_name)
    if isinstance(record, InstructionsAcknowledged):
        return Text(record.language)
    return Text("")


def _side_effect(record: SideEffect, zone: ZoneInfo) -> Text:
    text = Text(record.effect_id.replace("_", " "))
    if record.detail:
        text.append(" (")
        text.append_text(inert(record.detail))
        text.append(")")
    text.append(f"; {_words('side_effect_action', record.action.value)}")
    if record.action_detail:
        text.append(": ")
        text.append_text(inert(record.action_detail))
    if record.action_at is not None:
        text.append(" " + chair_text("log.action_at", time=clock(record.action_at, zone)))
    return text
