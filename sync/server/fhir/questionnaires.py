"""The question sets as Questionnaires, and the patient's answers as QuestionnaireResponses.

A Questionnaire is built from kiosk/intake/questions.py and the patient's language in
kiosk/locale, so its item text is the text the patient read. Its canonical URL names the set
and the language (`urn:clinic-kiosk:questionnaire:phq9:es`); its version is a digest of its
content, so changed wording is a new version and the same wording is the same resource on
every import. PHQ-9 carries the LOINC panel, item and answer codes; MIDAS keeps its attribution
and no code (LOINC's MIDAS terms are not shipped here, and none is invented).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from kiosk.intake.questions import (
    ANSWER_KEYS,
    DETAIL_PROMPT_KEY,
    HEALTH_HISTORY,
    MIDAS,
    MIGRAINE_HISTORY,
    PHQ9,
    PREGNANCY_ANSWER_KEYS,
    TODAY_CHECKLIST,
    AnswerKind,
    Question,
    QuestionSet,
)
from kiosk.intake.records import Answer, CheckIn, PregnancyAnswer
from kiosk.locale import translate
from sync.server.fhir.bundle import (
    ANSWER_SYSTEM,
    LOINC,
    QUESTIONNAIRE_BASE,
    RECORD_SYSTEM,
    VisitBundle,
    coding,
    reference,
    when,
)

PHQ9_PANEL = coding(LOINC, "44249-1", "PHQ-9 quick depression assessment panel")
#: LOINC item codes of PHQ-9 items 1-9, in order.
PHQ9_ITEM_CODES = (
    "44250-9",
    "44255-8",
    "44259-0",
    "44254-1",
    "44251-7",
    "44258-2",
    "44252-5",
    "44253-3",
    "44260-8",
)
#: LOINC answer codes of the PHQ-9 options 0-3 ("Not at all" ... "Nearly every day").
PHQ9_ANSWER_CODES = ("LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9")
_TYPES = {
    AnswerKind.YES_NO_UNSURE: "choice",
    AnswerKind.YES_NO_UNSURE_OR_NOT_APPLICABLE: "choice",
    AnswerKind.YES_NO: "boolean",
    AnswerKind.WHOLE_NUMBER: "integer",
    AnswerKind.SCALE: "choice",
    AnswerKind.TIME_TAKEN: "dateTime",
    AnswerKind.NAME: "string",
    AnswerKind.PHONE: "string",
    AnswerKind.TEXT: "string",
}
_ANSWERS = tuple(Answer)
_PREGNANCY_ANSWERS = tuple(PregnancyAnswer)
#: A value the patient gave: yes / no / not sure (or "does not apply", for pregnancy), a number,
#: a PHQ-9 option, a time, text.
Value = Answer | PregnancyAnswer | bool | int | str | datetime


def _answer_coding(answer: Answer | PregnancyAnswer, language: str) -> dict[str, str]:
    if isinstance(answer, PregnancyAnswer):
        key = PREGNANCY_ANSWER_KEYS[_PREGNANCY_ANSWERS.index(answer)]
    else:
        key = ANSWER_KEYS[_ANSWERS.index(answer)]
    return coding(ANSWER_SYSTEM, answer.value, translate(key, language))


def _phq9_coding(score: int, language: str) -> dict[str, str]:
    return coding(LOINC, PHQ9_ANSWER_CODES[score], translate(PHQ9.option_keys[score], language))


def _enable_when(parent: Question, link_id: str) -> dict[str, Any]:
    if parent.kind is AnswerKind.YES_NO:
        return {"enableWhen": [{"question": link_id, "operator": "=", "answerBoolean": True}]}
    shown = [Answer.YES, Answer.NOT_SURE]
    return {
        "enableWhen": [
            {"question": link_id, "operator": "=", "answerCoding": coding(ANSWER_SYSTEM, a.value)}
            for a in shown
        ],
        "enableBehavior": "any",
    }


def _items(questions: QuestionSet, language: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for number, question in enumerate(questions.questions):
        link_id = f"{questions.id}.{question.id}"
        item: dict[str, Any] = {
            "linkId": link_id,
            "text": translate(question.text_key, language),
            "type": _TYPES[question.kind],
        }
        if questions is PHQ9:
            item["code"] = [coding(LOINC, PHQ9_ITEM_CODES[number])]
            item["answerOption"] = [
                {"valueCoding": _phq9_coding(score, language)} for score in range(4)
            ]
        elif question.kind is AnswerKind.YES_NO_UNSURE:
            item["answerOption"] = [{"valueCoding": _answer_coding(a, language)} for a in _ANSWERS]
        elif question.kind is AnswerKind.YES_NO_UNSURE_OR_NOT_APPLICABLE:
            item["answerOption"] = [
                {"valueCoding": _answer_coding(a, language)} for a in _PREGNANCY_ANSWERS
            ]
        if question.follow_up_of is not None:
            parent = questions.question(question.follow_up_of)
            item.update(_enable_when(parent, f"{questions.id}.{parent.id}"))
        items.append(item)
        if questions is HEALTH_HISTORY:
            detail = {
                "linkId": f"{link_id}.detail",
                "text": translate(DETAIL_PROMPT_KEY, language),
                "type": "string",
            }
            items.append(detail | _enable_when(question, link_id))
    return items


def versioned(url: str, body: dict[str, Any]) -> dict[str, Any]:
    """A Questionnaire with its canonical URL and a version that is a digest of its content."""
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]
    return {"resourceType": "Questionnaire", "url": url, "version": digest, **body}


def questionnaire(questions: QuestionSet, language: str) -> dict[str, Any]:
    """The Questionnaire of one question set, worded in the patient's language."""
    body: dict[str, Any] = {
        "language": language,
        "title": translate(questions.title_key, language),
        "status": "active",
        "subjectType": ["Patient"],
        "item": _items(questions, language),
    }
    if questions.intro_key is not None:
        body["description"] = translate(questions.intro_key, language)
    if questions.attribution_key is not None:
        body["copyright"] = translate(questions.attribution_key, language)
    if questions is PHQ9:
        body["code"] = [PHQ9_PANEL]
    return versioned(f"{QUESTIONNAIRE_BASE}:{questions.id}:{language}", body)


def _given(checkin: CheckIn) -> dict[str, Mapping[str, Value]]:
    """What the patient answered, by question set and linkId (questions not asked are absent)."""
    history: dict[str, Value] = {}
    for answer in checkin.history.answers:
        history[f"history.{answer.question_id}"] = answer.answer
        history[f"history.{answer.question_id}.detail"] = answer.detail
    migraine = checkin.migraine
    midas = migraine.midas
    checklist = checkin.checklist
    return {
        "history": history,
        "migraine": {
            "migraine.headache_days_per_month": migraine.headache_days_per_month,
            "migraine.migraine_days_per_month": migraine.migraine_days_per_month,
            "migraine.typical_pain": migraine.typical_pain,
            "migraine.aura": migraine.aura,
            "migraine.preventives_tried": migraine.preventives_tried,
            "migraine.earlier_ketamine": migraine.earlier_ketamine,
            "migraine.earlier_ketamine_outcome": migraine.earlier_ketamine_outcome,
        },
        "midas": {
            **{f"midas.item{n}": days for n, days in enumerate(midas.items, start=1)},
            "midas.headache_days_3_months": midas.headache_days_3_months,
            "midas.average_pain": midas.average_pain,
        },
        "phq9": {f"phq9.item{n}": score for n, score in enumerate(checkin.phq9.items, start=1)},
        "checklist": {
            "checklist.last_food": checklist.last_food_at,
            "checklist.last_clear_liquid": checklist.last_clear_liquid_at,
            "checklist.has_driver": checklist.has_driver,
            "checklist.driver_name": checklist.driver_name if checklist.has_driver else "",
            "checklist.driver_phone": checklist.driver_phone if checklist.has_driver else "",
            "checklist.took_regular_medications": checklist.took_regular_medications,
            "checklist.alcohol_or_drugs_24h": checklist.alcohol_or_drugs_24h,
            "checklist.feeling_unwell": checklist.feeling_unwell,
            "checklist.may_be_pregnant": checklist.may_be_pregnant,
        },
    }


def answer_value(item: dict[str, Any], value: Value, language: str) -> dict[str, Any] | None:
    """The QuestionnaireResponse answer for a value, or None for text left empty."""
    if isinstance(value, Answer | PregnancyAnswer):
        return {"valueCoding": _answer_coding(value, language)}
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, datetime):
        return {"valueDateTime": when(value)}
    if isinstance(value, int):
        if item.get("code") and item["code"][0]["code"] in PHQ9_ITEM_CODES:
            return {"valueCoding": _phq9_coding(value, language)}
        return {"valueInteger": value}
    return {"valueString": value} if value.strip() else None


def response_items(
    definition: dict[str, Any], given: Mapping[str, Value], language: str
) -> list[dict[str, Any]]:
    """One response item per question answered, with the question's text as the patient read it."""
    items = []
    for item in definition["item"]:
        if item["linkId"] not in given:
            continue
        answer = answer_value(item, given[item["linkId"]], language)
        if answer is not None:
            items.append({"linkId": item["linkId"], "text": item["text"], "answer": [answer]})
    return items


def add_responses(
    bundle: VisitBundle,
    record_id: str,
    checkin: CheckIn,
    patient: str,
    encounter: str,
) -> dict[str, str]:
    """A Questionnaire and a QuestionnaireResponse per question set; response references by set."""
    given = _given(checkin)
    responses = {}
    for questions in (HEALTH_HISTORY, MIGRAINE_HISTORY, MIDAS, PHQ9, TODAY_CHECKLIST):
        definition = questionnaire(questions, checkin.language)
        bundle.add_definition(definition)
        response: dict[str, Any] = {
            "resourceType": "QuestionnaireResponse",
            "language": checkin.language,
            "questionnaire": f"{definition['url']}|{definition['version']}",
            "status": "completed",
            "subject": reference(patient),
            "encounter": reference(encounter),
            "authored": when(checkin.submitted_at),
            "author": reference(patient),
            "source": reference(patient),
        }
        items = response_items(definition, given[questions.id], checkin.language)
        if items:
            response["item"] = items
        responses[questions.id] = bundle.add(
            response, RECORD_SYSTEM, f"{record_id}/questionnaire/{questions.id}"
        )
    return responses
