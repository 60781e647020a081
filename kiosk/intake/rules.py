"""The screening rules: turn a check-in, a draft or a nurse's vitals into flags for the nurse.

Every severity, reason and threshold comes from the clinic configuration; this module only
decides which rule an answer touches. Flags are sorted most urgent first (urgent ones, then
STOP, CAUTION, INFO). The kiosk never tells a patient they are ineligible: flags are for staff.

Timing: "less than 4 h since the last solid food" is measured against the check-in's
`submitted_at` (the moment the patient finished, which the nurse sees beside the flag). A
draft has no such moment, so drafts are screened for everything except food and liquid timing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from kiosk.intake.config import ClinicConfig
from kiosk.intake.drugs import match_medication, words
from kiosk.intake.measures import MEASURES, Measure
from kiosk.intake.questions import CONTROLLED_CONDITIONS, ControlledCondition
from kiosk.intake.records import (
    Answer,
    CheckIn,
    Draft,
    Flag,
    HealthHistory,
    HistoryAnswer,
    Medication,
    MedicationList,
    Phq9,
    PregnancyAnswer,
    PregnancyTest,
    Severity,
    TodayChecklist,
    Vitals,
)
from kiosk.intake.scoring import phq9_self_harm_risk
from kiosk.locale import translate

_ONE_LOWER = {
    Severity.STOP: Severity.CAUTION,
    Severity.CAUTION: Severity.INFO,
    Severity.INFO: Severity.INFO,
}
_ANSWER_WORDS = {Answer.YES: "yes", Answer.NO: "no", Answer.NOT_SURE: "not sure"}
_PREGNANCY_AS_ANSWER = {
    PregnancyAnswer.YES: Answer.YES,
    PregnancyAnswer.NOT_SURE: Answer.NOT_SURE,
}


def screen_checkin(checkin: CheckIn, config: ClinicConfig) -> tuple[Flag, ...]:
    """Every flag a submitted check-in raises, most urgent first."""
    zone = ZoneInfo(config.time_zone)
    return sort_flags(
        [
            *_history_flags(checkin.history, config),
            *_medication_flags(checkin.medications, config, zone),
            *_phq9_flags(checkin.phq9, config),
            *_checklist_flags(checkin.checklist, config, zone, checkin.submitted_at),
        ]
    )


def screen_draft(draft: Draft, config: ClinicConfig) -> tuple[Flag, ...]:
    """The flags the sections done so far raise (PHQ-9 item 9 the moment that section exists)."""
    zone = ZoneInfo(config.time_zone)
    flags: list[Flag] = []
    if draft.history is not None:
        flags += _history_flags(draft.history, config)
    if draft.medications is not None:
        flags += _medication_flags(draft.medications, config, zone)
    if draft.phq9 is not None:
        flags += _phq9_flags(draft.phq9, config)
    if draft.checklist is not None:
        flags += _checklist_flags(draft.checklist, config, zone, submitted_at=None)
    return sort_flags(flags)


def screen_vitals(vitals: Vitals, config: ClinicConfig) -> tuple[Flag, ...]:
    """The hold thresholds the nurse's readings cross, most urgent first."""
    flags = list(screen_readings(vitals, MEASURES, config))
    if vitals.pregnancy_test is PregnancyTest.POSITIVE:
        flags.append(_flag(config, "vitals.pregnancy_test", "positive"))
    return sort_flags(flags)


def screen_readings(
    record: object, measures: Iterable[Measure], config: ClinicConfig
) -> tuple[Flag, ...]:
    """The hold thresholds crossed by the readings of `measures` in `record` (each read from the
    record's attribute named by the measure's field), most severe per measure, most urgent first.
    """
    flags: list[Flag] = []
    for measure in measures:
        value = float(getattr(record, measure.field))
        for hold in config.holds_for(measure.id):
            if hold.is_crossed(value):
                number = f"{value:.0f}" if measure.whole else f"{value:.1f}"
                reading = f"{number} {measure.shown_unit}".strip()
                reason = f"{measure.label} {reading} is {hold.describe()} (clinic hold threshold)."
                flags.append(Flag(f"vitals.{measure.id}", hold.severity, reason, reading))
                break
    return sort_flags(flags)


def pregnancy_test_needed(answer: PregnancyAnswer | None, config: ClinicConfig) -> bool:
    """Whether the nurse must record a pregnancy test result, by the clinic's rule and the
    patient's answer (None: not known, so needed)."""
    if config.pregnancy_test == "everyone" or answer is None:
        return True
    if config.pregnancy_test == "if_may_be_pregnant":
        return answer in (PregnancyAnswer.YES, PregnancyAnswer.NOT_SURE)
    return answer is not PregnancyAnswer.NOT_APPLICABLE


def sort_flags(flags: Iterable[Flag]) -> tuple[Flag, ...]:
    """Urgent first, then STOP, CAUTION, INFO; ties by code so the order is stable."""
    return tuple(sorted(flags, key=lambda f: (not f.urgent, f.severity.rank, f.code, f.answer)))


def open_flags(
    checkin_flags: Iterable[Flag], vitals: Vitals | None, config: ClinicConfig
) -> tuple[Flag, ...]:
    """Every open flag of a check-in: its own and those its latest vitals raise, most urgent
    first. The check-in page and the sign-off show these; today's list sorts by the highest."""
    vitals_flags = () if vitals is None else screen_vitals(vitals, config)
    return sort_flags([*checkin_flags, *vitals_flags])


def highest_severity(flags: Iterable[Flag]) -> Severity | None:
    """The most urgent severity among the flags, or None when there are none."""
    return most_severe(flag.severity for flag in flags)


def most_severe(severities: Iterable[Severity | None]) -> Severity | None:
    """The most urgent of the severities given (None for "no flag" is skipped), or None."""
    return min((s for s in severities if s is not None), key=lambda s: s.rank, default=None)


def _flag(config: ClinicConfig, code: str, answer: str, not_sure: bool = False) -> Flag:
    rule = config.rule(code)
    if not_sure:
        return Flag(code, _ONE_LOWER[rule.severity], _as_uncertain(rule.reason), answer)
    return Flag(code, rule.severity, rule.reason, answer)


def _as_uncertain(reason: str) -> str:
    """A "not sure" answer's reason, not as a statement: "May have X (answered: not sure)."."""
    body = reason.strip().rstrip(".")
    if body.startswith("Reports "):
        body = "May have " + body.removeprefix("Reports ")
    return f"{body} (answered: not sure)."


def _answered(answer: Answer, detail: str = "") -> str:
    words = _ANSWER_WORDS[answer]
    return f"{words}: {detail}" if detail.strip() else words


def _history_flags(history: HealthHistory, config: ClinicConfig) -> list[Flag]:
    flags = []
    for item in history.answers:
        code = f"history.{item.question_id}"
        if item.answer is Answer.NO or code not in config.rules:
            continue
        answer = _answered(item.answer, item.detail)
        flags.append(_flag(config, code, answer, not_sure=item.answer is Answer.NOT_SURE))
    given = {item.question_id: item for item in history.answers}
    for condition in CONTROLLED_CONDITIONS:
        flag = _uncontrolled_flag(condition, given, config)
        if flag is not None:
            flags.append(flag)
    return flags


def _uncontrolled_flag(
    condition: ControlledCondition, given: dict[str, HistoryAnswer], config: ClinicConfig
) -> Flag | None:
    """A flag when the patient has (or may have) the condition and it is not (surely) controlled.

    Full severity only for "yes, I have it" and "no, it is not controlled"; any "not sure" in
    the pair flags one level lower, as a "not sure" does everywhere.
    """
    has = given.get(condition.question_id)
    if has is None or has.answer is Answer.NO:
        return None
    controlled = given.get(condition.controlled_id)
    # Why: a missing follow-up (a hand-made record) is read as "not sure", never as controlled.
    control = controlled.answer if controlled is not None else Answer.NOT_SURE
    if control is Answer.YES or condition.rule_code not in config.rules:
        return None
    answer = f"has it: {_answered(has.answer, has.detail)}; controlled: " + _answered(
        control, controlled.detail if controlled is not None else ""
    )
    not_sure = Answer.NOT_SURE in (has.answer, control)
    return _flag(config, condition.rule_code, answer, not_sure=not_sure)


def _medication_flags(meds: MedicationList, config: ClinicConfig, zone: ZoneInfo) -> list[Flag]:
    flags = [flag for med in meds.medications for flag in medication_flags(med, config, zone)]
    for allergy in meds.allergies:
        if any("ketamine" in match.classes for match in match_medication(allergy.substance)):
            answer = f"{allergy.substance}: {allergy.reaction}" if allergy.reaction else ""
            flags.append(_flag(config, "allergy.ketamine", answer or allergy.substance))
    return flags


def medication_flags(medication: Medication, config: ClinicConfig, zone: ZoneInfo) -> list[Flag]:
    """The flags one medication line raises; each reason says what was read as what."""
    answer = _medication_answer(medication, zone)
    readings: dict[str, list[str]] = {}
    for match in match_medication(medication.name):
        for drug_class in match.classes:
            code = f"med.{drug_class}"
            if code in config.rules:
                # Why: the nurse sees at a glance which typed words raised the flag, and how.
                readings.setdefault(code, []).append(match.reading())
    flags = []
    for code, read in readings.items():
        flag = _flag(config, code, answer)
        note = "; ".join(dict.fromkeys(read))
        flags.append(Flag(flag.code, flag.severity, f"{flag.reason} {note}.", flag.answer))
    return flags


def _medication_answer(medication: Medication, zone: ZoneInfo) -> str:
    parts = [medication.name, medication.dose, medication.frequency]
    text = " ".join(part.strip() for part in parts if part.strip())
    if medication.as_needed and not says_as_needed(text):
        text += ", as needed"
    if medication.last_dose_at is not None:
        text += f", last dose {_local(medication.last_dose_at, zone)}"
    return text


#: How patients write "as needed" themselves; the tick box then adds nothing.
_AS_NEEDED_WORDS = tuple(
    words(phrase)
    for phrase in (
        "as needed",
        "when needed",
        "if needed",
        "prn",
        "según necesidad",
        "si es necesario",
        "cuando lo necesito",
        "cuando lo necesite",
        "cuando sea necesario",
        "a demanda",
    )
)


def says_as_needed(text: str) -> bool:
    """Whether the patient's own words already say "as needed" ("PRN", "según necesidad")."""
    typed = f" {' '.join(words(text))} "
    return any(f" {' '.join(phrase)} " in typed for phrase in _AS_NEEDED_WORDS)


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _phq9_flags(phq9: Phq9, config: ClinicConfig) -> list[Flag]:
    if not phq9_self_harm_risk(phq9):
        return []
    item9 = phq9.items[8]
    option = translate(f"questions.phq9.option{item9}", "en")
    flag = _flag(config, "phq9.item9", f"item 9: {item9} ({option})")
    return [Flag(flag.code, flag.severity, flag.reason, flag.answer, urgent=True)]


def _checklist_flags(
    checklist: TodayChecklist,
    config: ClinicConfig,
    zone: ZoneInfo,
    submitted_at: datetime | None,
) -> list[Flag]:
    flags = []
    if submitted_at is not None:
        for code, moment, limit in (
            ("checklist.last_food", checklist.last_food_at, config.last_food_hours),
            (
                "checklist.last_clear_liquid",
                checklist.last_clear_liquid_at,
                config.last_clear_liquid_hours,
            ),
        ):
            hours = (submitted_at - moment).total_seconds() / 3600
            if hours < limit:
                answer = (
                    f"{_local(moment, zone)}, {hours:.1f} h before check-in (limit {limit:g} h)"
                )
                flags.append(_flag(config, code, answer))
    if not checklist.has_driver:
        flags.append(_flag(config, "checklist.no_driver", "no"))
    pregnancy = _PREGNANCY_AS_ANSWER.get(checklist.may_be_pregnant, Answer.NO)
    for code, answer, flagged_answer in (
        ("checklist.regular_medications", checklist.took_regular_medications, Answer.NO),
        ("checklist.alcohol_or_drugs", checklist.alcohol_or_drugs_24h, Answer.YES),
        ("checklist.unwell", checklist.feeling_unwell, Answer.YES),
        ("checklist.may_be_pregnant", pregnancy, Answer.YES),
    ):
        if answer in (flagged_answer, Answer.NOT_SURE):
            flags.append(_flag(config, code, _answered(answer), not_sure=answer is Answer.NOT_SURE))
    return flags
