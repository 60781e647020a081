"""A kiosk process killed mid-infusion loses no entry and reopens the chair where it was.

A real kiosk process (`python -m tests.chair_kill_writer`: the kiosk's data folder opened, the
nurse unlocked, entries written through the chair's desk as the chair's screens write them) is
SIGKILLed at random moments while it writes, again and again. After every kill the kiosk opens
as after a power cut: every entry whose write had returned is in the chair's log (at most the
one in flight besides), the store is sound and the audit chain verifies; the chair reads as its
entries say (paused after a pause, the rate last set), and its clock is right: the next vitals
are due exactly 15 minutes after the last ones, the time in is the start's.
"""

from __future__ import annotations

import random
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kiosk.desk.chair_desk import ChairDesk
from kiosk.desk.facade import Kiosk
from kiosk.intake.chair.log import InfusionStatus
from kiosk.intake.codec import kind_of
from tests.chair_seating import NURSE, NURSE_PIN, cleared_patient
from tests.staff.conftest import CHEAP_SLOTS
from tests.staff.test_chair_desk import started

KILLS = 6
REPO = Path(__file__).resolve().parents[1]
#: The pump's status each kind leaves the chair in.
STATUS_AFTER = {
    "infusion_pause": InfusionStatus.PAUSED,
    "infusion_resume": InfusionStatus.RUNNING,
    "rate_change": InfusionStatus.RUNNING,
    "chair_vitals": None,
}


def written_until_killed(data: Path, checkin_id: str, after: int) -> list[tuple[str, str, str]]:
    """Start the kiosk process, let `after` entries be written, SIGKILL it mid-write; the
    entries it reported written (id, kind, time)."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.chair_kill_writer", str(data), checkin_id],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline() == "ready\n"
    written = [tuple(child.stdout.readline().split()) for _ in range(after)]
    child.kill()  # SIGKILL: while it writes the next entry
    child.wait()
    return [(w[0], w[1], w[2]) for w in written]


def test_a_kiosk_killed_mid_infusion_loses_no_entry_and_reopens_the_chair_where_it_was(
    tmp_path: Path,
) -> None:
    data = tmp_path / "kiosk"
    kiosk = Kiosk.init(data, demo=True, keyslot_cost=CHEAP_SLOTS)
    seated = cleared_patient(kiosk)
    start = datetime.now(UTC) - timedelta(minutes=20)
    first = started(kiosk, ChairDesk(kiosk.unlock(NURSE, NURSE_PIN)), seated, start)
    kiosk.close()
    written: list[tuple[str, str, datetime]] = []
    chance = random.Random(16)

    for _ in range(KILLS):
        acknowledged = written_until_killed(data, seated.checkin_id, chance.randint(1, 12))

        kiosk = Kiosk.open(data)
        try:
            assert kiosk.store.integrity_ok()
            check = kiosk.store.verify_audit(kiosk.device_verify_key)
            assert check.ok, check.problem
            desk = ChairDesk(kiosk.unlock(NURSE, NURSE_PIN))
            chair = desk.chair(seated.checkin_id, datetime.now(UTC))
            log = {entry.record_id: entry.record for entry in desk.log(seated.checkin_id)}
        finally:
            kiosk.close()
        ids = [record_id for record_id, _, _ in acknowledged]
        assert set(ids) <= set(log)  # nothing whose write returned is lost
        known = {record_id for record_id, _, _ in written}
        in_flight = set(log) - known - set(ids) - set(first)
        assert len(in_flight) <= 1  # at most the write the kill interrupted, whole
        written += [(i, kind, datetime.fromisoformat(at)) for i, kind, at in acknowledged]
        for record_id in in_flight:  # it made it: it counts as written
            record = log[record_id]
            written.append((record_id, kind_of(record), record.happened_at))  # type: ignore[arg-type]
        statuses = [STATUS_AFTER[kind] for _, kind, _ in written]
        assert chair.course.status is next(
            (status for status in reversed(statuses) if status), InfusionStatus.RUNNING
        )
        last_vitals = max(at for _, kind, at in written if kind == "chair_vitals")
        assert chair.next_vitals_due == last_vitals + timedelta(minutes=15)
        assert chair.time_in == start
