"""The export: open every record with the clinic key, group them into visits, and make the
transaction Bundles: the Questionnaires the visits answer, then one per visit (in parts if large).

A visit is a check-in (the newest of a chain of corrections) with the vitals, STOP overrides,
decisions and infusion chair entries that name it. Records are opened here with the clinic
private key, which the caller unlocked with its passphrase; nothing decrypted is written anywhere
but the bundles.
Drafts are not exported (the finished check-in supersedes them); a superseded check-in or
vitals record gives way to the record that corrects it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kiosk.intake.chair.log import ChairEntry
from kiosk.intake.chair.records import CHAIR_RECORD_KINDS
from kiosk.intake.codec import PayloadError, from_payload, kind_of
from kiosk.intake.config import (
    ClinicConfig,
    ConfigError,
    ConsentDocument,
    default_config,
    load_config_text,
)
from kiosk.intake.records import (
    CheckIn,
    ConsentDeclined,
    DecisionOutcome,
    Flag,
    NurseDecision,
    StopOverride,
    Vitals,
)
from kiosk.intake.rules import screen_checkin, screen_vitals
from kiosk.vault import (
    DeviceVerifyKey,
    EnvelopeError,
    KeyFormatError,
    RecipientPrivateKey,
    open_envelope,
)
from sync.server.fhir.answers import add_allergies, add_conditions, add_medications
from sync.server.fhir.bundle import KIOSK_PATIENT_SYSTEM, VisitBundle, coding, transactions
from sync.server.fhir.chair import add_chair
from sync.server.fhir.chair_log import ChairRecords
from sync.server.fhir.consent import add_declined_consent, add_signed_consent
from sync.server.fhir.discharge import encounter_discharge
from sync.server.fhir.issues import Override, add_decision, add_flags, flag_key
from sync.server.fhir.patient import add_encounter, add_patient, matching_key
from sync.server.fhir.provenance import add_kiosk, add_nurse, add_provenance
from sync.server.fhir.questionnaires import add_responses
from sync.server.fhir.scores import add_scores
from sync.server.fhir.vitals import add_vitals
from sync.server.storage import ClinicStore

#: The records a nurse makes about a check-in, which join its visit.
_NURSE_RECORDS = (Vitals, NurseDecision, StopOverride, *CHAIR_RECORD_KINDS)


@dataclass
class ExportReport:
    """The bundles made (file name, Bundle JSON), records not exported, and what IT should check."""

    bundles: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Opened:
    record_id: str
    device_id: str
    supersedes: str | None
    record: object


@dataclass
class _Visit:
    """One check-in and the nurse's records about it."""

    record_id: str
    device_id: str
    checkin: CheckIn
    vitals: list[tuple[str, Vitals]] = field(default_factory=list)
    decisions: list[tuple[str, NurseDecision]] = field(default_factory=list)
    overrides: list[Override] = field(default_factory=list)
    #: The infusion chair's entries, corrected and withdrawn ones too (the fold sorts them).
    chair: list[ChairEntry] = field(default_factory=list)


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
        if kind_of(record) != stored.kind:
            report.problems.append(
                f"record {stored.record_id}: its envelope says {stored.kind!r} but it holds"
                f" a {kind_of(record)!r} record"
            )
            continue
        yield _Opened(stored.record_id, stored.device_id, opened.supersedes, record)


def published_config(store: ClinicStore) -> ClinicConfig:
    """The configuration the clinic last published (the kiosks' rules), else the defaults."""
    latest = store.latest_config()
    if latest is None:
        return default_config()
    try:
        return load_config_text(latest.toml, f"published configuration {latest.version}")
    except ConfigError:
        return default_config()


def _consent_document(config: ClinicConfig, checkin: CheckIn) -> ConsentDocument | None:
    signed = checkin.consent
    for document in (config.consent, default_config().consent):
        if (document.document_id, document.version) == (signed.document_id, signed.version):
            return document
    return None


def _group(opened: list[_Opened], report: ExportReport) -> tuple[list[_Visit], list[_Opened]]:
    superseded = {item.supersedes for item in opened if item.supersedes is not None}
    visits: dict[str, _Visit] = {}
    for item in opened:
        if isinstance(item.record, CheckIn) and item.record_id not in superseded:
            visits[item.record_id] = _Visit(item.record_id, item.device_id, item.record)
    # Why: a nurse's record names the check-in it was made on; a correction may replace that one.
    successor = {item.supersedes: item.record_id for item in opened if item.supersedes}

    def visit_of(checkin_id: str) -> _Visit | None:
        seen = set()
        while checkin_id not in visits and checkin_id in successor and checkin_id not in seen:
            seen.add(checkin_id)
            checkin_id = successor[checkin_id]
        return visits.get(checkin_id)

    declined = []
    for item in opened:
        record = item.record
        if isinstance(record, ConsentDeclined):
            declined.append(item)
            continue
        if not isinstance(record, _NURSE_RECORDS):
            continue
        visit = visit_of(record.checkin_id)
        if visit is None:
            report.problems.append(
                f"{type(record).__name__} {item.record_id}: check-in {record.checkin_id} "
                "is not at the clinic yet"
            )
        elif isinstance(record, Vitals):
            if item.record_id not in superseded:
                visit.vitals.append((item.record_id, record))
        elif isinstance(record, NurseDecision):
            visit.decisions.append((item.record_id, record))
        elif isinstance(record, StopOverride):
            visit.overrides.append(Override(item.record_id, record))
        else:
            visit.chair.append(ChairEntry(item.record_id, item.supersedes, record))
    return sorted(visits.values(), key=lambda v: v.checkin.submitted_at), declined


def _flags_seen(visit: _Visit, config: ClinicConfig) -> list[Flag]:
    """What the nurse saw: the newest decision's flags, else what the rules raise now."""
    if visit.decisions:
        flags = list(max(visit.decisions, key=lambda d: d[1].decided_at)[1].flags)
    else:
        flags = list(screen_checkin(visit.checkin, config))
        for _, vitals in visit.vitals:
            flags += screen_vitals(vitals, config)
    keys = {flag_key(flag) for flag in flags}
    flags += [o.override.flag for o in visit.overrides if flag_key(o.override.flag) not in keys]
    return list({flag_key(flag): flag for flag in flags}.values())


def _encounter_status(visit: _Visit, chair: ChairRecords) -> str:
    if chair.discharged_at is not None:
        return "finished"
    if chair.course.started_at is not None:
        return "in-progress"
    if visit.decisions:
        newest = max(visit.decisions, key=lambda d: d[1].decided_at)[1]
        return "in-progress" if newest.outcome is DecisionOutcome.CLEARED else "triaged"
    return "triaged" if visit.vitals else "arrived"


def _evidence(flag: Flag, answers: dict[str, dict[str, str]]) -> str | None:
    """The reference of the resource holding the answer that raised the flag."""
    group, _, name = flag.code.partition(".")
    if group in ("med", "allergy"):
        held = answers["med" if group == "med" else "allergy"]
        named = [text for text in held if flag.answer.startswith(text.strip())]
        return held[max(named, key=len)] if named else None
    return answers.get(group, {}).get(name) or answers.get("response", {}).get(group)


def _visit_bundle(visit: _Visit, config: ClinicConfig, first_checkin: CheckIn) -> VisitBundle:
    bundle = VisitBundle()
    checkin, record_id = visit.checkin, visit.record_id
    patient = add_patient(bundle, first_checkin)
    kiosk = add_kiosk(bundle, visit.device_id)
    chair = ChairRecords.of(visit.chair)
    nurse_ids = [v.nurse_id for _, v in visit.vitals] + [d.nurse_id for _, d in visit.decisions]
    nurse_ids += chair.nurse_ids
    nurses = {staff: add_nurse(bundle, staff) for staff in dict.fromkeys(nurse_ids)}
    start = len(bundle.entries)
    encounter = add_encounter(
        bundle,
        record_id,
        checkin,
        patient,
        _encounter_status(visit, chair),
        list(nurses.values()),
        encounter_discharge(chair),
    )
    answers = {
        "med": add_medications(bundle, record_id, checkin, patient, encounter),
        "allergy": add_allergies(bundle, record_id, checkin, patient, encounter),
        "history": add_conditions(bundle, record_id, checkin, patient, encounter),
        "response": add_responses(bundle, record_id, checkin, patient, encounter),
    }
    add_scores(bundle, record_id, checkin, patient, encounter, answers["response"])
    document = _consent_document(config, checkin)
    add_signed_consent(bundle, record_id, checkin.consent, document, patient, encounter)
    add_provenance(bundle, record_id, start, checkin.submitted_at, [kiosk])
    raised_at = {}
    vitals_urls: list[str] = []
    for vitals_id, vitals in visit.vitals:
        start = len(bundle.entries)
        measured = add_vitals(
            bundle, vitals_id, vitals, config, patient, encounter, nurses[vitals.nurse_id]
        )
        answers["vitals"] = measured
        vitals_urls += measured.values()
        raised_at["vitals"] = vitals.taken_at
        add_provenance(bundle, vitals_id, start, vitals.taken_at, [kiosk, nurses[vitals.nurse_id]])
    # Why before the flags: a rate outside the clinic's range is a flag whose evidence is there.
    in_chair = {
        flag_key(found.flag): (found.flag, found.raised_at, found.evidence)
        for found in add_chair(bundle, record_id, chair, config, patient, encounter, kiosk, nurses)
    }
    flags = [
        in_chair.pop(
            flag_key(flag),
            (
                flag,
                raised_at.get(flag.code.partition(".")[0], checkin.submitted_at),
                _evidence(flag, answers),
            ),
        )
        for flag in _flags_seen(visit, config)
    ]
    flags += in_chair.values()
    start = len(bundle.entries)
    issues = add_flags(bundle, record_id, flags, visit.overrides, patient, encounter, kiosk)
    add_provenance(bundle, f"{record_id}/flags", start, checkin.submitted_at, [kiosk])
    for decision_id, decision in visit.decisions:
        start = len(bundle.entries)
        nurse = nurses[decision.nurse_id]
        add_decision(bundle, decision_id, decision, patient, encounter, nurse, issues, vitals_urls)
        add_provenance(bundle, decision_id, start, decision.decided_at, [kiosk, nurse])
    return bundle


def _declined_bundle(item: _Opened, refusal: ConsentDeclined) -> VisitBundle:
    """A refusal carries no name: its Patient is known only by the kiosk's check-in patient id."""
    bundle = VisitBundle()
    patient = bundle.add(
        {
            "resourceType": "Patient",
            "communication": [
                {"language": {"coding": [coding("urn:ietf:bcp:47", refusal.language)]}}
            ],
        },
        KIOSK_PATIENT_SYSTEM,
        refusal.patient_id,
    )
    kiosk = add_kiosk(bundle, item.device_id)
    start = len(bundle.entries)
    add_declined_consent(
        bundle, item.record_id, patient, refusal.declined_at, refusal.document_id, refusal.version
    )
    add_provenance(bundle, item.record_id, start, refusal.declined_at, [kiosk])
    return bundle


def _shared_identities(visits: list[_Visit]) -> list[str]:
    """Visits matched to one Patient whose phone numbers differ: perhaps two people."""
    phones: dict[str, dict[str, str]] = {}
    for visit in visits:
        phone = "".join(ch for ch in visit.checkin.identity.phone if ch.isdigit())
        phones.setdefault(matching_key(visit.checkin.identity), {}).setdefault(
            phone, visit.record_id
        )
    return [
        "check-ins " + ", ".join(sorted(by_phone.values())) + " share a legal name and birth "
        "date but not a phone number: exported as one Patient "
        "(see docs/fhir.md if they are two people)"
        for by_phone in phones.values()
        if len(by_phone) > 1
    ]


def _parts(name: str, bundles: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """A file name per transaction: the name, or `<name>.part-<n>-of-<count>` in import order."""
    if len(bundles) == 1:
        return [(name, bundles[0])]
    width = len(str(len(bundles)))
    return [
        (f"{name}.part-{number:0{width}}-of-{len(bundles)}", bundle)
        for number, bundle in enumerate(bundles, start=1)
    ]


def export_bundles(store: ClinicStore, private_key: RecipientPrivateKey) -> ExportReport:
    """Transaction Bundles: the Questionnaires the visits answer (`questionnaires`), one per
    visit (`checkin-<id>`) and per declined consent (`declined-<id>`); a visit too large for one
    transaction in parts (`checkin-<id>.part-1-of-2`, ...)."""
    report = ExportReport()
    config = published_config(store)
    visits, declined = _group(list(_open_all(store, private_key, report)), report)
    first_checkins: dict[str, CheckIn] = {}
    for visit in visits:  # Why: sorted by submission, so the first visit sets the Patient.
        first_checkins.setdefault(matching_key(visit.checkin.identity), visit.checkin)
    made = [
        (
            f"checkin-{visit.record_id}",
            _visit_bundle(visit, config, first_checkins[matching_key(visit.checkin.identity)]),
        )
        for visit in visits
    ]
    for item in declined:
        assert isinstance(item.record, ConsentDeclined)
        made.append((f"declined-{item.record_id}", _declined_bundle(item, item.record)))
    definitions = {
        key: entry for _, made_bundle in made for key, entry in made_bundle.definitions.items()
    }
    if definitions:
        report.bundles += _parts("questionnaires", transactions(list(definitions.values())))
    for name, made_bundle in made:
        report.bundles += _parts(name, transactions(made_bundle.entries))
    report.notices += _shared_identities(visits)
    return report
