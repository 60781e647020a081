"""IT exports what arrived as FHIR R4 and imports kiosks' sealed-queue files: valid bundles,
entries put under ids of their own so a second import creates nothing, and imports treated like
syncs."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from clinic_server_harness import KioskDouble, RunningServer, ServerHome
from fhir.resources.R4B.bundle import Bundle
from fhir_engine import import_into_engine

from kiosk.intake.records import ConsentDeclined, Medication, MedicationList
from kiosk.locale import translate
from sync import wire


def export(home: ServerHome, out: Path) -> dict[str, dict[str, Any]]:
    assert (
        home.cli("export", "--passphrase-file", str(home.passphrase_file), "--out", str(out)) == 0
    )
    return {p.stem: json.loads(p.read_text()) for p in sorted(out.glob("*.json"))}


def test_a_check_in_with_vitals_exports_to_a_valid_fhir_transaction_that_imports_once(
    kiosk: KioskDouble, server_home: ServerHome, tmp_path: Path
) -> None:
    checkin = kiosk.seal_checkin()
    vitals = kiosk.seal_vitals(checkin.record_id)
    assert kiosk.statuses([checkin.envelope, vitals.envelope]) == ["accepted", "accepted"]
    bundles = export(server_home, tmp_path / "fhir")
    bundle = bundles[f"checkin-{checkin.record_id}"]
    Bundle.model_validate(bundle)  # R4 validation: raises on any invalid resource
    kinds = [entry["resource"]["resourceType"] for entry in bundle["entry"]]
    for expected in (
        "Patient",
        "MedicationStatement",
        "AllergyIntolerance",
        "Condition",
        "QuestionnaireResponse",
        "Consent",
        "Observation",
        "Practitioner",
        "Provenance",
    ):
        assert expected in kinds
    patient = bundle["entry"][0]["resource"]
    assert patient["name"][0]["text"] == "Ada Lovelace"
    codes = {
        coding["code"]
        for entry in bundle["entry"]
        if entry["resource"]["resourceType"] == "Observation"
        for coding in entry["resource"]["code"].get("coding", [])
    }
    assert {"85354-9", "8867-4", "59408-5", "2708-6", "8310-5", "9279-1", "29463-7"} <= codes
    assert all(e["fullUrl"].startswith("urn:uuid:") for e in bundle["entry"])
    again = export(server_home, tmp_path / "fhir-again")
    first, second = import_into_engine(
        [bundles["questionnaires"], bundle],
        [again["questionnaires"], again[f"checkin-{checkin.record_id}"]],
    )["imports"]
    assert first["failed"] == second["failed"] == []
    assert sum(first["created"].values()) == len(bundles["questionnaires"]["entry"]) + len(
        bundle["entry"]
    )
    assert second["created"] == second["updated"] == {}


def test_a_declined_consent_exports_as_a_rejected_consent(
    kiosk: KioskDouble, server_home: ServerHome, tmp_path: Path
) -> None:
    from datetime import UTC, datetime

    from kiosk.intake.codec import to_payload

    declined = ConsentDeclined("p-42", "ketamine-infusion", "3", "es", datetime.now(UTC))
    sealed = kiosk.sealer.seal("consent_declined", to_payload(declined))
    assert kiosk.statuses([sealed.envelope]) == ["accepted"]
    bundle = export(server_home, tmp_path / "fhir")[f"declined-{sealed.record_id}"]
    Bundle.model_validate(bundle)
    [consent] = resources_of(bundle, "Consent")
    assert consent["status"] == "rejected"


def test_export_with_a_wrong_passphrase_says_so_and_writes_nothing(
    server_home: ServerHome, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = tmp_path / "wrong"
    wrong.write_text("not the passphrase")
    out = tmp_path / "fhir"
    assert server_home.cli("export", "--passphrase-file", str(wrong), "--out", str(out)) == 2
    assert "wrong passphrase" in capsys.readouterr().err
    assert not out.exists()


def test_a_sealed_queue_file_imported_twice_stores_each_record_once(
    kiosk: KioskDouble, server_home: ServerHome, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = [kiosk.seal_checkin() for _ in range(3)]
    already_synced = records[0]
    assert kiosk.statuses([already_synced.envelope]) == ["accepted"]
    queue_file = tmp_path / "queue.bin"
    queue_file.write_bytes(wire.encode_queue_file([r.envelope for r in records]))
    capsys.readouterr()
    assert server_home.cli("import", str(queue_file)) == 0
    assert "imported 3 records: 2 accepted, 1 duplicate" in capsys.readouterr().out
    assert server_home.cli("import", str(queue_file)) == 0
    assert "imported 3 records: 3 duplicate" in capsys.readouterr().out


def test_an_imported_record_from_a_revoked_kiosk_is_refused(
    server: RunningServer,
    server_home: ServerHome,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    lost = KioskDouble(server.url, server_home.clinic_key())
    assert lost.enrol(server_home.enrolment_code()).status_code == 200
    assert server_home.cli("revoke", lost.device_id) == 0
    queue_file = tmp_path / "queue.bin"
    queue_file.write_bytes(wire.encode_queue_file([lost.seal_checkin().envelope]))
    capsys.readouterr()
    assert server_home.cli("import", str(queue_file)) == 0
    printed = capsys.readouterr().out
    assert "revoked" in printed
    assert "1 rejected" in printed


def test_a_file_that_is_not_a_queue_export_is_refused_in_one_line(
    server_home: ServerHome, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bogus = tmp_path / "photo.jpg"
    bogus.write_bytes(b"\xff\xd8\xff\xe0 not a queue")
    assert server_home.cli("import", str(bogus)) == 2
    err = capsys.readouterr().err
    assert "not a sealed-queue export file" in err
    assert err.count("\n") == 1


def resources_of(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_an_exported_check_in_reads_as_a_clinician_expects(
    kiosk: KioskDouble, server_home: ServerHome, tmp_path: Path
) -> None:
    """Conditions carry the question's words and a stable code, medications the generic name
    beside what the patient typed, and checklist times are dateTimes, not strings."""
    checkin = kiosk.seal_checkin(
        medications=MedicationList(
            False,
            (
                Medication("Lamictal 100 mg", "100 mg", "twice daily"),
                Medication("my grandmother's tea", "", "daily"),
            ),
            True,
            (),
        )
    )
    assert kiosk.statuses([checkin.envelope]) == ["accepted"]
    bundle = export(server_home, tmp_path / "fhir")[f"checkin-{checkin.record_id}"]
    Bundle.model_validate(bundle)

    seizures = next(
        c
        for c in resources_of(bundle, "Condition")
        if c["code"]["coding"][-1]["code"] == "seizures"
    )
    assert seizures["code"]["coding"][-1]["system"] == "urn:clinic-kiosk:health-history"
    assert seizures["code"]["text"] == translate("questions.history.seizures", "en")
    assert "_" not in seizures["code"]["text"]

    lamictal, tea = (
        m["medicationCodeableConcept"] for m in resources_of(bundle, "MedicationStatement")
    )
    assert lamictal["text"] == "Lamictal 100 mg"
    assert [c["code"] for c in lamictal["coding"]] == ["lamotrigine"]
    assert tea == {"text": "my grandmother's tea"}

    checklist = next(
        q
        for q in resources_of(bundle, "QuestionnaireResponse")
        if q["questionnaire"].startswith("urn:clinic-kiosk:questionnaire:checklist:")
    )
    answers = {item["linkId"]: item["answer"][0] for item in checklist["item"]}
    for link_id in ("checklist.last_food", "checklist.last_clear_liquid"):
        assert set(answers[link_id]) == {"valueDateTime"}
        assert datetime.fromisoformat(answers[link_id]["valueDateTime"]).tzinfo is not None
