"""Stories of the refusal log: IT sees at the clinic server what was refused, from which kiosk
(or from a sender that proved no identity), and no one can fill the server's disk with it."""

from __future__ import annotations

import contextlib
import io
import math
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from clinic_server_harness import KioskDouble, RunningServer, ServerHome

import sync.server.refusals as refusal_table
from sync import wire
from sync.server.devices import EnrolmentRefused
from sync.server.refusal_log import BURST, MAX_ROWS_PER_REQUEST, NOT_LISTED, RefusalNote
from sync.server.schema import MIGRATIONS
from sync.server.storage import ClinicStore


def admin(home: ServerHome, *args: str) -> str:
    """What IT reads from one `clinic-server` command (it must succeed)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert home.cli(*args) == 0
    return out.getvalue()


def devices_line(home: ServerHome, device_id: str) -> str:
    [line] = [line for line in admin(home, "devices").splitlines() if device_id in line]
    return line


def shows_a_refusal(line: str) -> bool:
    return "request refused:" in line or "record rejected:" in line


def kept_refusals(home: ServerHome, device: str) -> int:
    """How many refusals the log keeps for this device (or "unknown")."""
    store = ClinicStore.open(home.db_url, time.time())
    try:
        return len(store.refusals(100_000, device))
    finally:
        store.close()


def test_a_replayed_batch_stores_nothing_and_it_sees_the_replay_under_that_kiosk(
    kiosk: KioskDouble, server_home: ServerHome
) -> None:
    body = wire.encode_batch([kiosk.seal_checkin().envelope])
    headers = wire.sign_request(kiosk.device_key, kiosk.device_id, "POST", wire.PATH_BATCH, body)
    headers["Content-Type"] = wire.BATCH_CONTENT_TYPE
    assert kiosk.http.post(wire.PATH_BATCH, content=body, headers=headers).status_code == 200
    assert not shows_a_refusal(devices_line(server_home, kiosk.device_id))
    assert kiosk.http.post(wire.PATH_BATCH, content=body, headers=headers).status_code == 409

    assert "request refused: replayed_nonce" in devices_line(server_home, kiosk.device_id)
    listed = admin(server_home, "refusals", "--device", kiosk.device_id)
    assert "replayed_nonce" in listed and "nonce reused" in listed
    assert kept_refusals(server_home, kiosk.device_id) == 1


def test_a_conflicting_record_is_listed_with_its_id_and_nothing_of_its_bytes(
    kiosk: KioskDouble, server_home: ServerHome
) -> None:
    first = kiosk.seal_checkin()
    other = kiosk.sealer.seal("checkin", b'{"other":1}', record_id=first.record_id)
    assert kiosk.statuses([first.envelope]) == ["accepted"]
    assert kiosk.statuses([other.envelope, kiosk.seal_checkin().envelope]) == [
        "conflict",
        "accepted",
    ]
    assert "record rejected: conflict" in devices_line(server_home, kiosk.device_id)
    [row] = admin(server_home, "refusals", "--device", kiosk.device_id).splitlines()[1:]
    assert first.record_id in row and "already stored" in row
    assert len(row) < 300  # a line of text, not an envelope


def test_a_stranger_and_an_impostor_are_listed_as_unknown_never_against_the_kiosk_named(
    server: RunningServer, kiosk: KioskDouble, server_home: ServerHome
) -> None:
    stranger = KioskDouble(server.url, server_home.clinic_key())
    assert stranger.send([stranger.seal_checkin().envelope]).status_code == 401
    impostor = KioskDouble(server.url, server_home.clinic_key(), device_id=kiosk.device_id)
    assert impostor.send([impostor.seal_checkin().envelope]).status_code == 401
    impostor.http.close()
    stranger.http.close()

    unknown = admin(server_home, "refusals", "--device", "unknown")
    assert "unknown_device" in unknown and stranger.device_id in unknown
    assert "bad_signature" in unknown and f"named device {kiosk.device_id!r}" in unknown
    assert "senders that proved no identity:" in admin(server_home, "devices")
    assert not shows_a_refusal(devices_line(server_home, kiosk.device_id))


def test_a_revoked_kiosk_trying_again_is_listed_under_its_own_id_and_an_impostor_is_not(
    server: RunningServer, kiosk: KioskDouble, server_home: ServerHome
) -> None:
    """Both are answered revoked_device; only the real kiosk's attempt counts against it."""
    assert server_home.cli("revoke", kiosk.device_id) == 0
    assert kiosk.send([kiosk.seal_checkin().envelope]).status_code == 403
    impostor = KioskDouble(server.url, server_home.clinic_key(), device_id=kiosk.device_id)
    assert impostor.send([impostor.seal_checkin().envelope]).status_code == 403
    impostor.http.close()
    line = devices_line(server_home, kiosk.device_id)
    assert " revoked " in line and "request refused: revoked_device" in line
    assert kept_refusals(server_home, kiosk.device_id) == 1
    assert f"named device {kiosk.device_id!r}" in admin(
        server_home, "refusals", "--device", "unknown"
    )


def test_a_flood_from_strangers_adds_only_a_bounded_number_of_rows(
    server: RunningServer, server_home: ServerHome
) -> None:
    """Hundreds of requests from an unknown device: the log grows by at most its budget (a
    burst, then one write a second, two rows a write), and the server keeps answering."""

    before = kept_refusals(server_home, "unknown")
    stranger = KioskDouble(server.url, server_home.clinic_key())
    started = time.monotonic()
    for _ in range(300):
        assert stranger.signed("GET", wire.PATH_CONFIG).status_code == 401
    elapsed = time.monotonic() - started
    stranger.http.close()
    writes_allowed = BURST + math.ceil(elapsed) + 1
    assert kept_refusals(server_home, "unknown") - before <= 2 * writes_allowed


# --- the log itself, on a SQLite file with a clock the test controls ------------------------


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ClinicStore]:
    opened = ClinicStore.open(f"sqlite:///{tmp_path / 'clinic.db'}", 0.0, create=True)
    yield opened
    opened.close()


def test_each_sender_keeps_only_its_latest_refusals(
    store: ClinicStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(refusal_table, "KEEP_PER_SENDER", 5)
    for n in range(12):
        store.note_refusals("kiosk-a", 100.0 * n, [RefusalNote("conflict", f"try {n}", "r")])
    for n in range(3):
        store.note_refusals(None, 100.0 * n, [RefusalNote("unknown_device", f"stranger {n}")])
    kept = store.refusals(100, "kiosk-a")
    assert [r.reason for r in kept] == [f"try {n}" for n in (11, 10, 9, 8, 7)]
    assert len(store.refusals(100, "unknown")) == 3


def test_a_burst_is_written_up_to_its_budget_and_the_rest_is_counted_in_the_next_row(
    store: ClinicStore,
) -> None:
    note = [RefusalNote("replayed_nonce", "this request was already received")]
    written = [store.note_refusals("kiosk-a", 1000.0, note) for _ in range(BURST + 40)]
    assert written.count(True) == BURST
    assert store.note_refusals("kiosk-a", 1030.0, note)
    newest = store.refusals(2, "kiosk-a")
    assert {r.code for r in newest} == {"replayed_nonce", NOT_LISTED}
    assert any(r.reason.startswith("40 refusals before this one") for r in newest)


def test_one_request_lists_its_first_refused_records_and_counts_the_rest(
    store: ClinicStore,
) -> None:
    notes = [RefusalNote("malformed_envelope", "not an envelope") for _ in range(500)]
    assert store.note_refusals("kiosk-a", 0.0, notes)
    kept = store.refusals(1000, "kiosk-a")
    assert len(kept) == MAX_ROWS_PER_REQUEST + 1
    assert f"{500 - MAX_ROWS_PER_REQUEST} more refusals of this request" in kept[0].reason


def test_hostile_text_in_a_reason_reaches_it_inert(store: ClinicStore) -> None:
    reason = "bad \x1b[2J\x1b]0;pwned\x07 \u202eevil\u2028next" + "x" * 1000
    store.note_refusals(None, 0.0, [RefusalNote("malformed_request", reason)])
    [kept] = store.refusals(10, "unknown")
    assert kept.reason.startswith("bad ?[2J?]0;pwned? ?evil?next")
    assert len(kept.reason) == 400 and kept.reason.endswith("...")


def test_a_database_from_before_the_refusal_log_migrates_and_keeps_its_kiosks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    with monkeypatch.context() as previous:
        previous.setattr("sync.server.schema.MIGRATIONS", MIGRATIONS[:1])
        previous.setattr("sync.server.schema.SCHEMA_VERSION", 1)
        old = ClinicStore.open(url, 0.0, create=True)
        old.add_enrolment_token("ABCDE-FGHJK", 0.0, 100.0)
        old.enrol("ABCDE-FGHJK", "kiosk-a", bytes(32), "front desk", 1.0)
        old.close()
    upgraded = ClinicStore.open(url, 2.0)
    try:
        assert [s.device.device_id for s in upgraded.device_summaries()] == ["kiosk-a"]
        upgraded.note_refusals("kiosk-a", 3.0, [RefusalNote("revoked_device", "revoked")])
        assert upgraded.device_summaries()[0].refused is not None
    finally:
        upgraded.close()


def test_a_kiosk_cannot_enrol_as_unknown(store: ClinicStore) -> None:
    store.add_enrolment_token("ABCDE-FGHJK", 0.0, 100.0)
    with pytest.raises(EnrolmentRefused, match="reserved"):
        store.enrol("ABCDE-FGHJK", "unknown", bytes(32), "front desk", 1.0)


def test_it_asking_for_no_refusals_is_told_the_range(server_home: ServerHome) -> None:
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert server_home.cli("refusals", "--limit", "0") == 2
    assert err.getvalue().count("\n") == 1 and "--limit" in err.getvalue()
