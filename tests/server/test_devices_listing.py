"""`clinic-server devices` and `refusals` show times the way the kiosks do: in the clinic's
time zone (from its published configuration), with the zone named."""

from __future__ import annotations

import contextlib
import io
import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from clinic_server_harness import KioskDouble, ServerHome

from sync import wire

ZONE = "Pacific/Auckland"  # far from UTC and from the default zone, so neither passes by luck


def admin(home: ServerHome, *args: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert home.cli(*args) == 0
    return out.getvalue()


def shown_time(line: str) -> datetime:
    """The first "YYYY-MM-DD HH:MM:SS ZONE" on a line, read back in the clinic's zone."""
    found = re.search(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) (\S+)", line)
    assert found is not None, line
    assert found.group(2) == datetime.now(ZoneInfo(ZONE)).strftime("%Z")  # NZDT or NZST
    return datetime.fromisoformat(found.group(1)).replace(tzinfo=ZoneInfo(ZONE))


def test_it_reads_when_a_kiosk_was_last_seen_and_refused_in_the_clinics_zone(
    kiosk: KioskDouble, server_home: ServerHome, tmp_path: Path
) -> None:
    config = tmp_path / "clinic.toml"
    config.write_text(f'time_zone = "{ZONE}"\n')
    admin(server_home, "publish-config", str(config))
    body = wire.encode_batch([kiosk.seal_checkin().envelope])
    headers = wire.sign_request(kiosk.device_key, kiosk.device_id, "POST", wire.PATH_BATCH, body)
    headers["Content-Type"] = wire.BATCH_CONTENT_TYPE
    assert kiosk.http.post(wire.PATH_BATCH, content=body, headers=headers).status_code == 200
    assert kiosk.http.post(wire.PATH_BATCH, content=body, headers=headers).status_code == 409
    now = datetime.now(ZoneInfo(ZONE))

    header, *lines = admin(server_home, "devices").splitlines()
    assert f"LAST SEEN ({ZONE})" in header
    [line] = [line for line in lines if kiosk.device_id in line]
    seen = shown_time(line)
    assert abs(seen - now) < timedelta(minutes=2)
    refused = shown_time(line[line.index("replayed_nonce") :])
    assert abs(refused - now) < timedelta(minutes=2)

    header, row = admin(server_home, "refusals", "--device", kiosk.device_id).splitlines()
    assert header.startswith(f"TIME ({ZONE})")
    assert abs(shown_time(row) - now) < timedelta(minutes=2)
