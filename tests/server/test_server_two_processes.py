"""Two clinic server processes on one PostgreSQL receive the same records at the same time:
each record is stored once, acknowledged as accepted by exactly one server and as a duplicate
by the other."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from clinic_server_harness import KioskDouble, make_home, start_server
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url

from sync.server.schema import envelopes


@pytest.mark.postgres
def test_two_servers_on_one_postgresql_store_each_record_once(
    postgres_url: str, tmp_path: Path
) -> None:
    home = make_home(tmp_path, postgres_url)
    first, second = start_server(home), start_server(home)
    try:
        kiosk = KioskDouble(first.url, home.clinic_key())
        assert kiosk.enrol(home.enrolment_code()).status_code == 200
        other_door = KioskDouble(second.url, home.clinic_key(), kiosk.device_id, kiosk.device_key)
        records = [kiosk.seal_checkin().envelope for _ in range(120)]
        batches = [records[i : i + 20] for i in range(0, len(records), 20)]
        # Each server gets every batch; the second in the opposite order to maximise overlap.
        jobs = [(kiosk, b) for b in batches] + [(other_door, b) for b in reversed(batches)]
        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(lambda job: (job[1], job[0].statuses(job[1])), jobs))
        per_record: dict[bytes, Counter[str]] = {r: Counter() for r in records}
        for batch, statuses in answers:
            for envelope, status in zip(batch, statuses, strict=True):
                per_record[envelope][status] += 1
        assert all(c == Counter(accepted=1, duplicate=1) for c in per_record.values())
        engine = create_engine(make_url(postgres_url).set(drivername="postgresql+psycopg"))
        with engine.connect() as conn:
            stored = conn.execute(select(func.count()).select_from(envelopes)).scalar_one()
        engine.dispose()
        assert stored == len(records)
    finally:
        first.stop()
        second.stop()
