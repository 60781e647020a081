"""Someone on the clinic network: replays, reorders, duplicates, truncates, bit-flips and delays
every request and every response between a kiosk's sync engine and a real clinic server.

What must hold after every trial and one clean run: the server holds exactly the kiosk's records
(none lost, none twice, every byte as sealed), the kiosk's outbox is empty, and every failed run
named its reason in words IT can act on.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from attack_network import Captured, Tamper, TamperingNetwork
from conftest import NURSE_ID

from kiosk.desk.enrolment import enroll
from kiosk.desk.facade import Kiosk
from kiosk.store import OutboxState
from sync.client.engine import SyncEngine, SyncOutcome
from sync.client.errors import SyncError
from sync.client.retry_policy import RetryPolicy
from sync.wire import Refusal, encode_batch, sign_request
from tests.examples import example_checkin, example_draft, example_vitals
from tests.sync.clinic_harness import CHEAP_SLOTS, ClinicServer

TRIALS_PER_TAMPER = 8
# How the engine words a failed run: each names the cause first, then the place.
NAMED_FAILURES = (
    "refused by the clinic server (",
    "the clinic server's answer did not follow the wire format",
    "the clinic server answered for other records than those sent",
    "no answer from the clinic server",
    "the connection to the clinic server",
    "the clinic server at ",
    "clinic configuration refused: ",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClinicServer]:
    running = ClinicServer(tmp_path_factory.mktemp("network") / "clinic-server").start()
    yield running
    running.stop()


@pytest.fixture
def kiosk(tmp_path: Path, server: ClinicServer) -> Iterator[Kiosk]:
    opened = Kiosk.init(tmp_path / "kiosk-data", demo=True, keyslot_cost=CHEAP_SLOTS)
    enroll(opened, server.url, server.enrolment_code(), name="waiting room")
    yield opened
    opened.close()


def _engine(kiosk: Kiosk, network: TamperingNetwork) -> SyncEngine:
    return SyncEngine.for_kiosk(
        kiosk,
        transport=network,
        timeout_s=5.0,
        retry=RetryPolicy(base_seconds=1.0, max_seconds=2.0),
    )


def _new_records(kiosk: Kiosk) -> None:
    """Two patients check in and the nurse records vitals for the first."""
    desk = kiosk.patient_desk()
    first = desk.submit_checkin(example_checkin()).record_id
    desk.submit_checkin(example_checkin())
    session = kiosk.unlock(NURSE_ID, "246810")
    session.record_vitals(example_vitals(checkin_id=first, nurse_id=NURSE_ID))
    session.lock()


def _assert_delivered_exactly(kiosk: Kiosk, server: ClinicServer) -> None:
    rows = kiosk.store.records()
    assert {row.state for row in rows} == {OutboxState.ACKED}
    assert server.stored(kiosk) == {row.record_id: row.sha256 for row in rows}


@pytest.mark.parametrize("tamper", list(Tamper))
def test_a_tampering_network_loses_duplicates_and_alters_nothing(
    tamper: Tamper, kiosk: Kiosk, server: ClinicServer
) -> None:
    """Each trial spoils one exchange (the batch, the audit links or the configuration pull),
    then the network behaves; held-back requests arrive late, out of order."""
    rng = random.Random(f"{tamper}-attack")
    network = TamperingNetwork(rng)
    engine = _engine(kiosk, network)
    failures: Counter[str] = Counter()
    try:
        for _trial in range(TRIALS_PER_TAMPER):
            _new_records(kiosk)
            network.plan = {network.exchanges + rng.randrange(3): tamper}
            first = engine.run_once(force=True)
            if first.outcome is SyncOutcome.FAILED:
                assert first.error is not None
                assert first.error.startswith(NAMED_FAILURES), first.error
                failures[first.error.split(":")[0]] += 1
            else:
                assert first.outcome is SyncOutcome.DELIVERED, first
            if rng.random() < 0.5:
                network.release_held()
            clean = engine.run_once(force=True)
            assert clean.outcome in (SyncOutcome.DELIVERED, SyncOutcome.NOTHING_DUE), clean
            network.release_held()
            _assert_delivered_exactly(kiosk, server)
    finally:
        engine.close()
        network.close()
    assert len(network.applied) == TRIALS_PER_TAMPER
    assert all(code in ("replayed_nonce", "stale_timestamp") for code in network.replay_refusals)
    print(f"\n{tamper}: {TRIALS_PER_TAMPER} trials, failed runs named: {dict(failures)}")


def _signed_batch(kiosk: Kiosk, server: ClinicServer, **sign: object) -> Captured:
    envelope = kiosk.store.get_envelope(kiosk.store.records()[0].record_id)
    body = encode_batch([envelope])
    headers = sign_request(kiosk.device_key, kiosk.kiosk_id, "POST", "/v1/batch", body, **sign)  # type: ignore[arg-type]
    headers["Content-Type"] = "application/vnd.clinic.batch"
    return Captured("POST", f"{server.url}/v1/batch", tuple(headers.items()), body)


def _send(captured: Captured) -> tuple[int, str]:
    with httpx.Client() as client:
        response = client.send(captured.build())
    if response.status_code == 200:
        return 200, response.json()["results"][0]["status"]
    return response.status_code, Refusal.from_json(response.content).code


def test_every_spoiled_request_is_refused_by_name_and_stores_nothing(
    kiosk: Kiosk, server: ClinicServer
) -> None:
    """A request replayed, held past the time window, cut, or with one bit changed anywhere is
    refused with its own code, and the server stores nothing from it."""
    kiosk.patient_desk().submit_checkin(example_checkin())
    good = _signed_batch(kiosk, server)
    body = good.body
    spoiled = {
        "body cut short": (replace(good, body=body[:-100]), "bad_signature"),
        "one body bit": (
            replace(good, body=body[:50] + bytes([body[50] ^ 4]) + body[51:]),
            "bad_signature",
        ),
        "held 10 minutes": (
            _signed_batch(kiosk, server, timestamp=int(time.time()) - 600),
            "stale_timestamp",
        ),
        "sent to another path": (replace(good, url=f"{server.url}/v1/audit"), "bad_signature"),
    }
    for name, (request, code) in spoiled.items():
        assert _send(request) == (401, code), name
    assert server.stored(kiosk) == {}
    assert _send(good) == (200, "accepted")
    assert _send(good) == (409, "replayed_nonce")
    assert len(server.stored(kiosk)) == 1


def test_a_quiet_day_leaves_nothing_in_quarantine(kiosk: Kiosk, server: ClinicServer) -> None:
    """Drafts saved while patients move through the steps, then their check-ins: one sync,
    and IT's quarantine is empty."""
    desk = kiosk.patient_desk()
    draft = desk.save_draft(example_draft())
    desk.submit_checkin(example_checkin(), supersedes=draft)
    network = TamperingNetwork(random.Random(0))
    engine = _engine(kiosk, network)
    try:
        assert engine.run_once(force=True).outcome is SyncOutcome.DELIVERED
    finally:
        engine.close()
        network.close()
    assert [row.kind for row in kiosk.store.records() if row.state is OutboxState.QUARANTINED] == []


def test_plain_http_to_another_machine_is_refused_at_enrolment(tmp_path: Path) -> None:
    """Without TLS a man in the middle could forge 'accepted' answers and make the kiosk purge
    undelivered records: plain http is therefore allowed only to this machine."""
    kiosk = Kiosk.init(tmp_path / "kiosk-data", demo=True, keyslot_cost=CHEAP_SLOTS)
    try:
        with pytest.raises(SyncError, match="plain http is allowed only on this machine"):
            enroll(kiosk, "http://192.0.2.10:8443", "ABCD-EFGH")
        assert kiosk.store.get_setting("sync.server_url") is None
    finally:
        kiosk.close()
