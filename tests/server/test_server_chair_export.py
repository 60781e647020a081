"""The infusion chair reaches the clinic server and the EHR: every chair record a kiosk sends is
stored like any record (a damaged one refused in one line), nothing of it is readable at rest,
and the export carries the infusion into a real FHIR engine (Medplum, tests/fhir_engine).

The story: a patient checks in at a real kiosk, is signed off and cleared, and sits in the
chair; through the kiosk's own desk (ChairDesk) and store the nurse examines, enters the
clinician's order (ketamine 0.5 mg/kg/h), starts the pump, turns it up to 0.6, treats nausea
with ondansetron and turns it back to 0.5, pauses it for a kinked line, sets 0.4 to resume at,
resumes, stops at 45 minutes, watches the recovery, scores, checks orientation and the escort,
and signs the discharge. Along the way she corrects a mistyped blood pressure and withdraws a
side effect entered on the wrong chair. The kiosk syncs to a real clinic server on loopback, and
the clinic exports halfway through and again after the discharge. (Damaged records and the
canary are sealed by a kiosk double: a real kiosk refuses to write a damaged record.)
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from clinic_server_harness import HOSTILE, KioskDouble, ServerHome, make_home, start_server
from fhir.resources.R4B.bundle import Bundle
from fhir_engine import import_into_engine

from kiosk.desk.chair_desk import ChairDesk
from kiosk.desk.enrolment import enroll
from kiosk.desk.facade import Kiosk
from kiosk.intake.chair.log import ChairEntry
from kiosk.intake.chair.records import (
    CHAIR_RECORD_KINDS,
    ChairVitals,
    Dissociation,
    EnteredInError,
    InfusionOrder,
    InfusionPause,
    InfusionResume,
    InfusionStart,
    InfusionStop,
    Rate,
    RateChange,
    RateUnit,
    SideEffect,
    SideEffectAction,
    StopReason,
)
from kiosk.intake.codec import SCHEMA_VERSION, kind_of, to_payload
from kiosk.intake.records import StopOverride
from kiosk.vault import SealedRecord
from sync import wire
from sync.client.engine import SyncOutcome
from tests.attacks.attack_canaries import find_canaries
from tests.chair_examples import ChairLog, example_session, order_fields, vitals_fields
from tests.chair_seating import NURSE, NURSE_PIN, cleared_patient
from tests.examples import example_checkin
from tests.sync.clinic_harness import CHEAP_SLOTS, ClinicServer, engine_for

#: The clinic server of the module, on SQLite (the export reads both databases alike).
on_sqlite = pytest.mark.parametrize("server_home", ["sqlite"], indirect=True)


def export(home: ServerHome, out: Path) -> dict[str, dict[str, Any]]:
    assert (
        home.cli("export", "--passphrase-file", str(home.passphrase_file), "--out", str(out)) == 0
    )
    return {p.stem: json.loads(p.read_text()) for p in sorted(out.glob("*.json"))}


def visit_parts(bundles: dict[str, dict[str, Any]], checkin_id: str) -> list[dict[str, Any]]:
    """The visit's bundle, or its parts in the order of their names (the order to import)."""
    names = [name for name in sorted(bundles) if name.startswith(f"checkin-{checkin_id}")]
    return [bundles[name] for name in names]


def resources(parts: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [
        entry["resource"]
        for part in parts
        for entry in part["entry"]
        if entry["resource"]["resourceType"] == kind
    ]


def counted(parts: list[dict[str, Any]]) -> Counter[str]:
    return Counter(entry["resource"]["resourceType"] for part in parts for entry in part["entry"])


def coded(observation: dict[str, Any]) -> tuple[str, str] | None:
    """The system and code of an Observation's first coding (None for one in words alone)."""
    codings = observation["code"].get("coding", [])
    return (codings[0]["system"], codings[0]["code"]) if codings else None


def at(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def seal(kiosk: KioskDouble, entry: ChairEntry) -> SealedRecord:
    """A chair entry sealed as the kiosk seals it: its own record id and what it supersedes."""
    return kiosk.sealer.seal(
        kind_of(entry.record),
        to_payload(entry.record),
        record_id=entry.record_id,
        supersedes=entry.supersedes,
        schema=SCHEMA_VERSION,
    )


def the_session(log: ChairLog) -> tuple[ChairLog, str, str]:
    """The whole session in `log`, the mistyped blood pressure's record id and the withdrawn
    side effect's."""
    example_session(log)
    mistyped = next(
        entry.record_id
        for entry in log.entries
        if isinstance(entry.record, ChairVitals) and entry.record.happened_at == log.at(30)
    )
    log.add(
        ChairVitals,
        30,
        entered=33,
        supersedes=mistyped,
        **vitals_fields(systolic_mmhg=146, dissociation=Dissociation.MILD),
    )
    wrong_chair = log.add(
        SideEffect,
        35,
        effect_id="dizziness",
        detail="",
        action=SideEffectAction.NONE,
        action_detail="",
        action_at=None,
    )
    log.add(EnteredInError, 35, entered=36, supersedes=wrong_chair, reason="Wrong chair")
    log.add(InfusionPause, 36, reason=f"IV line kinked {HOSTILE}")
    rate = Rate(0.4, RateUnit.MG_PER_KG_PER_HOUR)
    log.add(RateChange, 37, rate=rate, reason="Restart lower")
    log.add(InfusionResume, 38)
    return log, mistyped, wrong_chair


@contextlib.contextmanager
def enrolled_kiosk(
    tmp_path: Path, published: str | None = None
) -> Iterator[tuple[Kiosk, ClinicServer]]:
    """A real kiosk (its own store and keys) enrolled with a real clinic server on loopback,
    running on the configuration the clinic published first (`published`, TOML), if any."""
    server = ClinicServer(tmp_path / "clinic-server").start()
    data = tmp_path / "kiosk-data"
    try:
        if published is not None:
            (tmp_path / "clinic.toml").write_text(published)
            server.admin("publish-config", str(tmp_path / "clinic.toml"))
        made = Kiosk.init(data, demo=True, keyslot_cost=CHEAP_SLOTS)
        try:
            enroll(made, server.url, server.enrolment_code(), name="chairs")
        finally:
            made.close()
        kiosk = Kiosk.open(data)  # as the kiosk starts: with the configuration enrolment pulled
        try:
            yield kiosk, server
        finally:
            kiosk.close()
    finally:
        server.stop()


@pytest.fixture
def kiosk_and_clinic(tmp_path: Path) -> Iterator[tuple[Kiosk, ClinicServer]]:
    with enrolled_kiosk(tmp_path) as both:
        yield both


def clinic_export(server: ClinicServer, out: Path) -> dict[str, dict[str, Any]]:
    """IT exports what the clinic server holds."""
    passphrase = server.home.parent / "passphrase"
    server.admin("export", "--passphrase-file", str(passphrase), "--out", str(out))
    return {p.stem: json.loads(p.read_text()) for p in sorted(out.glob("*.json"))}


def synced_export(kiosk: Kiosk, server: ClinicServer, out: Path) -> dict[str, dict[str, Any]]:
    """The kiosk syncs what it holds, then IT exports at the clinic server."""
    report = engine_for(kiosk).run_once(force=True)
    assert report.outcome is SyncOutcome.DELIVERED, report.error
    assert report.quarantined == 0
    return clinic_export(server, out)


def test_a_whole_infusion_reaches_a_real_fhir_engine_and_a_later_export_updates_it(
    kiosk_and_clinic: tuple[Kiosk, ClinicServer], tmp_path: Path
) -> None:
    kiosk, server = kiosk_and_clinic
    now = datetime.now(UTC)
    start = now - timedelta(minutes=85)
    seated = cleared_patient(kiosk, weight_kg=68.5, now=start - timedelta(minutes=5))
    log, mistyped, wrong_chair = the_session(ChairLog(seated.checkin_id, start, NURSE))
    # Every chair kind the kiosk writes is in the session.
    assert {kind_of(entry.record) for entry in log.entries} == set(CHAIR_RECORD_KINDS.values())
    desk = ChairDesk(kiosk.unlock(NURSE, NURSE_PIN))
    written: dict[str, str] = {}

    def enter(entries: list[ChairEntry]) -> None:
        """Each entry through the nurse's desk, at the time she entered it."""
        for entry in entries:
            record = entry.record
            assert not isinstance(record, StopOverride)
            if isinstance(record, InfusionOrder):
                record = dataclasses.replace(record, vitals_id=seated.vitals_id)
            supersedes = None if entry.supersedes is None else written[entry.supersedes]
            written[entry.record_id] = desk.write(record, record.entered_at, supersedes)

    in_order = sorted(log.entries, key=lambda entry: entry.record.entered_at)
    enter([e for e in in_order if e.record.entered_at <= log.at(30)])
    halfway = synced_export(kiosk, server, tmp_path / "halfway")
    enter([e for e in in_order if e.record.entered_at > log.at(30)])
    after = synced_export(kiosk, server, tmp_path / "after")
    again = clinic_export(server, tmp_path / "again")
    checkin, mistyped, wrong_chair = seated.checkin_id, written[mistyped], written[wrong_chair]

    # Halfway: the pump runs at 0.5 mg/kg/h again after the nausea; the visit is in progress.
    running = visit_parts(halfway, checkin)
    [encounter] = resources(running, "Encounter")
    assert encounter["status"] == "in-progress" and "end" not in encounter["period"]
    *_, last = [
        given
        for given in resources(running, "MedicationAdministration")
        if given["medicationCodeableConcept"]["text"] == "Ketamine"
    ]
    assert last["status"] == "in-progress" and "end" not in last["effectivePeriod"]

    # After the discharge: one MedicationAdministration per rate segment, with its rate.
    parts = visit_parts(after, checkin)
    for part in parts:
        Bundle.model_validate(part)
    segments = [
        given
        for given in resources(parts, "MedicationAdministration")
        if given["medicationCodeableConcept"]["text"] == "Ketamine"
    ]
    assert [
        (
            given["dosage"]["text"].split(" (")[0],
            given["dosage"]["rateQuantity"]["value"],
            given["dosage"]["rateQuantity"]["code"],
            given["effectivePeriod"]["start"],
            given["effectivePeriod"]["end"],
            given["status"],
        )
        for given in segments
    ] == [
        ("0.5 mg/kg/h", 34.25, "mg/h", at(log.at(0)), at(log.at(20)), "completed"),
        ("0.6 mg/kg/h", 41.1, "mg/h", at(log.at(20)), at(log.at(27)), "completed"),
        ("0.5 mg/kg/h", 34.25, "mg/h", at(log.at(27)), at(log.at(36)), "completed"),
        ("0.4 mg/kg/h", 27.4, "mg/h", at(log.at(38)), at(log.at(45)), "completed"),
    ]
    assert [given.get("reasonCode") for given in segments[1:3]] == [
        [{"text": "Tolerating well"}],
        [{"text": "Nausea"}],
    ]
    [order] = resources(parts, "MedicationRequest")
    assert all(given["request"]["reference"].endswith(order["id"]) for given in segments)
    [clinician] = [
        who
        for who in resources(parts, "Practitioner")
        if f"Practitioner/{who['id']}" == order["requester"]["reference"]
    ]
    assert clinician["name"] == [{"text": "Dr. Rosa Álvarez"}]
    [infusion] = resources(parts, "Procedure")
    assert infusion["status"] == "completed"
    assert infusion["performedPeriod"] == {"start": at(log.at(0)), "end": at(log.at(45))}
    assert [note["text"] for note in infusion["note"]][:3] == [
        f"Paused: IV line kinked {HOSTILE}",
        "While paused, rate set to 0.4 mg/kg/h (27.4 mg/h, 27.4 mL/h): Restart lower",
        "Resumed.",
    ]

    # The nausea, and the ondansetron given for it; the side effect withdrawn is not there.
    [nausea] = resources(parts, "AdverseEvent")
    assert nausea["event"]["coding"][0]["code"] == "nausea"
    assert nausea["suspectEntity"][0]["instance"]["reference"].endswith(segments[1]["id"])
    [ondansetron] = [
        given
        for given in resources(parts, "MedicationAdministration")
        if given["medicationCodeableConcept"]["text"] == "ondansetron 4 mg IV"
    ]
    assert ondansetron["supportingInformation"][0]["reference"].endswith(nausea["id"])
    exported = json.dumps(parts)
    assert wrong_chair not in exported and "dizziness" not in exported

    # Chair vitals with the pre-infusion LOINC codes; the mistyped 142 gave way to its correction.
    panels = [
        panel
        for panel in resources(parts, "Observation")
        if coded(panel) == ("http://loinc.org", "85354-9")
    ]
    chair_minutes = (-1, 15, 30, 44, 60, 75)
    assert len(panels) == 1 + len(chair_minutes)  # the signed-off vitals, then the chair's
    systolic = {
        panel["effectiveDateTime"]: panel["component"][0]["valueQuantity"]["value"]
        for panel in panels
    }
    assert systolic[at(log.at(30))] == 146
    [corrected] = [panel for panel in panels if panel["effectiveDateTime"] == at(log.at(30))]
    # Named after the entry it corrects, so an EHR holding the mistyped one has it replaced.
    assert corrected["identifier"][0]["value"] == f"{mistyped}/vitals/85354-9"
    chair_codes = Counter(
        code
        for system, code in filter(None, map(coded, resources(parts, "Observation")))
        if system == "urn:clinic-kiosk:chair"
    )
    assert chair_codes["moaa_s"] == chair_codes["dissociation"] == len(chair_minutes)
    assert sum(chair_codes[c] for c in chair_codes if c.startswith("exam.")) == 6
    [score] = [o for o in resources(parts, "Observation") if "referenceRange" in o]
    assert score["valueInteger"] == 10 and len(score["component"]) == 5

    # The discharge: the visit ends, home with the escort; instructions as the patient read them.
    [encounter] = resources(parts, "Encounter")
    assert encounter["status"] == "finished"
    assert encounter["period"]["end"] == at(log.at(79))
    disposition = encounter["hospitalization"]["dischargeDisposition"]
    assert disposition["coding"][0]["code"] == "home" and "Sam Example" in disposition["text"]
    [instructions] = resources(parts, "Communication")
    assert instructions["payload"][0]["contentString"].startswith("After your infusion")
    impressions = resources(parts, "ClinicalImpression")
    assert sorted(i["description"] for i in impressions) == ["cleared", "discharged"]

    # The engine: halfway, after, and after again, every bundle one transaction.
    result = import_into_engine(
        [halfway["questionnaires"], *running],
        [after["questionnaires"], *parts],
        [again["questionnaires"], *visit_parts(again, checkin)],
    )
    first, later, repeated = result["imports"]
    assert result["invalid_before"] == [] and result["invalid_stored"] == []
    assert result["unresolved"] == []
    for outcome in (first, later, repeated):
        assert outcome["failed"] == [] and outcome["unresolved_when_in"] == []
    # The later export updates what grew (the running segment closed, the order and infusion
    # done, the visit finished, the corrected vitals) and creates only what is new.
    assert later["updated"]["MedicationAdministration"] == 1
    for grown in ("Encounter", "Procedure", "MedicationRequest"):
        assert later["updated"][grown] == 1 and grown not in later["created"]
    assert later["updated"]["Observation"] == 6  # the vitals at minute 30, corrected
    # Nothing twice, nothing stale: the engine holds exactly what the last export carries.
    every_type = counted([after["questionnaires"], *parts])
    assert result["stored"] == dict(every_type)
    assert repeated["created"] == repeated["updated"] == {}
    assert repeated["unchanged"] == dict(every_type)
    print("halfway created", first["created"])
    print("after the discharge created", later["created"], "updated", later["updated"])
    print("the whole visit", dict(counted(parts)), "in", len(parts), "parts")


def test_a_rate_above_the_clinics_limit_reaches_the_ehr_as_a_stop_with_its_override(
    tmp_path: Path,
) -> None:
    """The clinic allows ketamine up to 0.55 mg/kg/h; the pump is turned up to 0.6 (recorded,
    the pump already runs at it), a clinician overrides the STOP, the rate goes back down."""
    published = '[[chair.drugs]]\nname = "Ketamine"\nhighest_mg_per_kg_per_hour = 0.55\n'
    with enrolled_kiosk(tmp_path, published) as (kiosk, server):
        now = datetime.now(UTC)
        start = now - timedelta(minutes=50)
        seated = cleared_patient(kiosk, weight_kg=68.5, now=start - timedelta(minutes=5))
        log = ChairLog(seated.checkin_id, start, NURSE)
        order = order_fields(weight_kg=68.5, vitals_id=seated.vitals_id)
        desk = ChairDesk(kiosk.unlock(NURSE, NURSE_PIN))
        for record_type, minutes, fields in (
            (InfusionOrder, -3, order),
            (ChairVitals, -1, vitals_fields()),
            (InfusionStart, 0, {}),
            (RateChange, 20, {"rate": Rate(0.6, RateUnit.MG_PER_KG_PER_HOUR), "reason": "Pain"}),
        ):
            record = log.entry(record_type, minutes, **fields).record
            assert not isinstance(record, StopOverride)
            desk.write(record, record.entered_at)
        [stop] = desk.chair(seated.checkin_id, log.at(21)).open_flags
        assert stop.flag.code == "chair.rate_out_of_range"
        desk.record_override(
            StopOverride(
                seated.checkin_id, stop.flag, "Dr. Rosa Álvarez", f"Ordered so. {HOSTILE}",
                NURSE, log.at(22),
            )
        )  # fmt: skip
        for record_type, minutes, fields in (
            (RateChange, 30, {"rate": Rate(0.5, RateUnit.MG_PER_KG_PER_HOUR), "reason": "Eased"}),
            (InfusionStop, 45, {"reason": StopReason.COMPLETED, "detail": ""}),
        ):
            record = log.entry(record_type, minutes, **fields).record
            assert not isinstance(record, StopOverride)
            desk.write(record, record.entered_at)
        bundles = synced_export(kiosk, server, tmp_path / "fhir")
        again = clinic_export(server, tmp_path / "again")

    parts = visit_parts(bundles, seated.checkin_id)
    for part in parts:
        Bundle.model_validate(part)
    high = next(
        given
        for given in resources(parts, "MedicationAdministration")
        if given["dosage"]["rateQuantity"]["value"] == 41.1
    )
    assert high["effectivePeriod"] == {"start": at(log.at(20)), "end": at(log.at(30))}
    assert high["note"][-1]["text"] == (
        "STOP: Infusion rate outside the clinic's range for this drug. 0.6 mg/kg/h is above"
        " at most 0.55 mg/kg/h (Ketamine)."
    )
    [issue] = [
        issue
        for issue in resources(parts, "DetectedIssue")
        if issue["code"]["coding"][0]["code"] == "chair.rate_out_of_range"
    ]
    assert issue["severity"] == "high"
    assert issue["identifiedDateTime"] == at(log.at(20))
    assert issue["evidence"][0]["detail"] == [
        {"reference": f"MedicationAdministration/{high['id']}"}
    ]
    [mitigation] = issue["mitigation"]
    assert mitigation["action"]["text"].startswith("STOP overridden by Dr. Rosa Álvarez")
    assert HOSTILE in mitigation["action"]["text"]

    result = import_into_engine(
        [bundles["questionnaires"], *parts],
        [again["questionnaires"], *visit_parts(again, seated.checkin_id)],
    )
    first, second = result["imports"]
    assert result["invalid_before"] == [] and result["invalid_stored"] == []
    assert result["unresolved"] == [] and first["unresolved_when_in"] == []
    assert first["failed"] == second["failed"] == []
    assert second["created"] == second["updated"] == {}


@pytest.fixture
def own_clinic(tmp_path: Path) -> Iterator[tuple[ServerHome, KioskDouble]]:
    """A clinic server of the test's own, for records that make its export incomplete."""
    home = make_home(tmp_path)
    running = start_server(home)
    kiosk = KioskDouble(running.url, home.clinic_key())
    assert kiosk.enrol(home.enrolment_code()).status_code == 200
    yield home, kiosk
    kiosk.http.close()
    running.stop()


def test_a_damaged_chair_record_is_refused_in_one_line_and_the_rest_arrive(
    own_clinic: tuple[ServerHome, KioskDouble],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server_home, kiosk = own_clinic
    checkin = kiosk.sealer.seal("checkin", to_payload(example_checkin()), schema=SCHEMA_VERSION)
    log = ChairLog(checkin_id=checkin.record_id)
    example_session(log)
    good = [seal(kiosk, entry) for entry in log.entries]
    tampered = bytearray(good[3].envelope)
    tampered[len(tampered) // 2] ^= 0x01
    answer = wire.BatchAnswer.from_json(
        kiosk.send([checkin.envelope, bytes(tampered), *(g.envelope for g in good[4:])]).content
    )
    statuses = [result.status.value for result in answer.results]
    assert statuses == ["accepted", "rejected"] + ["accepted"] * len(good[4:])
    refusal = answer.results[1]
    assert refusal.code in ("bad_envelope_signature", "malformed_envelope")
    assert refusal.reason and "\n" not in refusal.reason

    # Sealed, a record's insides are the kiosk's to check: the server cannot read them. One
    # that does not decode as a chair record, or holds another kind than its envelope says,
    # is named in one line at the export, and everything else is exported.
    rate_change = next(e for e in log.entries if isinstance(e.record, RateChange))
    body = json.loads(to_payload(rate_change.record))
    body["rate"]["value"] = "fast"
    undecodable = kiosk.sealer.seal("rate_change", json.dumps(body).encode(), schema=SCHEMA_VERSION)
    mislabelled = kiosk.sealer.seal(
        "infusion_stop", to_payload(rate_change.record), schema=SCHEMA_VERSION
    )
    assert kiosk.statuses([undecodable.envelope, mislabelled.envelope]) == ["accepted"] * 2
    capsys.readouterr()
    out = tmp_path / "fhir"
    assert (
        server_home.cli(
            "export", "--passphrase-file", str(server_home.passphrase_file), "--out", str(out)
        )
        == 1
    )
    printed = capsys.readouterr()
    [not_decoded] = [line for line in printed.out.splitlines() if undecodable.record_id in line]
    assert not_decoded.startswith("not exported: record") and "rate.value" in not_decoded
    [wrong_kind] = [line for line in printed.out.splitlines() if mislabelled.record_id in line]
    assert "'infusion_stop'" in wrong_kind and "'rate_change'" in wrong_kind
    assert "Traceback" not in printed.err and len(printed.err.splitlines()) == 1
    visit = [json.loads(p.read_text()) for p in sorted(out.glob(f"checkin-{checkin.record_id}*"))]
    assert len(resources(visit, "AdverseEvent")) == 1


#: Fields the software sets (ids, codes, picks from a list), not text a person types.
_NOT_TYPED = {"checkin_id", "nurse_id", "vitals_id", "drug", "effect_id", "item_id", "language"}


def _marked(value: Any, marker: str) -> Any:
    """The record with the marker added to every text a nurse or clinician types."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for field in dataclasses.fields(value):
            current = getattr(value, field.name)
            if field.name in _NOT_TYPED or field.name == "text_sha256":
                continue
            if isinstance(current, str) and not isinstance(current, Enum):
                changes[field.name] = f"{current} {marker}"
            else:
                changes[field.name] = _marked(current, marker)
        return dataclasses.replace(value, **changes)
    if isinstance(value, tuple):
        return tuple(_marked(item, marker) for item in value)
    return value


@on_sqlite
def test_nothing_a_nurse_types_in_the_chair_is_readable_at_the_server(
    kiosk: KioskDouble, server_home: ServerHome, tmp_path: Path
) -> None:
    marker = "Chairquillocanary"
    checkin = kiosk.sealer.seal("checkin", to_payload(example_checkin()), schema=SCHEMA_VERSION)
    log, *_ = the_session(ChairLog(checkin_id=checkin.record_id))
    entries = [
        ChairEntry(entry.record_id, entry.supersedes, _marked(entry.record, marker))
        for entry in log.entries
    ]
    typed = [e for e in entries if marker in repr(e.record)]
    assert {kind_of(e.record) for e in typed} >= {"infusion_order", "rate_change", "side_effect"}
    sealed = [checkin, *(seal(kiosk, entry) for entry in entries)]
    assert kiosk.statuses([s.envelope for s in sealed]) == ["accepted"] * len(sealed)

    # The server's folder and database (with its journal) hold none of it, in any encoding.
    assert find_canaries(server_home.home.parent, canaries=(marker,)) == []
    # With the passphrase the same records open: the search above was not blind.
    exported = tmp_path / "fhir"
    export(server_home, exported)
    assert find_canaries(exported, canaries=(marker,))
