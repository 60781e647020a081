"""The transaction Bundle a visit becomes: conditional entries, code systems and small builders.

Every entry carries an identifier derived from kiosk record ids (or, for a Patient, from the
matching rule in patient.py), and is either a conditional create (`request.ifNoneExist` on that
identifier) or, for the few resources whose content grows as the nurse acts, a conditional
update (`PUT Type?identifier=...`). Importing the same export twice therefore creates nothing.
fullUrls are `urn:uuid:` UUIDv5 of the identifier, so the same record has the same fullUrl in
every export.
"""

from __future__ import annotations

import uuid
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

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
TERMINOLOGY = "http://terminology.hl7.org/CodeSystem"


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


def reference(full_url: str) -> dict[str, str]:
    return {"reference": full_url}


def full_url_of(system: str, value: str) -> str:
    """The fullUrl of the resource with this identifier: the same in every export."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{system}|{value}')}"


class VisitBundle:
    """Collects the entries of one transaction; returns each entry's fullUrl for references."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []
        self._seen: set[str] = set()

    def create(self, resource: dict[str, Any], system: str, value: str) -> str:
        """A conditional create: made once, matched by its identifier on every later import."""
        return self._add(resource, system, value, update=False)

    def upsert(self, resource: dict[str, Any], system: str, value: str) -> str:
        """A conditional update, for a resource the nurse's later records add to."""
        return self._add(resource, system, value, update=True)

    def create_canonical(self, resource: dict[str, Any]) -> str:
        """A conditional create of a definition (Questionnaire) by its canonical url + version."""
        url, version = resource["url"], resource["version"]
        full_url = full_url_of(url, version)
        if full_url not in self._seen:
            self._seen.add(full_url)
            self.entries.append(
                {
                    "fullUrl": full_url,
                    "resource": resource,
                    "request": {
                        "method": "POST",
                        "url": resource["resourceType"],
                        "ifNoneExist": f"url={url}&version={version}",
                    },
                }
            )
        return full_url

    def _add(self, resource: dict[str, Any], system: str, value: str, *, update: bool) -> str:
        full_url = full_url_of(system, value)
        if full_url in self._seen:  # Why: the same nurse or kiosk appears once per bundle.
            return full_url
        self._seen.add(full_url)
        kind = resource["resourceType"]
        condition = f"identifier={system}|{value}"
        if kind == "QuestionnaireResponse":
            resource["identifier"] = {"system": system, "value": value}  # R4: one Identifier
        elif kind == "Provenance":
            # Why: R4 Provenance has no identifier; a meta tag makes it conditional all the same.
            resource.setdefault("meta", {})["tag"] = [{"system": system, "code": value}]
            condition = f"_tag={system}|{value}"
        else:
            resource["identifier"] = [
                {"system": system, "value": value},
                *resource.get("identifier", []),
            ]
        request = (
            {"method": "PUT", "url": f"{kind}?{condition}"}
            if update
            else {"method": "POST", "url": kind, "ifNoneExist": condition}
        )
        self.entries.append({"fullUrl": full_url, "resource": resource, "request": request})
        return full_url

    def bundle(self) -> dict[str, Any]:
        return {"resourceType": "Bundle", "type": "transaction", "entry": self.entries}
