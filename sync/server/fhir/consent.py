"""The signed (or refused) consent: a Consent, and the acknowledgements as the patient saw them.

The consent text and each acknowledgement the patient ticked become a Questionnaire in the
patient's language (the text as a display item, each acknowledgement a boolean item in the
words shown, the signature a string item) and a QuestionnaireResponse, which the Consent names
as its source (R4 `Consent.sourceReference` allows a QuestionnaireResponse). The words come from
the clinic configuration whose document id and version match the signature; if the server no
longer holds that version, the acknowledgement ids stand in for the words.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from kiosk.intake.config import ConsentDocument
from kiosk.intake.records import ConsentSignature
from kiosk.locale import translate
from sync.server.fhir.bundle import (
    LOINC,
    QUESTIONNAIRE_BASE,
    RECORD_SYSTEM,
    VisitBundle,
    coding,
    reference,
    status_concept,
    when,
)
from sync.server.fhir.questionnaires import versioned

CONSENT_DOCUMENT_SYSTEM = "urn:clinic-kiosk:consent-document"
CONSENT_TEXT_SYSTEM = "urn:clinic-kiosk:consent-text-sha256"
_URN_SAFE = re.compile(r"[A-Za-z0-9._-]+")


def _urn_part(text: str) -> str:
    """A clinic-chosen id as a URN part: kept when plain, else hex of its UTF-8."""
    return text if _URN_SAFE.fullmatch(text) else "x" + text.encode().hex()


def _questionnaire(signature: ConsentSignature, document: ConsentDocument | None) -> dict[str, Any]:
    language = signature.language
    words = {}
    items: list[dict[str, Any]] = []
    if document is not None and language in document.text:
        items.append({"linkId": "consent.text", "text": document.text[language], "type": "display"})
        words = {ack.id: ack.text.get(language, ack.id) for ack in document.acknowledgements}
    ack_ids = [ack.id for ack in document.acknowledgements] if document else []
    ack_ids += [ack for ack in signature.acknowledgements if ack not in ack_ids]
    items += [
        {"linkId": f"consent.ack.{ack}", "text": words.get(ack, ack), "type": "boolean"}
        for ack in ack_ids
    ]
    items.append(
        {
            "linkId": "consent.signature",
            "text": translate("screens.consent.signature", language),
            "type": "string",
        }
    )
    document_part = _urn_part(signature.document_id)
    return versioned(
        f"{QUESTIONNAIRE_BASE}:consent:{document_part}:{language}",
        {
            "identifier": [
                {
                    "system": CONSENT_DOCUMENT_SYSTEM,
                    "value": f"{document_part}/{_urn_part(signature.version)}",
                },
                {"system": CONSENT_TEXT_SYSTEM, "value": signature.text_sha256},
            ],
            "language": language,
            "title": translate("screens.consent.title", language),
            "status": "active",
            "subjectType": ["Patient"],
            "item": items,
        },
    )


def _consent(
    status: str, patient: str, moment: datetime, document_id: str, version: str
) -> dict[str, Any]:
    return {
        "resourceType": "Consent",
        "status": status,
        "scope": status_concept("consentscope", "treatment"),
        "category": [
            {
                "coding": [coding(LOINC, "59284-0", "Patient Consent")],
                "text": "IV ketamine infusion for chronic migraine",
            }
        ],
        "patient": reference(patient),
        "dateTime": when(moment),
        "policy": [
            {"uri": f"urn:clinic-kiosk:consent:{_urn_part(document_id)}:{_urn_part(version)}"}
        ],
    }


def add_signed_consent(
    bundle: VisitBundle,
    record_id: str,
    signature: ConsentSignature,
    document: ConsentDocument | None,
    patient: str,
    encounter: str,
) -> str:
    """The Questionnaire, the QuestionnaireResponse of what was ticked and typed, the Consent."""
    definition = _questionnaire(signature, document)
    bundle.add_definition(definition)
    ticked = set(signature.acknowledgements)
    items = []
    for item in definition["item"]:
        if item["type"] == "boolean":
            answer: dict[str, Any] = {
                "valueBoolean": item["linkId"].removeprefix("consent.ack.") in ticked
            }
        elif item["type"] == "string" and signature.typed_name.strip():
            answer = {"valueString": signature.typed_name}
        else:
            continue
        items.append({"linkId": item["linkId"], "text": item["text"], "answer": [answer]})
    response = bundle.add(
        {
            "resourceType": "QuestionnaireResponse",
            "language": signature.language,
            "questionnaire": f"{definition['url']}|{definition['version']}",
            "status": "completed",
            "subject": reference(patient),
            "encounter": reference(encounter),
            "authored": when(signature.signed_at),
            "author": reference(patient),
            "item": items,
        },
        RECORD_SYSTEM,
        f"{record_id}/consent/acknowledgements",
    )
    consent = _consent(
        "active" if signature.accepted else "rejected",
        patient,
        signature.signed_at,
        signature.document_id,
        signature.version,
    )
    consent["sourceReference"] = reference(response)
    return bundle.add(consent, RECORD_SYSTEM, f"{record_id}/consent")


def add_declined_consent(
    bundle: VisitBundle,
    record_id: str,
    patient: str,
    moment: datetime,
    document_id: str,
    version: str,
) -> str:
    """A consent the patient refused: a Consent with status rejected."""
    return bundle.add(
        _consent("rejected", patient, moment, document_id, version),
        RECORD_SYSTEM,
        f"{record_id}/consent",
    )
