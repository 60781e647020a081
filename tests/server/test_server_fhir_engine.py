"""An EHR takes the export whole: a real FHIR engine (Medplum's validator and FHIR router with
its in-memory repository, run by Node from tests/fhir_engine/) imports each visit's transaction
Bundle, and importing it again creates nothing; a returning patient is one Patient.

The story: a Spanish-speaking patient fills every section (with text a hostile or careless
typist could produce), the nurse takes vitals with a systolic of 184, a clinician overrides that
STOP, and the nurse holds the infusion because of PHQ-9 item 9. A week later the same patient
(typing the name in other case and spacing) checks in again with no medicines and no allergies,
and is cleared.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from clinic_server_harness import KioskDouble, ServerHome
from fhir.resources.R4B.bundle import Bundle
from fhir_engine import import_into_engine

from kiosk.intake.codec import to_payload
from kiosk.intake.config import default_config
from kiosk.intake.questions import HISTORY_TOPICS
from kiosk.intake.records import (
    Allergy,
    Answer,
    CheckIn,
    ConsentDeclined,
    ConsentSignature,
    DecisionOutcome,
    HealthHistory,
    HistoryAnswer,
    Identity,
    Medication,
    MedicationList,
    Midas,
    MigraineHistory,
    NurseDecision,
    Phq9,
    PregnancyAnswer,
    PregnancyTest,
    StopOverride,
    TodayChecklist,
    Vitals,
)
from kiosk.intake.rules import screen_checkin, screen_vitals
from kiosk.locale import translate

EXAMPLE_OUT = Path(__file__).parents[2] / "test-artifacts" / "fhir"
HOSTILE = (
    "<script>alert('x')</script> \"quoted\" a|b&c=d,e$f\\g %41 '; DROP TABLE patients;-- "
    "😀 偏头痛 مرحبا Ñandú"
)
pytestmark = pytest.mark.parametrize("server_home", ["sqlite"], indirect=True)


def export(home: ServerHome, out: Path) -> dict[str, dict[str, Any]]:
    assert (
        home.cli("export", "--passphrase-file", str(home.passphrase_file), "--out", str(out)) == 0
    )
    return {p.stem: json.loads(p.read_text()) for p in sorted(out.glob("*.json"))}


def empty_elements(value: Any, where: str = "") -> list[str]:
    """Every place where the JSON holds "", [], {} or null: FHIR forbids them all."""
    if value in ("", [], {}, None):
        return [where]
    if isinstance(value, dict):
        return [p for key, inner in value.items() for p in empty_elements(inner, f"{where}.{key}")]
    if isinstance(value, list):
        return [p for n, inner in enumerate(value) for p in empty_elements(inner, f"{where}[{n}]")]
    return []


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def by_flag(bundle: dict[str, Any], code: str) -> dict[str, Any]:
    return next(
        issue
        for issue in resources(bundle, "DetectedIssue")
        if issue["code"]["coding"][0]["code"] == code
    )


def first_visit() -> CheckIn:
    at = datetime(2026, 3, 2, 14, 5, tzinfo=UTC)
    document = default_config().consent
    detail = {"stroke": HOSTILE, "seizures": "as a child", "heart_disease": ""}
    answers = {"stroke": Answer.YES, "seizures": Answer.YES, "glaucoma": Answer.NOT_SURE}
    # Treated high blood pressure, well controlled: a Condition with its control as a note.
    answers |= {"high_blood_pressure": Answer.YES, "high_blood_pressure_controlled": Answer.YES}
    return CheckIn(
        patient_id="kiosk-visit-1",
        language="es",
        started_at=at - timedelta(minutes=12),
        submitted_at=at,
        identity=Identity(
            "Zoë O'Brien-Nuñez", "Zo", date(1985, 12, 10), "+1 555 0100", "Ana Nuñez", "+1 555 0101"
        ),
        medications=MedicationList(
            False,
            (
                Medication("Lamictal 100 mg", "100 mg", "dos veces al día"),
                Medication("Spravato", "", "", as_needed=True, last_dose_at=at - timedelta(days=3)),
                Medication(HOSTILE, "1 | 2 & 3", ""),
            ),
            False,
            (Allergy("ketamina", "alucinaciones"), Allergy("penicilina", "")),
        ),
        history=HealthHistory(
            tuple(
                HistoryAnswer(t, answers.get(t, Answer.NO), detail.get(t, ""))
                for t in HISTORY_TOPICS
            )
        ),
        migraine=MigraineHistory(
            18,
            12,
            8,
            Answer.YES,
            HOSTILE,
            Answer.YES,
            "me mareé; " + HOSTILE * 20,
            Midas((5, 3, 4, 2, 6), 45, 7),
        ),  # fmt: skip
        phq9=Phq9((1, 1, 0, 2, 1, 0, 0, 1, 2)),
        checklist=TodayChecklist(
            at - timedelta(hours=2),
            at - timedelta(hours=3),
            True,
            "Ana Nuñez",
            "+1 555 0101",
            Answer.YES,
            Answer.NOT_SURE,
            Answer.NO,
            PregnancyAnswer.NOT_APPLICABLE,
        ),  # fmt: skip
        consent=ConsentSignature(
            document.document_id,
            document.version,
            "es",
            document.text_sha256("es"),
            tuple(ack.id for ack in document.acknowledgements),
            "Zoë O'Brien-Nuñez",
            at,
            True,
        ),  # fmt: skip
    )


def vitals_of(checkin_id: str, systolic: int, spo2: int) -> Vitals:
    return Vitals(
        checkin_id, "N100", datetime(2026, 3, 2, 14, 30, tzinfo=UTC), systolic, 96, 72, spo2, 36.8,
        14, 68.5, 3, PregnancyTest.NEGATIVE,
    )  # fmt: skip


def test_a_whole_visit_imports_into_a_real_fhir_engine_once_and_a_returning_patient_stays_one(
    kiosk: KioskDouble, server_home: ServerHome, tmp_path: Path
) -> None:
    config = default_config()
    checkin = first_visit()
    sealed_checkin = kiosk.sealer.seal("checkin", to_payload(checkin))
    vitals = vitals_of(sealed_checkin.record_id, 184, 93)
    sealed_vitals = kiosk.sealer.seal("vitals", to_payload(vitals))
    flags = (*screen_checkin(checkin, config), *screen_vitals(vitals, config))
    stop = next(flag for flag in flags if flag.code == "vitals.systolic")
    override = StopOverride(
        sealed_checkin.record_id, stop, "Dr. Rosa Álvarez", "Repeat 168/96 seated; " + HOSTILE,
        "N100", vitals.taken_at + timedelta(minutes=5),
    )  # fmt: skip
    sealed_override = kiosk.sealer.seal("stop_override", to_payload(override))
    decision = NurseDecision(
        sealed_checkin.record_id, sealed_vitals.record_id, "N100",
        vitals.taken_at + timedelta(minutes=10), DecisionOutcome.HOLD,
        "PHQ-9 item 9: the psychiatrist sees the patient first. " + HOSTILE, flags,
        (sealed_override.record_id,),
    )  # fmt: skip
    sealed_decision = kiosk.sealer.seal("nurse_decision", to_payload(decision))
    assert kiosk.statuses([sealed_checkin.envelope, sealed_vitals.envelope]) == ["accepted"] * 2
    before_decision = export(server_home, tmp_path / "early")[f"checkin-{sealed_checkin.record_id}"]
    assert kiosk.statuses([sealed_override.envelope, sealed_decision.envelope]) == ["accepted"] * 2

    visit = export(server_home, tmp_path / "first")[f"checkin-{sealed_checkin.record_id}"]
    again = export(server_home, tmp_path / "again")[f"checkin-{sealed_checkin.record_id}"]
    EXAMPLE_OUT.mkdir(parents=True, exist_ok=True)
    (EXAMPLE_OUT / "example-visit.json").write_text(json.dumps(visit, indent=1, ensure_ascii=False))
    Bundle.model_validate(visit)
    assert empty_elements(visit) == []

    # What the nurse was warned of reaches the EHR, the urgent one marked to alert on.
    phq9 = by_flag(visit, "phq9.item9")
    assert phq9["severity"] == "high"
    assert phq9["meta"]["tag"] == [{"system": "urn:clinic-kiosk:priority", "code": "urgent"}]
    [alert] = resources(visit, "Flag")
    assert alert["status"] == "active" and alert["code"]["coding"][0]["code"] == "phq9.item9"
    systolic = by_flag(visit, "vitals.systolic")
    [mitigation] = systolic["mitigation"]
    assert "Dr. Rosa Álvarez" in mitigation["action"]["text"]
    assert HOSTILE in mitigation["action"]["text"]
    assert by_flag(visit, "checklist.last_food")["severity"] == "moderate"
    assert by_flag(visit, "allergy.ketamine")["evidence"][0]["detail"]
    [held] = resources(visit, "ClinicalImpression")
    assert held["description"] == "hold" and HOSTILE in held["summary"]
    observations = {
        o["code"]["coding"][0]["code"] if "coding" in o["code"] else o["code"]["text"]: o
        for o in resources(visit, "Observation")
    }
    bp = observations["85354-9"]
    assert observations["44261-6"]["valueInteger"] == 8
    assert bp["component"][0]["interpretation"][0]["coding"][0]["code"] == "HH"

    # Every answer, in the words the patient read (Spanish), with codes where they are published.
    questionnaires = {q["url"]: q for q in resources(visit, "Questionnaire")}
    phq9_form = questionnaires["urn:clinic-kiosk:questionnaire:phq9:es"]
    assert phq9_form["code"][0]["code"] == "44249-1"
    assert phq9_form["item"][8]["code"][0]["code"] == "44260-8"
    assert phq9_form["item"][0]["text"] == translate("questions.phq9.item1", "es")
    assert "Stewart" in questionnaires["urn:clinic-kiosk:questionnaire:midas:es"]["copyright"]
    answered = {
        item["linkId"]: item
        for response in resources(visit, "QuestionnaireResponse")
        for item in response["item"]
    }
    assert answered["migraine.preventives_tried"]["answer"][0]["valueString"] == HOSTILE
    assert answered["migraine.earlier_ketamine_outcome"]["answer"][0]["valueString"].startswith(
        "me mareé"
    )
    assert answered["checklist.driver_name"]["answer"][0]["valueString"] == "Ana Nuñez"
    assert answered["phq9.item9"]["answer"][0]["valueCoding"]["code"] == "LA6570-1"
    assert answered["history.stroke.detail"]["answer"][0]["valueString"] == HOSTILE
    ack = default_config().consent.acknowledgements[0]
    assert answered[f"consent.ack.{ack.id}"]["text"] == ack.text["es"]
    conditions = {c["code"]["coding"][-1]["code"]: c for c in resources(visit, "Condition")}
    assert conditions["glaucoma"]["verificationStatus"]["coding"][0]["code"] == "unconfirmed"
    assert conditions["seizures"]["code"]["coding"][0]["code"] == "91175000"
    pressure = conditions["high_blood_pressure"]
    assert pressure["code"]["coding"][0]["code"] == "38341003"
    assert pressure["note"] == [{"text": "Controlled now: yes"}]
    assert "high_blood_pressure_controlled" not in conditions  # a control answer, no condition
    pregnancy = answered["checklist.may_be_pregnant"]["answer"][0]["valueCoding"]
    assert pregnancy["code"] == "not_applicable"
    spravato = next(
        m for m in resources(visit, "MedicationStatement")
        if m["medicationCodeableConcept"]["text"] == "Spravato"
    )  # fmt: skip
    assert spravato["dosage"] == [{"asNeededBoolean": True}]

    # The engine: both validators clean, every reference resolves, the second import makes nothing.
    result = import_into_engine([visit], [again])
    first, second = result["imports"]
    assert result["invalid_before"] == [] and result["invalid_stored"] == []
    assert result["unresolved"] == []
    assert first["failed"] == [] and second["failed"] == []
    assert sum(first["created"].values()) == len(visit["entry"])
    assert second["created"] == {}
    assert second["matched"] == first["created"]
    print("first import created", first["created"])
    print("second import created", second["created"], "matched", second["matched"])

    # Imported before the nurse decided, then after: the same visit and flags, updated in place.
    early, late = import_into_engine([before_decision], [visit])["imports"]
    assert early["created"]["DetectedIssue"] == late["matched"]["DetectedIssue"] == len(flags)
    assert set(late["created"]) == {"ClinicalImpression", "Practitioner", "Provenance"}
    assert late["matched"]["Encounter"] == 1

    # A week later: same person, typed differently; no medicines, no allergies, nothing flagged.
    week = timedelta(days=7)
    returning = replace(
        checkin,
        patient_id="kiosk-visit-2",
        started_at=checkin.started_at + week,
        submitted_at=checkin.submitted_at + week,
        identity=replace(checkin.identity, legal_name="  zoë  o'brien-nuñez "),
        medications=MedicationList(True, (), True, ()),
        history=HealthHistory(tuple(HistoryAnswer(t, Answer.NO) for t in HISTORY_TOPICS)),
        phq9=Phq9((0,) * 9),
        checklist=replace(
            checkin.checklist,
            last_food_at=checkin.submitted_at + week - timedelta(hours=6),
            last_clear_liquid_at=checkin.submitted_at + week - timedelta(hours=3),
            alcohol_or_drugs_24h=Answer.NO,
        ),
    )
    assert screen_checkin(returning, config) == ()
    sealed_return = kiosk.sealer.seal("checkin", to_payload(returning))
    calm = replace(vitals_of(sealed_return.record_id, 128, 98), taken_at=vitals.taken_at + week)
    sealed_calm = kiosk.sealer.seal("vitals", to_payload(calm))
    cleared = NurseDecision(
        sealed_return.record_id, sealed_calm.record_id, "N100",
        calm.taken_at + timedelta(minutes=5), DecisionOutcome.CLEARED, "", (), (),
    )  # fmt: skip
    sealed_cleared = kiosk.sealer.seal("nurse_decision", to_payload(cleared))
    later = [sealed_return, sealed_calm, sealed_cleared]
    assert kiosk.statuses([r.envelope for r in later]) == ["accepted"] * 3
    bundles = export(server_home, tmp_path / "week-later")
    second_visit = bundles[f"checkin-{sealed_return.record_id}"]
    Bundle.model_validate(second_visit)
    assert empty_elements(second_visit) == []
    [nothing_known] = resources(second_visit, "AllergyIntolerance")
    assert nothing_known["code"]["coding"][0]["code"] == "716186003"
    [no_medicines] = resources(second_visit, "List")
    assert no_medicines["emptyReason"]["coding"][0]["code"] == "nilknown"

    result = import_into_engine([visit], [second_visit])
    first_week, second_week = result["imports"]
    assert result["invalid_before"] == [] and result["invalid_stored"] == []
    assert result["unresolved"] == []
    assert second_week["failed"] == []
    assert second_week["created"]["Encounter"] == 1
    assert "Patient" not in second_week["created"]
    assert second_week["matched"]["Patient"] == 1
    assert result["stored"]["Patient"] == 1 and result["stored"]["Encounter"] == 2
    print("second visit created", second_week["created"], "matched", second_week["matched"])


def test_a_declined_consent_goes_in_as_one_real_transaction_and_only_once(
    kiosk: KioskDouble, server_home: ServerHome, tmp_path: Path
) -> None:
    refusal = ConsentDeclined("kiosk-declined", "ketamine-infusion", "3", "es", datetime.now(UTC))
    sealed = kiosk.sealer.seal("consent_declined", to_payload(refusal))
    assert kiosk.statuses([sealed.envelope]) == ["accepted"]
    bundle = export(server_home, tmp_path / "fhir")[f"declined-{sealed.record_id}"]
    assert empty_elements(bundle) == []
    result = import_into_engine([bundle], [bundle])
    first, second = result["imports"]
    assert first["modes"] == second["modes"] == ["transaction"]
    assert first["created"]["Consent"] == 1 and second["created"] == {}
    assert result["invalid_before"] == [] and result["invalid_stored"] == []
    assert result["unresolved"] == []


def test_two_people_with_one_name_and_birth_date_become_one_patient_and_it_says_so(
    kiosk: KioskDouble,
    server_home: ServerHome,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    twin = Identity("Alex Kim", "", date(1990, 1, 1), "+1 555 0199", "", "")
    other = replace(twin, phone="+1 555 0288")
    checkins = [
        kiosk.sealer.seal("checkin", to_payload(replace(first_visit(), identity=who)))
        for who in (twin, other)
    ]
    assert kiosk.statuses([c.envelope for c in checkins]) == ["accepted"] * 2
    capsys.readouterr()
    bundles = export(server_home, tmp_path / "fhir")
    printed = capsys.readouterr().out
    assert "share a legal name and birth date but not a phone number" in printed
    assert all(c.record_id in printed for c in checkins)
    visits = [bundles[f"checkin-{c.record_id}"] for c in checkins]
    result = import_into_engine(visits)
    assert result["imports"][0]["created"]["Patient"] == 1
    assert result["imports"][0]["created"]["Encounter"] == 2
