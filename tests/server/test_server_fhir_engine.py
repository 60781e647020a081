"""An EHR takes the export whole: a real FHIR engine (Medplum's validator and FHIR router with
its in-memory repository, run by Node from tests/fhir_engine/) imports every bundle as a
transaction, all or nothing, and importing it again creates nothing; a returning patient is one
Patient; a visit too large for one transaction goes in as parts, in order.

The story: a Spanish-speaking patient fills every section (with text a hostile or careless
typist could produce), the nurse takes vitals with a systolic of 184, a clinician overrides that
STOP, and the nurse holds the infusion because of PHQ-9 item 9. A week later the same patient
(typing the name in other case and spacing) checks in again with no medicines and no allergies,
and is cleared.
"""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from clinic_server_harness import HOSTILE, KioskDouble, ServerHome
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
    Severity,
    StopOverride,
    TodayChecklist,
    Vitals,
)
from kiosk.intake.rules import screen_checkin, screen_vitals
from kiosk.locale import translate

EXAMPLE_OUT = Path(__file__).parents[2] / "test-artifacts" / "fhir"
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


def parts_of(bundles: dict[str, dict[str, Any]], checkin_id: str) -> list[dict[str, Any]]:
    """A visit written in parts, in the order of their names (the order to import them)."""
    prefix = f"checkin-{checkin_id}.part-"
    return [bundles[name] for name in sorted(bundles) if name.startswith(prefix)]


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
    assert kiosk.statuses([sealed_checkin.envelope]) == ["accepted"]
    arrived = export(server_home, tmp_path / "arrived")
    assert kiosk.statuses([sealed_vitals.envelope]) == ["accepted"]
    early = export(server_home, tmp_path / "early")
    assert kiosk.statuses([sealed_override.envelope, sealed_decision.envelope]) == ["accepted"] * 2

    first = export(server_home, tmp_path / "first")
    visit, definitions = first[f"checkin-{sealed_checkin.record_id}"], first["questionnaires"]
    again_export = export(server_home, tmp_path / "again")
    again = again_export[f"checkin-{sealed_checkin.record_id}"]
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
    questionnaires = {q["url"]: q for q in resources(definitions, "Questionnaire")}
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

    # The engine: the Questionnaires, then the visit, each one transaction; both validators
    # clean, every reference resolves, and the second import creates and changes nothing.
    assert len(visit["entry"]) <= 50  # a visit like this one fits in one Medplum transaction
    result = import_into_engine([definitions, visit], [again_export["questionnaires"], again])
    first_import, second_import = result["imports"]
    assert result["invalid_before"] == [] and result["invalid_stored"] == []
    assert result["unresolved"] == [] and first_import["unresolved_when_in"] == []
    assert first_import["failed"] == [] and second_import["failed"] == []
    assert sum(first_import["created"].values()) == len(definitions["entry"]) + len(visit["entry"])
    assert second_import["created"] == second_import["updated"] == {}
    assert second_import["unchanged"] == first_import["created"]
    print("first import created", first_import["created"])
    print("second import unchanged", second_import["unchanged"])

    # Exported at check-in, after the vitals and after the decision: one visit that grows.
    at_checkin, at_vitals, at_decision = import_into_engine(
        [arrived["questionnaires"], arrived[f"checkin-{sealed_checkin.record_id}"]],
        [early["questionnaires"], early[f"checkin-{sealed_checkin.record_id}"]],
        [definitions, visit],
    )["imports"]
    assert at_checkin["failed"] == at_vitals["failed"] == at_decision["failed"] == []
    assert at_vitals["updated"]["Encounter"] == 1  # arrived -> triaged, with the nurse
    assert at_vitals["created"]["DetectedIssue"] == 2  # systolic STOP, SpO2 CAUTION
    assert at_decision["updated"]["DetectedIssue"] == 1  # the systolic STOP, now overridden
    for grown in (at_vitals, at_decision):
        assert "Encounter" not in grown["created"] and "Patient" not in grown["created"]
    assert "DetectedIssue" not in at_decision["created"]
    assert at_decision["created"] == {"Practitioner": 1, "ClinicalImpression": 1, "Provenance": 1}
    print("at check-in", at_checkin)
    print("after the vitals", at_vitals)
    print("after the decision", at_decision)

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

    # The first visit's Patient, not this visit's typing of the name, in every bundle.
    assert resources(second_visit, "Patient") == resources(visit, "Patient")

    result = import_into_engine([definitions, visit], [bundles["questionnaires"], second_visit])
    _, second_week = result["imports"]
    assert result["invalid_before"] == [] and result["invalid_stored"] == []
    assert result["unresolved"] == [] and second_week["unresolved_when_in"] == []
    assert second_week["failed"] == [] and second_week["updated"] == {}
    assert second_week["created"]["Encounter"] == 1
    assert "Patient" not in second_week["created"]
    assert second_week["unchanged"]["Patient"] == 1
    assert result["stored"]["Patient"] == 1 and result["stored"]["Encounter"] == 2
    print("second visit created", second_week["created"], "unchanged", second_week["unchanged"])


def test_a_visit_the_engine_refuses_one_entry_of_leaves_nothing_of_it_behind(
    kiosk: KioskDouble, server_home: ServerHome, tmp_path: Path
) -> None:
    """A transaction is all or nothing: an EHR never holds half a visit."""
    sealed = kiosk.sealer.seal("checkin", to_payload(first_visit()))
    assert kiosk.statuses([sealed.envelope]) == ["accepted"]
    bundles = export(server_home, tmp_path / "fhir")
    visit = bundles[f"checkin-{sealed.record_id}"]
    broken = copy.deepcopy(visit)
    broken["entry"][-1]["resource"]["id"] = "not-the-id-its-url-names"  # the engine refuses it
    refused, whole = import_into_engine([bundles["questionnaires"], broken], [visit])["imports"]
    assert refused["failed"] == [{"text": "Incorrect resource ID"}]
    assert refused["created"] == {"Questionnaire": 6}
    assert whole["failed"] == [] and whole["unchanged"] == {}  # nothing of the broken one stayed
    assert sum(whole["created"].values()) == len(visit["entry"])


#: What a patient on many medicines may list (names the kiosk's drug list knows, and two it
#: does not), many of them raising flags of their own.
MANY_MEDICINES = (
    "Lamictal 100 mg", "Spravato", "Nuedexta", "memantine", "sumatriptan", "rizatriptan",
    "Percocet", "tramadol", "lorazepam", "clonazepam", "topiramate", "propranolol",
    "amitriptyline", "venlafaxine", "Aimovig", "Botox", "ondansetron", "ibuprofen", "Fioricet",
    "magnesium", "riboflavin", "melatonin", "Excedrin Migraine", "NyQuil", "zolpidem",
)  # fmt: skip


def test_the_largest_realistic_visit_goes_in_as_transactions_in_parts_in_order(
    kiosk: KioskDouble, server_home: ServerHome, tmp_path: Path
) -> None:
    """25 medicines, 6 allergies, yes to every health question, vitals taken twice (the second
    corrects the first), two STOPs overridden and two decisions: more entries than Medplum takes
    in one transaction (50), so the visit is written in parts, each a transaction whose
    references hold as soon as it is in (as an engine that checks them on write needs)."""
    config = default_config()
    checkin = replace(
        first_visit(),
        medications=MedicationList(
            False,
            tuple(Medication(name, "1 tablet", "daily") for name in MANY_MEDICINES),
            False,
            tuple(
                Allergy(name, "rash")
                for name in ("ketamina", "penicilina", "sulfa", "latex", "codeína", "morfina")
            ),
        ),  # fmt: skip
        history=HealthHistory(tuple(HistoryAnswer(t, Answer.YES, HOSTILE) for t in HISTORY_TOPICS)),
    )
    sealed_checkin = kiosk.sealer.seal("checkin", to_payload(checkin))
    taken = vitals_of(sealed_checkin.record_id, 184, 93)
    sealed_taken = kiosk.sealer.seal("vitals", to_payload(taken))
    retaken = replace(taken, taken_at=taken.taken_at + timedelta(minutes=3), systolic_mmhg=186)
    sealed_retaken = kiosk.sealer.seal(
        "vitals", to_payload(retaken), supersedes=sealed_taken.record_id
    )
    flags = (*screen_checkin(checkin, config), *screen_vitals(retaken, config))
    stops = [flag for flag in flags if flag.severity is Severity.STOP][:2]
    overrides = [
        kiosk.sealer.seal(
            "stop_override",
            to_payload(
                StopOverride(
                    sealed_checkin.record_id, stop, "Dr. Rosa Álvarez", HOSTILE, "N100",
                    retaken.taken_at + timedelta(minutes=5),
                )
            ),
        )
        for stop in stops
    ]  # fmt: skip
    decisions = [
        kiosk.sealer.seal(
            "nurse_decision",
            to_payload(
                NurseDecision(
                    sealed_checkin.record_id, sealed_retaken.record_id, nurse,
                    retaken.taken_at + timedelta(minutes=minutes), outcome, HOSTILE, flags,
                    tuple(o.record_id for o in overrides),
                )
            ),
        )
        for nurse, minutes, outcome in (
            ("N100", 10, DecisionOutcome.HOLD), ("N200", 40, DecisionOutcome.CLEARED)
        )
    ]  # fmt: skip
    sealed = [sealed_checkin, sealed_taken, sealed_retaken, *overrides, *decisions]
    assert kiosk.statuses([r.envelope for r in sealed]) == ["accepted"] * len(sealed)
    assert len(stops) == 2

    bundles = export(server_home, tmp_path / "fhir")
    parts = parts_of(bundles, sealed_checkin.record_id)
    assert len(parts) >= 2 and all(len(part["entry"]) <= 50 for part in parts)
    for part in parts:
        Bundle.model_validate(part)
    entries = sum(len(part["entry"]) for part in parts)

    again = export(server_home, tmp_path / "again")
    result = import_into_engine(
        [bundles["questionnaires"], *parts],
        [again["questionnaires"], *parts_of(again, sealed_checkin.record_id)],
    )
    first, second = result["imports"]
    assert result["invalid_before"] == [] and result["invalid_stored"] == []
    assert first["failed"] == second["failed"] == []
    assert first["unresolved_when_in"] == [] and result["unresolved"] == []
    assert sum(first["created"].values()) == len(bundles["questionnaires"]["entry"]) + entries
    assert second["created"] == second["updated"] == {}
    assert result["stored"]["MedicationStatement"] == len(MANY_MEDICINES)
    assert result["stored"]["DetectedIssue"] == len({(f.code, f.answer) for f in flags})
    assert result["stored"]["ClinicalImpression"] == 2 and result["stored"]["Encounter"] == 1
    assert result["stored"]["Observation"] == 10  # the corrected vitals, not both
    print(f"largest visit: {entries} entries in {len(parts)} parts", first["created"])


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
    assert first["failed"] == second["failed"] == []
    assert first["created"]["Consent"] == 1
    assert second["created"] == second["updated"] == {}
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
    result = import_into_engine([bundles["questionnaires"], *visits])
    assert result["imports"][0]["created"]["Patient"] == 1
    assert result["imports"][0]["created"]["Encounter"] == 2
