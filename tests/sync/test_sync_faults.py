"""Whatever the clinic's network does between kiosk and server, a run fails with a reason IT can
read, loses nothing, and once the network heals every record is at the server exactly once."""

from __future__ import annotations

import contextlib
import http.server
import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from clinic_harness import ClinicServer, engine_for, kiosk_hashes, submit_checkins
from fault_proxy import Fault, FaultProxy

from kiosk.desk.enrolment import enroll
from kiosk.desk.facade import Kiosk
from kiosk.store.timestamps import utc_now
from sync.client.engine import SyncOutcome


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


def test_a_batch_the_clinic_server_finds_too_large_is_split_until_it_passes(
    kiosk: Kiosk, own_clinic_server: ClinicServer
) -> None:
    enroll(kiosk, own_clinic_server.url, own_clinic_server.enrolment_code())
    submit_checkins(kiosk, 6)
    one_envelope = max(row.size for row in kiosk.store.records())
    # IT lowers the server's limit after enrolment: the kiosk still builds batches for the old one.
    own_clinic_server.stop()
    own_clinic_server.start("--max-body-bytes", str(2 * one_envelope + 64))
    engine = engine_for(kiosk)

    report = engine.run_once(force=True)

    assert report.outcome is SyncOutcome.DELIVERED and report.acked == 6
    assert own_clinic_server.stored(kiosk) == kiosk_hashes(kiosk)
    engine.close()


def test_a_record_the_clinic_server_finds_too_large_even_alone_is_quarantined_with_the_reason(
    kiosk: Kiosk, own_clinic_server: ClinicServer
) -> None:
    enroll(kiosk, own_clinic_server.url, own_clinic_server.enrolment_code())
    [record_id] = submit_checkins(kiosk, 1)
    own_clinic_server.stop()
    own_clinic_server.start("--max-body-bytes", "1024")
    engine = engine_for(kiosk)

    report = engine.run_once(force=True)

    assert report.quarantined == 1
    [row] = [row for row in kiosk.store.records() if row.record_id == record_id]
    assert row.state == "quarantined" and row.last_error is not None
    assert "too large" in row.last_error
    engine.close()


def test_a_413_from_something_in_the_way_is_retried_and_never_quarantines_a_good_record(
    kiosk: Kiosk, own_clinic_server: ClinicServer
) -> None:
    """The attack run: the server stops, any web server answering 413 (an HTML page) takes its
    port, a record is queued and IT presses sync now. Only the clinic's own refusal may hold a
    record back; this is a network fault, and the record goes once the real server is back."""
    enroll(kiosk, own_clinic_server.url, own_clinic_server.enrolment_code())
    [record_id] = submit_checkins(kiosk, 1)
    own_clinic_server.stop()
    with answering_413(own_clinic_server.port):
        engine = engine_for(kiosk)
        failed = engine.run_once(force=True)

    assert failed.outcome is SyncOutcome.FAILED and failed.quarantined == 0
    assert failed.error is not None and "without a clinic refusal" in failed.error
    [row] = [row for row in kiosk.store.records() if row.record_id == record_id]
    assert row.state == "queued"

    own_clinic_server.start()
    healed = engine.run_once(force=True)

    assert healed.outcome is SyncOutcome.DELIVERED and healed.acked == 1
    assert own_clinic_server.stored(kiosk) == kiosk_hashes(kiosk)
    engine.close()


@contextlib.contextmanager
def answering_413(port: int) -> Iterator[None]:
    """A plain web server on `port` that answers every request 413 with an HTML page."""

    class TooLarge(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            page = b"<html><body>413 Request Entity Too Large</body></html>"
            self.send_response(413)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(page)

        do_GET = do_POST

        def log_message(self, format: str, *args: object) -> None:
            pass  # Why: keep the test output to the test's own story.

    web = http.server.ThreadingHTTPServer(("127.0.0.1", port), TooLarge)
    thread = threading.Thread(target=web.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        web.shutdown()
        web.server_close()
        thread.join(timeout=10)


@pytest.mark.parametrize(
    ("fault", "cause"),
    [
        (Fault.REFUSE, "cannot connect to the clinic server"),
        (Fault.STALL, "no answer from the clinic server"),
        (Fault.SERVER_ERROR, "answered HTTP 500 without a clinic refusal"),
    ],
)
def test_a_network_fault_on_the_audit_step_is_named_as_the_network_before_the_step(
    fault: Fault, cause: str, kiosk_behind_proxy: Kiosk, proxy: FaultProxy
) -> None:
    """Nothing is queued, so the first request is the audit chain's: IT must read a network
    fault, not an audit chain problem, and look at the network first."""
    proxy.stall_seconds = 3.0
    proxy.set_fault(fault)
    engine = engine_for(kiosk_behind_proxy, timeout_s=1.0)

    failed = engine.run_once(force=True)

    assert failed.error is not None
    assert failed.error.startswith(("cannot connect", "no answer", "the clinic server at"))
    assert cause in failed.error
    assert failed.error.endswith("(while sending the audit chain)")
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
        started = time.monotonic()
        report = engine.run_once(now, force=True)
        attempt = timedelta(seconds=time.monotonic() - started)
        assert report.outcome is SyncOutcome.FAILED and report.next_attempt_at is not None
        # The wait counts from the end of the attempt (the engine's own measure of it is at most
        # ours), so a refused connection that was slow to fail on a busy machine adds to it.
        waits.append((report.next_attempt_at - now, report.next_attempt_at - (now + attempt)))
    assert engine.status().consecutive_failures == 6
    # 1 s base doubling to a 4 s cap, each with up to half of it random.
    assert all(
        from_start >= timedelta(seconds=0.5) and from_end <= timedelta(seconds=4)
        for from_start, from_end in waits
    )
    assert waits[-1][0] >= timedelta(seconds=2)

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
