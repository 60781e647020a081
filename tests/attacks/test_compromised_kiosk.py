"""The compromised kiosk: someone controls an enrolled kiosk, its database and its device key.

It may be revoked, pretend to be another kiosk, send a record under an id already used, or
rewrite its own audit chain. The clinic server must refuse each, and IT must be able to see it:
at the kiosk (sync status, quarantine) and, because a compromised kiosk can hide its own view,
at the server (`clinic-server devices`, the server's only admin view of kiosks).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from conftest import NURSE_ID

from kiosk.desk.data_folder import DATABASE_NAME
from kiosk.desk.enrolment import enroll
from kiosk.desk.facade import Kiosk
from kiosk.intake.codec import to_payload
from kiosk.store import OutboxState
from kiosk.store.audit_chain import entry_hash, head_message
from kiosk.vault import RecipientPublicKey, Sealer
from sync.client.engine import SyncEngine, SyncOutcome
from sync.client.pins import ServerPins
from sync.client.queue_export import export_queue
from sync.client.server_connection import ServerConnection
from sync.wire import Refusal, encode_batch, sign_request
from tests.examples import example_checkin
from tests.sync.clinic_harness import CHEAP_SLOTS, ClinicServer


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClinicServer]:
    running = ClinicServer(tmp_path_factory.mktemp("compromised") / "clinic-server").start()
    yield running
    running.stop()


@dataclass
class EnrolledKiosk:
    kiosk: Kiosk
    engine: SyncEngine

    @property
    def device_id(self) -> str:
        return self.kiosk.kiosk_id

    def clinic_key(self) -> RecipientPublicKey:
        key = self.kiosk.clinic_public_key()
        assert key is not None
        return key

    def connection(self) -> ServerConnection:
        pins = ServerPins.load(self.kiosk.store)
        assert pins is not None
        return ServerConnection(
            pins.server_url, self.device_id, self.kiosk.device_key, tls_certificate=None
        )


@pytest.fixture
def enrolled(tmp_path: Path, server: ClinicServer) -> Iterator[Iterator[EnrolledKiosk]]:
    """A factory of enrolled demo kiosks, each with its own engine."""
    made: list[EnrolledKiosk] = []

    def kiosks() -> Iterator[EnrolledKiosk]:
        while True:
            kiosk = Kiosk.init(tmp_path / f"kiosk-{len(made)}", demo=True, keyslot_cost=CHEAP_SLOTS)
            enroll(kiosk, server.url, server.enrolment_code(), name=f"kiosk {len(made)}")
            made.append(EnrolledKiosk(kiosk, SyncEngine.for_kiosk(kiosk, timeout_s=5.0)))
            yield made[-1]

    yield kiosks()
    for item in made:
        item.engine.close()
        item.kiosk.close()


def _devices_line(server: ClinicServer, device_id: str) -> str:
    """What IT reads about one kiosk in `clinic-server devices`."""
    lines = [line for line in server.admin("devices").splitlines() if device_id in line]
    assert len(lines) == 1
    return lines[0]


def _checkin_and_sync(kiosk: EnrolledKiosk) -> str:
    record_id = kiosk.kiosk.patient_desk().submit_checkin(example_checkin()).record_id
    assert kiosk.engine.run_once(force=True).outcome is SyncOutcome.DELIVERED
    return record_id


def test_a_revoked_kiosk_is_refused_loses_nothing_and_shows_as_revoked(
    enrolled: Iterator[EnrolledKiosk], server: ClinicServer, tmp_path: Path
) -> None:
    """IT revokes a lost kiosk: its next sync is refused by name, its records stay queued at
    the kiosk (nothing lost, nothing quarantined), its sealed-queue file is refused at import
    too, and `clinic-server devices` shows it revoked."""
    lost = next(enrolled)
    _checkin_and_sync(lost)
    server.admin("revoke", lost.device_id)
    waiting = lost.kiosk.patient_desk().submit_checkin(example_checkin()).record_id

    report = lost.engine.run_once(force=True)
    assert report.outcome is SyncOutcome.FAILED
    assert report.error is not None and "revoked_device" in report.error
    assert "revoked_device" in (lost.engine.status().last_error or "")
    state = {row.record_id: row.state for row in lost.kiosk.store.records()}
    assert state[waiting] is OutboxState.QUEUED
    assert waiting not in server.stored(lost.kiosk)

    export_queue(lost.kiosk.store, tmp_path / "queue.bin")
    imported = server.admin("import", str(tmp_path / "queue.bin"))
    assert "revoked" in imported and "accepted" not in imported
    assert waiting not in server.stored(lost.kiosk)
    assert " revoked " in _devices_line(server, lost.device_id)
    assert "request refused: revoked_device" in _devices_line(server, lost.device_id)


def test_a_kiosk_cannot_speak_or_deliver_for_another_kiosk(
    enrolled: Iterator[EnrolledKiosk], server: ClinicServer
) -> None:
    """Kiosk B signs a request as kiosk A: bad_signature. B delivers a record it sealed under
    A's name: rejected as foreign_device. Nothing is stored under A."""
    honest, rogue = next(enrolled), next(enrolled)
    _checkin_and_sync(honest)
    before = server.stored(honest.kiosk)

    body = encode_batch([honest.kiosk.store.get_envelope(next(iter(before)))])
    headers = sign_request(rogue.kiosk.device_key, honest.device_id, "POST", "/v1/batch", body)
    headers["Content-Type"] = "application/vnd.clinic.batch"
    answer = httpx.post(f"{server.url}/v1/batch", content=body, headers=headers)
    assert (answer.status_code, Refusal.from_json(answer.content).code) == (401, "bad_signature")
    unproven = server.admin("refusals", "--device", "unknown")
    assert "bad_signature" in unproven and f"named device {honest.device_id!r}" in unproven

    forged = Sealer(honest.device_id, rogue.kiosk.device_key, [rogue.clinic_key()]).seal(
        "checkin", to_payload(example_checkin())
    )
    with rogue.connection() as connection:
        result = connection.send_batch([forged.envelope], datetime.now(UTC)).results[0]
    assert (result.status.value, result.code) == ("rejected", "foreign_device")
    assert server.stored(honest.kiosk) == before
    assert "refused:" not in _devices_line(server, honest.device_id)
    assert "record rejected: foreign_device" in _devices_line(server, rogue.device_id)


def test_a_record_id_reused_with_other_bytes_is_a_conflict_and_the_original_stays(
    enrolled: Iterator[EnrolledKiosk], server: ClinicServer
) -> None:
    """A kiosk re-seals a delivered record's id with other answers: conflict, and the clinic
    keeps the bytes it first received."""
    kiosk = next(enrolled)
    record_id = _checkin_and_sync(kiosk)
    original = server.stored(kiosk.kiosk)[record_id]
    rewritten = Sealer(kiosk.device_id, kiosk.kiosk.device_key, [kiosk.clinic_key()]).seal(
        "checkin", to_payload(example_checkin(patient_id="p-someone-else")), record_id=record_id
    )
    with kiosk.connection() as connection:
        result = connection.send_batch([rewritten.envelope], datetime.now(UTC)).results[0]
    assert (result.status.value, result.code) == ("conflict", "conflict")
    assert server.stored(kiosk.kiosk)[record_id] == original


def _rewrite_audit_entry(kiosk: Kiosk, seq: int, detail: str) -> None:
    """What a compromised kiosk can do: edit one entry, re-hash every later one, re-sign the
    head with its own device key. Its local chain check then passes again."""
    connection = sqlite3.connect(kiosk.data_dir / DATABASE_NAME, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("DROP TRIGGER audit_no_update")
        rows = connection.execute(
            "SELECT seq, at, actor, action, record_id, detail FROM audit WHERE seq >= ?"
            " ORDER BY seq",
            [seq],
        ).fetchall()
        prev_hash = connection.execute(
            "SELECT prev_hash FROM audit WHERE seq = ?", [seq]
        ).fetchone()[0]
        for row_seq, at, actor, action, record_id, old_detail in rows:
            new_detail = detail if row_seq == seq else old_detail
            link = entry_hash(row_seq, at, actor, action, record_id, new_detail, prev_hash)
            connection.execute(
                "UPDATE audit SET detail = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                [new_detail, prev_hash, link, row_seq],
            )
            prev_hash, last = link, row_seq
        signature = kiosk.device_key.sign(head_message(last, prev_hash))
        connection.execute(
            "UPDATE audit_head SET seq = ?, hash = ?, signature = ? WHERE id = 1",
            [last, prev_hash, signature],
        )
        connection.execute("COMMIT")
    finally:
        connection.close()


@pytest.mark.parametrize("resend_from_start", [False, True], ids=["continuing", "resent"])
def test_a_rewritten_audit_chain_is_refused_by_the_server(
    enrolled: Iterator[EnrolledKiosk], server: ClinicServer, resend_from_start: bool
) -> None:
    """The kiosk's own check is fooled (the head is re-signed with its key), but the server
    holds the links it received: continuing the chain or resending it whole is refused as
    audit_discontinuity, and the kiosk's sync status names it."""
    kiosk = next(enrolled)
    _checkin_and_sync(kiosk)
    held = kiosk.engine.status().audit_through_seq
    assert held >= 3
    _rewrite_audit_entry(kiosk.kiosk, 2, "nothing happened here")
    assert kiosk.kiosk.store.verify_audit(kiosk.kiosk.device_verify_key).ok
    if resend_from_start:
        kiosk.engine.status().with_changes(audit_through_seq=0).save(kiosk.engine.store)
    kiosk.kiosk.store.append_audit(NURSE_ID, "staff.unlocked", None, "role=nurse")

    report = kiosk.engine.run_once(force=True)
    assert report.outcome is SyncOutcome.FAILED
    assert report.error is not None and "audit_discontinuity" in report.error
    assert kiosk.engine.status().audit_through_seq in (0, held)


def _spoiled_by(attack: str, kiosk: EnrolledKiosk, other: EnrolledKiosk) -> None:
    if attack == "conflict":
        record_id = _checkin_and_sync(kiosk)
        sealer = Sealer(kiosk.device_id, kiosk.kiosk.device_key, [kiosk.clinic_key()])
        envelope = sealer.seal("checkin", b"{}", record_id=record_id).envelope
    elif attack == "foreign record":
        _checkin_and_sync(kiosk)
        sealer = Sealer(other.device_id, kiosk.kiosk.device_key, [kiosk.clinic_key()])
        envelope = sealer.seal("checkin", b"{}").envelope
    else:
        _checkin_and_sync(kiosk)
        _rewrite_audit_entry(kiosk.kiosk, 2, "nothing happened here")
        kiosk.kiosk.store.append_audit(NURSE_ID, "staff.unlocked", None, "role=nurse")
        assert kiosk.engine.run_once(force=True).outcome is SyncOutcome.FAILED
        return
    with kiosk.connection() as connection:
        connection.send_batch([envelope], datetime.now(UTC))


@pytest.mark.parametrize(
    ("attack", "shown"),
    [
        ("conflict", "record rejected: conflict"),
        ("foreign record", "record rejected: foreign_device"),
        ("rewritten audit", "request refused: audit_discontinuity"),
    ],
)
def test_it_sees_at_the_server_what_a_compromised_kiosk_attempted(
    enrolled: Iterator[EnrolledKiosk], server: ClinicServer, attack: str, shown: str
) -> None:
    """`clinic-server devices` shows the attempt on the line of the kiosk that made it (never on
    the kiosk it named), and `clinic-server refusals --device` lists it with its reason."""
    kiosk, other = next(enrolled), next(enrolled)
    _spoiled_by(attack, kiosk, other)
    line = _devices_line(server, kiosk.device_id).lower()
    assert any(word in line for word in ("conflict", "refused", "rejected", "discontinu"))
    assert shown in line
    assert shown.split(": ")[1] in server.admin("refusals", "--device", kiosk.device_id)
    assert "refused:" not in _devices_line(server, other.device_id)
    assert "rejected:" not in _devices_line(server, other.device_id)
