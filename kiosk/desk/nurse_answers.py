"""A check-in's answers laid out for the nurse: sections in the order the patient met them.

Pure data to text: each section is a nurse-voiced title and (question, answer) pairs, with the
question in the nurse's language (English) from the same locale text the patient saw. Follow-up
questions that did not apply (the driver's name when there is no driver) are left out, and every
time is in the clinic's zone, one format. Draws nothing itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from kiosk.intake.config import ConsentDocument
from kiosk.intake.questions import HEALTH_HISTORY, MIDAS, MIGRAINE_HISTORY, PHQ9, TODAY_CHECKLIST
from kiosk.intake.records import (
    Answer,
    CheckIn,
    ConsentSignature,
    Draft,
    HealthHistory,
    Identity,
    MedicationList,
    MigraineHistory,
    Phq9,
    PregnancyAnswer,
    TodayChecklist,
)
from kiosk.intake.scoring import midas_grade, midas_total, phq9_band, phq9_total
from kiosk.locale import translate
from kiosk.locale.staff import staff_text, staff_time

NURSE_LANGUAGE = "en"


@dataclass(frozen=True)
class AnswerSection:
    """One section of the check-in as the nurse reads it."""

    title: str
    rows: tuple[tuple[str, str], ...]


def _q(key: str) -> str:
    return translate(key, NURSE_LANGUAGE)


def _answer(answer: Answer | PregnancyAnswer) -> str:
    words = {"yes": "yes", "no": "no", "not_sure": "not sure", "not_applicable": "does not apply"}
    return words[answer.value]


def _when(at: datetime, zone: ZoneInfo) -> str:
    return staff_time(at, zone)


def _title(section: str) -> str:
    return staff_text(f"section.{section}")


def _identity(identity: Identity) -> AnswerSection:
    return AnswerSection(
        _title("identity"),
        (
            ("Legal name", identity.legal_name),
            ("Preferred name", identity.preferred_name),
            ("Date of birth", identity.date_of_birth.isoformat()),
            ("Phone", identity.phone),
            ("Emergency contact", identity.emergency_contact_name),
            ("Emergency contact phone", identity.emergency_contact_phone),
        ),
    )


def _medications(meds: MedicationList, zone: ZoneInfo) -> AnswerSection:
    rows: list[tuple[str, str]] = []
    if meds.no_medications:
        rows.append(("Medications", "takes no medications"))
    for med in meds.medications:
        detail = ", ".join(part for part in (med.dose, med.frequency) if part)
        if med.as_needed:
            detail += " (as needed"
            detail += f", last dose {_when(med.last_dose_at, zone)})" if med.last_dose_at else ")"
        rows.append((med.name, detail))
    if meds.no_allergies:
        rows.append(("Allergies", "no known allergies"))
    for allergy in meds.allergies:
        rows.append((f"Allergy: {allergy.substance}", allergy.reaction))
    return AnswerSection(_title("medications"), tuple(rows))


def _history(history: HealthHistory) -> AnswerSection:
    given = {a.question_id: a for a in history.answers}
    rows: list[tuple[str, str]] = []
    # Why retired too: an older check-in holds answers to questions no longer asked.
    for question in (*HEALTH_HISTORY.questions, *HEALTH_HISTORY.retired):
        if question.id in given:
            answer = given[question.id]
            text = _answer(answer.answer) + (f": {answer.detail}" if answer.detail else "")
            rows.append((_q(question.text_key), text))
    return AnswerSection(_title("history"), tuple(rows))


def _migraine(migraine: MigraineHistory) -> tuple[AnswerSection, AnswerSection]:
    keys = {q.id: _q(q.text_key) for q in MIGRAINE_HISTORY.questions}
    rows = [
        (keys["headache_days_per_month"], str(migraine.headache_days_per_month)),
        (keys["migraine_days_per_month"], str(migraine.migraine_days_per_month)),
        (keys["typical_pain"], str(migraine.typical_pain)),
        (keys["aura"], _answer(migraine.aura)),
        (keys["preventives_tried"], migraine.preventives_tried),
        (keys["earlier_ketamine"], _answer(migraine.earlier_ketamine)),
    ]
    if migraine.earlier_ketamine is not Answer.NO:  # Why: how it went applies only if it was had.
        rows.append((keys["earlier_ketamine_outcome"], migraine.earlier_ketamine_outcome))
    history = AnswerSection(_title("migraine"), tuple(rows))
    midas = migraine.midas
    total = midas_total(midas)
    items = [q for q in MIDAS.questions]
    values = [*midas.items, midas.headache_days_3_months, midas.average_pain]
    midas_rows = [(_q(q.text_key), str(v)) for q, v in zip(items, values, strict=True)]
    midas_rows.append(("MIDAS total", f"{total} (grade {midas_grade(total).value})"))
    return history, AnswerSection(_title("midas"), tuple(midas_rows))


def _phq9(phq9: Phq9) -> AnswerSection:
    options = [_q(key) for key in PHQ9.option_keys]
    rows = [
        (_q(q.text_key), f"{value}: {options[value]}")
        for q, value in zip(PHQ9.questions, phq9.items, strict=True)
    ]
    total = phq9_total(phq9)
    rows.append(("PHQ-9 total", f"{total} ({phq9_band(total).value.replace('_', ' ')})"))
    return AnswerSection(_title("phq9"), tuple(rows))


def _checklist(checklist: TodayChecklist, zone: ZoneInfo) -> AnswerSection:
    keys = {q.id: _q(q.text_key) for q in TODAY_CHECKLIST.questions}
    rows = [
        (keys["last_food"], _when(checklist.last_food_at, zone)),
        (keys["last_clear_liquid"], _when(checklist.last_clear_liquid_at, zone)),
        (keys["has_driver"], "yes" if checklist.has_driver else "no"),
    ]
    if checklist.has_driver:  # Why: the driver's name and phone are asked only when there is one.
        rows += [
            (keys["driver_name"], checklist.driver_name),
            (keys["driver_phone"], checklist.driver_phone),
        ]
    rows += [
        (keys["took_regular_medications"], _answer(checklist.took_regular_medications)),
        (keys["alcohol_or_drugs_24h"], _answer(checklist.alcohol_or_drugs_24h)),
        (keys["feeling_unwell"], _answer(checklist.feeling_unwell)),
        (keys["may_be_pregnant"], _answer(checklist.may_be_pregnant)),
    ]
    return AnswerSection(_title("checklist"), tuple(rows))


def _consent(
    consent: ConsentSignature, zone: ZoneInfo, document: ConsentDocument | None
) -> AnswerSection:
    rows = [
        ("Document", f"{consent.document_id} version {consent.version} ({consent.language})"),
        ("Accepted", "yes" if consent.accepted else "no"),
        ("Signed at", _when(consent.signed_at, zone)),
        ("Typed name", consent.typed_name),
    ]
    rows += [("Acknowledged", words) for words in _acknowledged(consent, document)]
    rows.append(("Text SHA-256", consent.text_sha256))
    return AnswerSection(_title("consent"), tuple(rows))


def _acknowledged(consent: ConsentSignature, document: ConsentDocument | None) -> list[str]:
    """Each ticked acknowledgement in the words of the document signed (the nurse's language);
    the id only when this kiosk no longer has that document and version."""
    words: dict[str, str] = {}
    if document is not None and document.document_id == consent.document_id:
        if document.version == consent.version:
            words = {ack.id: ack.text[NURSE_LANGUAGE] for ack in document.acknowledgements}
    return [
        words.get(ack_id, staff_text("section.acknowledgement_unknown", id=ack_id))
        for ack_id in consent.acknowledgements
    ]


def answer_sections(
    record: CheckIn | Draft, zone: ZoneInfo, consent_document: ConsentDocument | None = None
) -> list[AnswerSection]:
    """Every section the record holds, in the patient's order; a draft shows what it has.
    `consent_document` (the clinic's current one) gives the words of each acknowledgement."""
    sections: list[AnswerSection] = []
    if record.identity is not None:
        sections.append(_identity(record.identity))
    if record.medications is not None:
        sections.append(_medications(record.medications, zone))
    if record.history is not None:
        sections.append(_history(record.history))
    if record.migraine is not None:
        sections.extend(_migraine(record.migraine))
    if record.phq9 is not None:
        sections.append(_phq9(record.phq9))
    if record.checklist is not None:
        sections.append(_checklist(record.checklist, zone))
    if isinstance(record, CheckIn):
        sections.append(_consent(record.consent, zone, consent_document))
    return sections
