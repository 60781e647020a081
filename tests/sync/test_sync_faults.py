"""Whatever the clinic's network does between kiosk and server, a run fails with a reason IT can
read, loses nothing, and once the network heals every record is at the server exactly once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from clinic_harness import ClinicServer, engine_for, kiosk_hashes, submit_checkins
from fault_proxy import Fault, FaultProxy

from kiosk.kiosk import Kiosk
from kiosk.store.timestamps import utc_now
from sync.client.engine import SyncOutcome
from sync.client.enrolment import enroll


@pytest.fixture
def proxy(clinic_server: ClinicServer) -> Iterator[FaultProxy]:
    started = FaultProxy(clinic_server.port, seed=7).start()
    yield started
    started.stop()


@pytest.fixture
def kiosk_behind_proxy(kiosk: Kiosk, clinic_server: ClinicServer, proxy: FaultProxy) -> Kiosk:
    enroll(kiosk, proxy.url, clinic_server.enrolment_code())
    return kiosk


WHAT_IT_READS = {
    Fault.REFUSE: "cannot connect",
    Fault.STALL: "in time",
    Fault.RESET_REQUEST: "broke",
    Fault.RESET_RESPONSE: "broke",
    Fault.SERVER_ERROR: "HTTP 500",
    Fault.TRUNCATED: "broke",
    Fault.GARBAGE: "broke",
    Fault.CAPTIVE_PORTAL: "Wi-Fi sign-in page",
}


@pytest.mark.parametrize("fault", list(WHAT_IT_READS))
def test_a_network_fault_fails_the_run_with_its_reason_and_healing_delivers_exactly_once(
    fault: Fault, kiosk_behind_proxy: Kiosk, clinic_server: ClinicServer, proxy: FaultProxy
) -> None:
    kiosk = kiosk_behind_proxy
    submit_checkins(kiosk, 3)
    proxy.stall_seconds = 3.0
    engine = engine_for(kiosk, timeout_s=1.0)
    proxy.set_fault(fault)

    failed = engine.run_once(force=True)

    assert failed.outcome is SyncOutcome.FAILED
    assert failed.error is not None and WHAT_IT_READS[fault] in failed.error
    assert failed.returned_to_queue == 3
    status = engine.status()
    assert status.last_error == failed.error and status.consecutive_failures == 1
    assert status.next_attempt_at is not None and status.last_attempt_at is not None
    assert status.next_attempt_at > status.last_attempt_at
    assert kiosk.store.counts_by_state()["queued"] == 3

    proxy.set_fault(Fault.NONE)
    healed = engine.run_once(force=True)

    assert healed.outcome is SyncOutcome.DELIVERED, healed.error
    assert clinic_server.stored(kiosk) == kiosk_hashes(kiosk)
    assert kiosk.store.counts_by_state()["acked"] == 3
    assert engine.status().consecutive_failures == 0
    engine.close()


def test_a_batch_too_large_for_something_in_the_way_is_split_until_it_passes(
    kiosk_behind_proxy: Kiosk, clinic_server: ClinicServer, proxy: FaultProxy
) -> None:
    kiosk = kiosk_behind_proxy
    submit_checkins(kiosk, 6)
    one_envelope = max(row.size for row in kiosk.store.records())
    proxy.set_fault(Fault.TOO_LARGE, body_limit=2 * one_envelope + 64)
    engine = engine_for(kiosk)

    report = engine.run_once(force=True)

    assert report.outcome is SyncOutcome.DELIVERED and report.acked == 6
    assert proxy.seen[Fault.TOO_LARGE] >= 2
    assert clinic_server.stored(kiosk) == kiosk_hashes(kiosk)
    engine.close()


def test_a_record_too_large_even_alone_is_quarantined_with_the_reason(
    kiosk_behind_proxy: Kiosk, clinic_server: ClinicServer, proxy: FaultProxy
) -> None:
    kiosk = kiosk_behind_proxy
    [record_id] = submit_checkins(kiosk, 1)
    proxy.set_fault(Fault.TOO_LARGE, body_limit=100)
    engine = engine_for(kiosk)

    report = engine.run_once(force=True)

    assert report.quarantined == 1
    [row] = [row for row in kiosk.store.records() if row.record_id == record_id]
    assert row.state == "quarantined" and row.last_error is not None
    assert "too large" in row.last_error
    engine.close()


def test_after_a_failure_the_engine_waits_for_its_backoff_unless_told_sync_now(
    kiosk_behind_proxy: Kiosk, proxy: FaultProxy
) -> None:
    kiosk = kiosk_behind_proxy
    submit_checkins(kiosk, 1)
    engine = engine_for(kiosk)
    proxy.set_fault(Fault.SERVER_ERROR)
    failed = engine.run_once(force=True)
    assert failed.next_attempt_at is not None
    proxy.set_fault(Fault.NONE)

    waiting = engine.run_once()
    assert waiting.outcome is SyncOutcome.WAITING
    assert waiting.next_attempt_at == failed.next_attempt_at

    after_backoff = engine.run_once(failed.next_attempt_at + timedelta(seconds=1))
    assert after_backoff.outcome is SyncOutcome.DELIVERED
    engine.close()


def test_repeated_failures_back_off_further_and_never_give_up(
    kiosk_behind_proxy: Kiosk, clinic_server: ClinicServer, proxy: FaultProxy
) -> None:
    kiosk = kiosk_behind_proxy
    submit_checkins(kiosk, 2)
    engine = engine_for(kiosk)
    proxy.set_fault(Fault.REFUSE)
    waits = []
    for _ in range(6):
        now = utc_now()
        report = engine.run_once(now, force=True)
        assert report.outcome is SyncOutcome.FAILED and report.next_attempt_at is not None
        waits.append(report.next_attempt_at - now)
    assert engine.status().consecutive_failures == 6
    # 1 s base doubling to a 4 s cap, each with up to half of it random.
    assert all(timedelta(seconds=0.5) <= wait <= timedelta(seconds=4) for wait in waits)
    assert waits[-1] >= timedelta(seconds=2)

    proxy.set_fault(Fault.NONE)
    assert engine.run_once(force=True).acked == 2
    assert clinic_server.stored(kiosk) == kiosk_hashes(kiosk)
    engine.close()


def test_chaos_on_every_request_then_healing_leaves_each_record_once_at_the_server(
    kiosk_behind_proxy: Kiosk, clinic_server: ClinicServer, proxy: FaultProxy
) -> None:
    kiosk = kiosk_behind_proxy
    engine = engine_for(kiosk, timeout_s=0.5, batch_records=3)
    proxy.stall_seconds = 1.0
    proxy.set_fault(Fault.CHAOS)
    outcomes = set()
    for _ in range(12):
        submit_checkins(kiosk, 2)
        outcomes.add(engine.run_once(force=True).outcome)
    assert SyncOutcome.FAILED in outcomes

    proxy.set_fault(Fault.NONE)
    engine.run_once(force=True)

    assert clinic_server.stored(kiosk) == kiosk_hashes(kiosk)
    assert len(kiosk_hashes(kiosk)) == 24
    assert kiosk.store.counts_by_state()["acked"] == 24
    engine.close()
