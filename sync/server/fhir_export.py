"""FHIR R4 export: each check-in (with its vitals) as one transaction Bundle of conditional creates.

Every resource carries an identifier derived from the kiosk record id, and every entry is a
POST with `request.ifNoneExist` on that identifier, so importing the same export twice into a
FHIR server creates nothing new. Records are opened here with the clinic private key, which
the caller unlocked with its passphrase; nothing decrypted is written anywhere but the bundles.

A health-history Condition is coded by its question (stable system and code) with the question's
English text; a medication the bundled drug list recognises gets its generic name as a coding
beside what the patient typed; checklist times are FHIR dateTimes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kiosk.intake.codec import PayloadError, from_payload
from kiosk.intake.drugs import match_medication
from kiosk.intake.questions import HEALTH_HISTORY
from kiosk.intake.records import (
    Answer,
    CheckIn,
    ConsentDeclined,
    PregnancyTest,
    Vitals,
)
from kiosk.intake.scoring import midas_total, phq9_total
from kiosk.locale import translate
from kiosk.vault import (
    DeviceVerifyKey,
    EnvelopeError,
    KeyFormatError,
    RecipientPrivateKey,
    open_envelope,
)
from sync.server.storage import ClinicStore

PATIENT_SYSTEM = "urn:clinic-kiosk:patient"
RECORD_SYSTEM = "urn:clinic-kiosk:record"
DEVICE_SYSTEM = "urn:clinic-kiosk:device"
STAFF_SYSTEM = "urn:clinic-kiosk:staff"
#: Codes are the health-history question ids ("uncontrolled_hypertension"): stable across versions.
HISTORY_SYSTEM = "urn:clinic-kiosk:health-history"
#: Codes are the generic names of the kiosk's bundled drug list ("lamotrigine").
DRUG_SYSTEM = "urn:clinic-kiosk:drug"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"

# (field of Vitals, LOINC code, display, UCUM unit code, unit text)
VITAL_SIGNS: tuple[tuple[str, str, str, str, str], ...] = (
    ("heart_rate_per_min", "8867-4", "Heart rate", "/min", "beats/minute"),
    ("spo2_percent", "59408-5", "Oxygen saturation by pulse oximetry", "%", "%"),
    ("temperature_c", "8310-5", "Body temperature", "Cel", "C"),
    ("respiratory_rate_per_min", "9279-1", "Respiratory rate", "/min", "breaths/minute"),
    ("weight_kg", "29463-7", "Body weight", "kg", "kg"),
    ("pain_now", "72514-3", "Pain severity 0-10 verbal numeric rating", "{score}", "score"),
)


@dataclass
class ExportReport:
    """The bundles made (file name, Bundle JSON) and the records that could not be exported."""

    bundles: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _when(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _identifier(system: str, value: str) -> dict[str, str]:
    return {"system": system, "value": value}


class _BundleBuilder:
    """Collects conditional-create entries with urn:uuid fullUrls for one transaction."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []

    def add(self, resource: dict[str, Any], system: str, value: str) -> str:
        full_url = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{system}|{value}')}"
        kind = resource["resourceType"]
        condition = f"identifier={system}|{value}"
        if kind == "QuestionnaireResponse":
            resource["identifier"] = _identifier(system, value)  # R4: a single Identifier here
        elif kind == "Provenance":
            # Why: R4 Provenance has no identifier; a meta tag makes it conditional all the same.
            resource["meta"] = {"tag": [{"system": system, "code": value}]}
            condition = f"_tag={system}|{value}"
        else:
            resource["identifier"] = [_identifier(system, value)]
        self.entries.append(
            {
                "fullUrl": full_url,
                "resource": resource,
                "request": {
                    "method": "POST",
                    "url": resource["resourceType"],
                    "ifNoneExist": condition,
                },
            }
        )
        return full_url

    def bundle(self) -> dict[str, Any]:
        return {"resourceType": "Bundle", "type": "transaction", "entry": self.entries}


def _patient(builder: _BundleBuilder, checkin: CheckIn) -> str:
    who = checkin.identity
    names = [{"use": "official", "text": who.legal_name}]
    if who.preferred_name:
        names.append({"use": "usual", "text": who.preferred_name})
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "name": names,
        "birthDate": who.date_of_birth.isoformat(),
        "communication": [{"language": {"coding": [{"code": checkin.language}]}}],
    }
    if who.phone:  # Why: FHIR JSON forbids empty arrays, so optional lists are left out.
        resource["telecom"] = [{"system": "phone", "value": who.phone}]
    if who.emergency_contact_name or who.emergency_contact_phone:
        contact: dict[str, Any] = {"name": {"text": who.emergency_contact_name or "not given"}}
        if who.emergency_contact_phone:
            contact["telecom"] = [{"system": "phone", "value": who.emergency_contact_phone}]
        resource["contact"] = [contact]
    return builder.add(resource, PATIENT_SYSTEM, checkin.patient_id)


def _medication_concept(typed: str) -> dict[str, Any]:
    """What the patient typed as text, plus a coding per generic the drug list recognises in it."""
    generics = dict.fromkeys(m.generic for m in match_medication(typed) if m.generic is not None)
    concept: dict[str, Any] = {"text": typed}
    if generics:  # Why: FHIR JSON forbids an empty coding list.
        concept["coding"] = [
            {"system": DRUG_SYSTEM, "code": generic, "display": generic, "userSelected": False}
            for generic in generics
        ]
    return concept


def _medications(builder: _BundleBuilder, record_id: str, checkin: CheckIn, patient: str) -> None:
    meds = checkin.medications
    for number, med in enumerate(meds.medications):
        dosage = {"text": f"{med.dose} {med.frequency}".strip(), "asNeededBoolean": med.as_needed}
        resource: dict[str, Any] = {
            "resourceType": "MedicationStatement",
            "status": "active",
            "medicationCodeableConcept": _medication_concept(med.name),
            "subject": {"reference": patient},
            "informationSource": {"reference": patient},
            "dateAsserted": _when(checkin.submitted_at),
            "dosage": [dosage],
        }
        if med.last_dose_at is not None:
            resource["effectiveDateTime"] = _when(med.last_dose_at)
        builder.add(resource, RECORD_SYSTEM, f"{record_id}/medication/{number}")
    for number, allergy in enumerate(meds.allergies):
        builder.add(
            {
                "resourceType": "AllergyIntolerance",
                "clinicalStatus": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/"
                            "allergyintolerance-clinical",
                            "code": "active",
                        }
                    ]
                },
                "code": {"text": allergy.substance},
                "patient": {"reference": patient},
                "recordedDate": _when(checkin.submitted_at),
                "reaction": [{"manifestation": [{"text": allergy.reaction or "not stated"}]}],
            },
            RECORD_SYSTEM,
            f"{record_id}/allergy/{number}",
        )


def _history_question(question_id: str) -> str:
    """The question's English text, or its id for a topic this version does not know."""
    try:
        return translate(HEALTH_HISTORY.question(question_id).text_key, "en")
    except KeyError:
        return question_id


def _conditions(builder: _BundleBuilder, record_id: str, checkin: CheckIn, patient: str) -> None:
    for answer in checkin.history.answers:
        if answer.answer is Answer.NO:
            continue
        status = "confirmed" if answer.answer is Answer.YES else "unconfirmed"
        resource: dict[str, Any] = {
            "resourceType": "Condition",
            "verificationStatus": {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                        "code": status,
                    }
                ]
            },
            "code": {
                "coding": [
                    {
                        "system": HISTORY_SYSTEM,
                        "code": answer.question_id,
                        "display": _history_question(answer.question_id),
                    }
                ],
                "text": _history_question(answer.question_id),
            },
            "subject": {"reference": patient},
            "recordedDate": _when(checkin.submitted_at),
        }
        if answer.detail:
            resource["note"] = [{"text": answer.detail}]
        builder.add(resource, RECORD_SYSTEM, f"{record_id}/history/{answer.question_id}")


def _item(link_id: str, value: bool | int | str | datetime) -> dict[str, Any]:
    if isinstance(value, datetime):
        return {"linkId": link_id, "answer": [{"valueDateTime": _when(value)}]}
    key = {bool: "valueBoolean", int: "valueInteger", str: "valueString"}[type(value)]
    return {"linkId": link_id, "answer": [{key: value}]}


def _questionnaires(
    builder: _BundleBuilder, record_id: str, checkin: CheckIn, patient: str
) -> None:
    migraine, checklist = checkin.migraine, checkin.checklist
    midas_items = [_item(f"midas.{n + 1}", v) for n, v in enumerate(migraine.midas.items)]
    phq_items = [_item(f"phq9.{n + 1}", v) for n, v in enumerate(checkin.phq9.items)]
    sets: dict[str, list[dict[str, Any]]] = {
        "midas": [
            *midas_items,
            _item("midas.total", midas_total(migraine.midas)),
            _item("midas.headache_days_3_months", migraine.midas.headache_days_3_months),
            _item("midas.average_pain", migraine.midas.average_pain),
            _item("migraine.headache_days_per_month", migraine.headache_days_per_month),
            _item("migraine.migraine_days_per_month", migraine.migraine_days_per_month),
            _item("migraine.typical_pain", migraine.typical_pain),
            _item("migraine.aura", migraine.aura.value),
            _item("migraine.earlier_ketamine", migraine.earlier_ketamine.value),
        ],
        "phq9": [*phq_items, _item("phq9.total", phq9_total(checkin.phq9))],
        "checklist": [
            _item("checklist.last_food_at", checklist.last_food_at),
            _item("checklist.last_clear_liquid_at", checklist.last_clear_liquid_at),
            _item("checklist.has_driver", checklist.has_driver),
            _item("checklist.took_regular_medications", checklist.took_regular_medications.value),
            _item("checklist.alcohol_or_drugs_24h", checklist.alcohol_or_drugs_24h.value),
            _item("checklist.feeling_unwell", checklist.feeling_unwell.value),
            _item("checklist.may_be_pregnant", checklist.may_be_pregnant.value),
        ],
    }
    for name, items in sets.items():
        builder.add(
            {
                "resourceType": "QuestionnaireResponse",
                "questionnaire": f"urn:clinic-kiosk:questionnaire:{name}",
                "status": "completed",
                "subject": {"reference": patient},
                "authored": _when(checkin.submitted_at),
                "author": {"reference": patient},
                "item": items,
            },
            RECORD_SYSTEM,
            f"{record_id}/questionnaire/{name}",
        )


def _consent(
    builder: _BundleBuilder,
    value: str,
    patient: str,
    *,
    accepted: bool,
    document: str,
    when: datetime,
    text_sha256: str | None,
    typed_name: str | None,
) -> None:
    resource: dict[str, Any] = {
        "resourceType": "Consent",
        "status": "active" if accepted else "rejected",
        "scope": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                    "code": "treatment",
                }
            ]
        },
        "category": [{"text": "IV ketamine infusion for chronic migraine"}],
        "patient": {"reference": patient},
        "dateTime": _when(when),
        "policy": [{"uri": f"urn:clinic-kiosk:consent:{document}"}],
    }
    if text_sha256 is not None:
        resource["sourceAttachment"] = {
            "contentType": "text/plain",
            "url": f"urn:clinic-kiosk:consent:{document}",
            "title": f"signed by typing the name {typed_name}; text SHA-256 {text_sha256}",
        }
    builder.add(resource, RECORD_SYSTEM, value)


def _vital_observations(
    builder: _BundleBuilder, record_id: str, vitals: Vitals, patient: str, nurse: str
) -> None:
    def observation(code: str, display: str) -> dict[str, Any]:
        return {
            "resourceType": "Observation",
            "status": "final",
            "category": [
                {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                            "code": "vital-signs",
                        }
                    ]
                }
            ],
            "code": {"coding": [{"system": LOINC, "code": code, "display": display}]},
            "subject": {"reference": patient},
            "effectiveDateTime": _when(vitals.taken_at),
            "performer": [{"reference": nurse}],
        }

    bp = observation("85354-9", "Blood pressure panel")
    bp["component"] = [
        {
            "code": {"coding": [{"system": LOINC, "code": code, "display": display}]},
            "valueQuantity": {"value": value, "unit": "mmHg", "system": UCUM, "code": "mm[Hg]"},
        }
        for code, display, value in (
            ("8480-6", "Systolic blood pressure", vitals.systolic_mmhg),
            ("8462-4", "Diastolic blood pressure", vitals.diastolic_mmhg),
        )
    ]
    builder.add(bp, RECORD_SYSTEM, f"{record_id}/vitals/85354-9")
    for name, code, display, unit_code, unit in VITAL_SIGNS:
        resource = observation(code, display)
        if code == "59408-5":  # Why: the vital-signs profile wants both SpO2 codes.
            resource["code"]["coding"].append(
                {
                    "system": LOINC,
                    "code": "2708-6",
                    "display": "Oxygen saturation in Arterial blood",
                }
            )
        resource["valueQuantity"] = {
            "value": getattr(vitals, name),
            "unit": unit,
            "system": UCUM,
            "code": unit_code,
        }
        builder.add(resource, RECORD_SYSTEM, f"{record_id}/vitals/{code}")
    if vitals.pregnancy_test is not PregnancyTest.NOT_APPLICABLE:
        test = observation("2106-3", "Choriogonadotropin (pregnancy test) in Urine")
        test["category"][0]["coding"][0]["code"] = "laboratory"
        test["valueString"] = vitals.pregnancy_test.value
        builder.add(test, RECORD_SYSTEM, f"{record_id}/vitals/pregnancy-test")


def _practitioner(builder: _BundleBuilder, nurse_id: str) -> str:
    return builder.add(
        {"resourceType": "Practitioner", "name": [{"text": f"staff {nurse_id}"}]},
        STAFF_SYSTEM,
        nurse_id,
    )


def _provenance(
    builder: _BundleBuilder,
    record_id: str,
    device_id: str,
    targets: list[str],
    when: datetime,
    nurses: list[str],
) -> None:
    device = builder.add(
        {
            "resourceType": "Device",
            "deviceName": [{"name": device_id, "type": "user-friendly-name"}],
        },
        DEVICE_SYSTEM,
        device_id,
    )
    agents = [{"who": {"reference": device}}] + [{"who": {"reference": n}} for n in nurses]
    builder.add(
        {
            "resourceType": "Provenance",
            "target": [{"reference": target} for target in targets],
            "recorded": _when(when),
            "agent": agents,
        },
        RECORD_SYSTEM,
        f"{record_id}/provenance",
    )


@dataclass(frozen=True)
class _Opened:
    record_id: str
    device_id: str
    record: object


def _open_all(
    store: ClinicStore, private_key: RecipientPrivateKey, report: ExportReport
) -> Iterable[_Opened]:
    keys: dict[str, DeviceVerifyKey | None] = {}
    for stored in store.iter_envelopes():
        if stored.device_id not in keys:
            device = store.device(stored.device_id)
            keys[stored.device_id] = DeviceVerifyKey(device.verify_key) if device else None
        try:
            opened = open_envelope(stored.envelope, private_key, keys[stored.device_id])
            record = from_payload(opened.payload)
        except (EnvelopeError, KeyFormatError, PayloadError) as exc:
            report.problems.append(f"record {stored.record_id}: {exc}")
            continue
        yield _Opened(stored.record_id, stored.device_id, record)


def export_bundles(store: ClinicStore, private_key: RecipientPrivateKey) -> ExportReport:
    """One transaction Bundle per check-in (with its vitals) and per declined consent."""
    report = ExportReport()
    checkins: dict[str, tuple[_Opened, CheckIn]] = {}
    vitals_for: dict[str, list[tuple[_Opened, Vitals]]] = {}
    declined: list[tuple[_Opened, ConsentDeclined]] = []
    for item in _open_all(store, private_key, report):
        if isinstance(item.record, CheckIn):
            checkins[item.record_id] = (item, item.record)
        elif isinstance(item.record, Vitals):
            vitals_for.setdefault(item.record.checkin_id, []).append((item, item.record))
        elif isinstance(item.record, ConsentDeclined):
            declined.append((item, item.record))
        # Why: drafts are unfinished check-ins; the finished one supersedes them.
    for record_id, (item, checkin) in sorted(checkins.items()):
        builder = _BundleBuilder()
        patient = _patient(builder, checkin)
        _medications(builder, record_id, checkin, patient)
        _conditions(builder, record_id, checkin, patient)
        _questionnaires(builder, record_id, checkin, patient)
        consent = checkin.consent
        _consent(
            builder,
            f"{record_id}/consent",
            patient,
            accepted=consent.accepted,
            document=f"{consent.document_id}:{consent.version}:{consent.language}",
            when=consent.signed_at,
            text_sha256=consent.text_sha256,
            typed_name=consent.typed_name,
        )
        nurses: list[str] = []
        for vitals_item, vitals in vitals_for.pop(record_id, []):
            nurse = _practitioner(builder, vitals.nurse_id)
            nurses.append(nurse)
            _vital_observations(builder, vitals_item.record_id, vitals, patient, nurse)
        targets = [e["fullUrl"] for e in builder.entries if e["fullUrl"] not in nurses]
        _provenance(builder, record_id, item.device_id, targets, checkin.submitted_at, nurses)
        report.bundles.append((f"checkin-{record_id}", builder.bundle()))
    for item, refusal in declined:
        builder = _BundleBuilder()
        patient = builder.add(
            {
                "resourceType": "Patient",
                "communication": [{"language": {"text": refusal.language}}],
            },
            PATIENT_SYSTEM,
            refusal.patient_id,
        )
        _consent(
            builder,
            f"{item.record_id}/consent",
            patient,
            accepted=False,
            document=f"{refusal.document_id}:{refusal.version}:{refusal.language}",
            when=refusal.declined_at,
            text_sha256=None,
            typed_name=None,
        )
        report.bundles.append((f"declined-{item.record_id}", builder.bundle()))
    for checkin_id, orphans in vitals_for.items():
        for vitals_item, _ in orphans:
            report.problems.append(
                f"vitals {vitals_item.record_id}: check-in {checkin_id} is not at the clinic yet"
            )
    return report
