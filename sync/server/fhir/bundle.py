"""The transaction Bundles a visit becomes: entries, code systems and small builders.

Every resource has an id made from an identifier of kiosk record ids (or, for a Patient, the
matching rule in patient.py): the UUIDv5 of "<system>|<value>", the same in every export. Every
entry is `PUT Type/<id>`, FHIR's update as create: the first import creates the resource, a
later one writes it again (the same, unless the nurse has acted since), so importing twice
creates nothing. No entry searches (no conditional create or update), so an engine runs it
without serializable isolation; references are literal `Type/<id>`, so they hold across
bundles. A visit with more entries than an engine takes in one transaction is written in parts
whose references point only into themselves or earlier parts. docs/fhir.md says why.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

#: The kiosk's own identifier and code systems (URNs: they name, they do not resolve).
RECORD_SYSTEM = "urn:clinic-kiosk:record"
CHECKIN_SYSTEM = "urn:clinic-kiosk:checkin"
PATIENT_MATCH_SYSTEM = "urn:clinic-kiosk:patient-match"
KIOSK_PATIENT_SYSTEM = "urn:clinic-kiosk:patient"
DEVICE_SYSTEM = "urn:clinic-kiosk:device"
STAFF_SYSTEM = "urn:clinic-kiosk:staff"
#: Codes are the screening rule codes ("phq9.item9", "history.stroke", "vitals.systolic").
FLAG_SYSTEM = "urn:clinic-kiosk:flag"
#: Codes are the health-history question ids ("uncontrolled_hypertension").
HISTORY_SYSTEM = "urn:clinic-kiosk:health-history"
#: Codes are the generic names of the kiosk's bundled drug list ("lamotrigine").
DRUG_SYSTEM = "urn:clinic-kiosk:drug"
#: Codes are the kiosk's yes / no / not sure answers.
ANSWER_SYSTEM = "urn:clinic-kiosk:answer"
#: A meta.tag code "urgent" marks what an EHR should alert on at once.
PRIORITY_SYSTEM = "urn:clinic-kiosk:priority"
QUESTIONNAIRE_BASE = "urn:clinic-kiosk:questionnaire"
#: The infusion chair's own observation codes: "moaa_s", "dissociation", "orientation",
#: "escort", "exam.<item id>", "score.<score>" and "score.<score>.<item id>".
CHAIR_SYSTEM = "urn:clinic-kiosk:chair"
#: Codes are the chair's answers: "dissociation.<rating>", "exam.<finding>".
CHAIR_ANSWER_SYSTEM = "urn:clinic-kiosk:chair-answer"
#: Codes are the ids of the clinic's `[[chair.side_effects]]` ("nausea").
SIDE_EFFECT_SYSTEM = "urn:clinic-kiosk:side-effect"

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
TERMINOLOGY = "http://terminology.hl7.org/CodeSystem"
#: SNOMED CT 47625008 Intravenous route: every infusion and drug the chair records.
INTRAVENOUS = {"coding": [{"system": SNOMED, "code": "47625008", "display": "Intravenous route"}]}


def when(moment: datetime) -> str:
    """A FHIR dateTime / instant with its offset ("Z" for UTC)."""
    return moment.isoformat().replace("+00:00", "Z")


def coding(system: str, code: str, display: str | None = None) -> dict[str, str]:
    """One Coding; the display only when there is one (FHIR forbids empty strings)."""
    found = {"system": system, "code": code}
    if display:
        found["display"] = display
    return found


def concept(text: str | None = None, *codings: dict[str, Any]) -> dict[str, Any]:
    """A CodeableConcept of the codings given and the text, leaving out whichever is empty."""
    found: dict[str, Any] = {}
    if codings:
        found["coding"] = list(codings)
    if text:
        found["text"] = text
    return found


def status_concept(code_system: str, code: str) -> dict[str, Any]:
    """A CodeableConcept of one code from an HL7 terminology code system."""
    return {"coding": [coding(f"{TERMINOLOGY}/{code_system}", code)]}


def reference(target: str) -> dict[str, str]:
    return {"reference": target}


@dataclass(frozen=True)
class RecordContext:
    """Whom a record's resources are about, the visit, and the nurse who made the record
    (references `Patient/<id>`, `Encounter/<id>`, `Practitioner/<id>`)."""

    patient: str
    encounter: str
    nurse: str


def resource_id(system: str, value: str) -> str:
    """The id of the resource with this identifier: the same in every export."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{system}|{value}"))


def reference_of(resource: dict[str, Any]) -> str:
    """The literal reference `Type/<id>` of a resource put in a bundle."""
    return f"{resource['resourceType']}/{resource['id']}"


#: The most entries one transaction Bundle holds: Medplum refuses a transaction of more than
#: 50 updates (its `maxUpdates`); a visit with more is written in parts of at most this many.
MAX_TRANSACTION_ENTRIES = 50


def put_entry(resource: dict[str, Any], given_id: str) -> dict[str, Any]:
    """A transaction entry that creates the resource under this id, or writes it again."""
    kind = resource["resourceType"]
    rest = {key: value for key, value in resource.items() if key != "resourceType"}
    return {
        "fullUrl": f"urn:uuid:{given_id}",
        "resource": {"resourceType": kind, "id": given_id, **rest},
        "request": {"method": "PUT", "url": f"{kind}/{given_id}"},
    }


def transactions(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The entries as transaction Bundles of at most MAX_TRANSACTION_ENTRIES each, in order."""
    return [
        {
            "resourceType": "Bundle",
            "type": "transaction",
            "entry": entries[start : start + MAX_TRANSACTION_ENTRIES],
        }
        for start in range(0, len(entries), MAX_TRANSACTION_ENTRIES)
    ]


#: Resources whose R4 `identifier` is one Identifier, not a list.
_ONE_IDENTIFIER = frozenset({"QuestionnaireResponse", "AdverseEvent"})


class VisitBundle:
    """Collects a visit's entries in order, and apart from them the Questionnaires it answers
    (definitions every visit shares, exported once in their own bundle)."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []
        self.definitions: dict[str, dict[str, Any]] = {}
        self._seen: set[str] = set()

    def add(self, resource: dict[str, Any], system: str, value: str) -> str:
        """Puts a resource under the id its identifier gives; returns its reference."""
        found = resource_id(system, value)
        kind = resource["resourceType"]
        if found in self._seen:  # Why: the same nurse or kiosk appears once per bundle.
            return f"{kind}/{found}"
        self._seen.add(found)
        resource = dict(resource)
        if kind in _ONE_IDENTIFIER:
            resource["identifier"] = {"system": system, "value": value}
        elif kind == "Provenance":
            # Why: R4 Provenance has no identifier; a meta tag names the record it is of.
            resource["meta"] = {
                **resource.get("meta", {}),
                "tag": [{"system": system, "code": value}],
            }
        else:
            resource["identifier"] = [
                {"system": system, "value": value},
                *resource.get("identifier", []),
            ]
        entry = put_entry(resource, found)
        self.entries.append(entry)
        return reference_of(entry["resource"])

    def add_definition(self, resource: dict[str, Any]) -> None:
        """A Questionnaire, identified by its canonical url and version."""
        found = resource_id(resource["url"], resource["version"])
        self.definitions.setdefault(found, put_entry(resource, found))
