"""The patient's medications, allergies and health history as MedicationStatement, List,
AllergyIntolerance and Condition resources.

Medications keep what the patient typed as text. A coding is added only from what the product
ships with its source: the bundled drug list's generic name (`urn:clinic-kiosk:drug`, source
kiosk/intake/drugs.toml); it ships no RxNorm codes, so none is written. Conditions carry a SNOMED
CT code only where the question asks about one clear concept (the table `HISTORY_SNOMED`);
questions that bundle several concepts ("stroke, bleeding in the brain, an aneurysm...") keep
the words alone.
"""

from __future__ import annotations

from typing import Any

from kiosk.intake.drugs import match_medication
from kiosk.intake.questions import CONTROLLED_CONDITIONS, HEALTH_HISTORY
from kiosk.intake.records import Answer, CheckIn, Medication
from kiosk.locale import translate
from sync.server.fhir.bundle import (
    DRUG_SYSTEM,
    HISTORY_SYSTEM,
    LOINC,
    RECORD_SYSTEM,
    SNOMED,
    VisitBundle,
    coding,
    concept,
    reference,
    status_concept,
    when,
)

#: SNOMED CT concepts for the health-history questions that ask about exactly one condition.
HISTORY_SNOMED = {
    "high_blood_pressure": ("38341003", "Hypertensive disorder, systemic arterial"),
    "uncontrolled_hypertension": ("38341003", "Hypertensive disorder, systemic arterial"),
    "heart_disease": ("56265001", "Heart disease"),
    "overactive_thyroid": ("34486009", "Hyperthyroidism"),
    "thyroid_overactive": ("34486009", "Hyperthyroidism"),
    "liver_disease": ("235856003", "Disorder of liver"),
    "psychosis": ("69322001", "Psychotic disorder"),
    "bipolar": ("13746004", "Bipolar disorder"),
    "seizures": ("91175000", "Seizure"),
}
NO_KNOWN_ALLERGY = coding(SNOMED, "716186003", "No known allergy")
MEDICATION_LIST = coding(LOINC, "10160-0", "History of Medication use Narrative")


def medication_concept(typed: str) -> dict[str, Any]:
    """What the patient typed as text, plus a coding per generic the drug list recognises in it."""
    generics = dict.fromkeys(m.generic for m in match_medication(typed) if m.generic is not None)
    codings = [
        coding(DRUG_SYSTEM, generic, generic) | {"userSelected": False} for generic in generics
    ]
    return concept(typed, *codings)


def _dosage(medication: Medication) -> dict[str, Any]:
    text = ", ".join(
        part.strip() for part in (medication.dose, medication.frequency) if part.strip()
    )
    dosage: dict[str, Any] = {"asNeededBoolean": medication.as_needed}
    if text:
        dosage["text"] = text
    if medication.frequency.strip():
        dosage["timing"] = {"code": {"text": medication.frequency.strip()}}
    return dosage


def add_medications(
    bundle: VisitBundle, record_id: str, checkin: CheckIn, patient: str, encounter: str
) -> dict[str, str]:
    """Each medication as a MedicationStatement; "I take no medications" as an empty List.

    Returns the references by the name the patient typed, for the flags a medication raises.
    """
    meds = checkin.medications
    asserted = when(checkin.submitted_at)
    found = {}
    if meds.no_medications and not meds.medications:
        bundle.add(
            {
                "resourceType": "List",
                "status": "current",
                "mode": "snapshot",
                "title": "Medications the patient takes",
                "code": {"coding": [MEDICATION_LIST]},
                "subject": reference(patient),
                "encounter": reference(encounter),
                "date": asserted,
                "source": reference(patient),
                "emptyReason": status_concept("list-empty-reason", "nilknown"),
            },
            RECORD_SYSTEM,
            f"{record_id}/medications/none",
        )
    for number, medication in enumerate(meds.medications):
        resource: dict[str, Any] = {
            "resourceType": "MedicationStatement",
            "status": "active",
            "medicationCodeableConcept": medication_concept(medication.name),
            "subject": reference(patient),
            "context": reference(encounter),
            "dateAsserted": asserted,
            "informationSource": reference(patient),
            "dosage": [_dosage(medication)],
        }
        if medication.last_dose_at is not None:
            resource["effectiveDateTime"] = when(medication.last_dose_at)
            resource["note"] = [{"text": f"Last dose taken {when(medication.last_dose_at)}"}]
        found[medication.name] = bundle.add(
            resource, RECORD_SYSTEM, f"{record_id}/medication/{number}"
        )
    return found


def add_allergies(
    bundle: VisitBundle, record_id: str, checkin: CheckIn, patient: str, encounter: str
) -> dict[str, str]:
    """Each allergy as an AllergyIntolerance; "no known allergies" as SNOMED CT 716186003.

    Returns the references by substance, for the flags an allergy raises.
    """
    meds = checkin.medications
    base: dict[str, Any] = {
        "resourceType": "AllergyIntolerance",
        "clinicalStatus": status_concept("allergyintolerance-clinical", "active"),
        "patient": reference(patient),
        "encounter": reference(encounter),
        "recordedDate": when(checkin.submitted_at),
        "asserter": reference(patient),
    }
    found = {}
    if meds.no_allergies and not meds.allergies:
        bundle.add(
            base
            | {
                "verificationStatus": status_concept(
                    "allergyintolerance-verification", "confirmed"
                ),
                "code": concept("No known allergies", NO_KNOWN_ALLERGY),
            },
            RECORD_SYSTEM,
            f"{record_id}/allergy/none",
        )
    for number, allergy in enumerate(meds.allergies):
        resource = base | {"code": concept(allergy.substance)}
        if allergy.reaction.strip():
            resource["reaction"] = [{"manifestation": [{"text": allergy.reaction}]}]
        found[allergy.substance] = bundle.add(
            resource, RECORD_SYSTEM, f"{record_id}/allergy/{number}"
        )
    return found


def history_question(question_id: str, language: str) -> str:
    """The question as the patient read it, or its id for a topic this version does not know."""
    try:
        return translate(HEALTH_HISTORY.question(question_id).text_key, language)
    except KeyError:
        return question_id


def add_conditions(
    bundle: VisitBundle, record_id: str, checkin: CheckIn, patient: str, encounter: str
) -> dict[str, str]:
    """A Condition per "yes" (confirmed by the patient) and "not sure" (unconfirmed) answer.

    Returns the references by question id, for the flags those answers raise.
    """
    found = {}
    given = {answer.question_id: answer for answer in checkin.history.answers}
    # Why: "is it controlled?" is not a condition; its answer is a note on the one it follows.
    control_of = {c.question_id: c.controlled_id for c in CONTROLLED_CONDITIONS}
    for answer in checkin.history.answers:
        if answer.answer is Answer.NO or answer.question_id in control_of.values():
            continue
        words = history_question(answer.question_id, checkin.language)
        codings = [coding(HISTORY_SYSTEM, answer.question_id, words)]
        if answer.question_id in HISTORY_SNOMED:
            code, display = HISTORY_SNOMED[answer.question_id]
            codings.insert(0, coding(SNOMED, code, display))
        verified = "confirmed" if answer.answer is Answer.YES else "unconfirmed"
        resource: dict[str, Any] = {
            "resourceType": "Condition",
            "clinicalStatus": status_concept("condition-clinical", "active"),
            "verificationStatus": status_concept("condition-ver-status", verified),
            "category": [status_concept("condition-category", "problem-list-item")],
            "code": concept(words, *codings),
            "subject": reference(patient),
            "encounter": reference(encounter),
            "recordedDate": when(checkin.submitted_at),
            "asserter": reference(patient),
        }
        notes = [answer.detail] if answer.detail.strip() else []
        control = given.get(control_of.get(answer.question_id, ""))
        if control is not None:
            detail = f": {control.detail}" if control.detail.strip() else ""
            notes.append(f"Controlled now: {control.answer.value.replace('_', ' ')}{detail}")
        if notes:
            resource["note"] = [{"text": note} for note in notes]
        found[answer.question_id] = bundle.add(
            resource, RECORD_SYSTEM, f"{record_id}/history/{answer.question_id}"
        )
    for condition in CONTROLLED_CONDITIONS:  # the flag "not controlled" points at its Condition
        if condition.question_id in found:
            found[condition.rule_code.removeprefix("history.")] = found[condition.question_id]
    return found
