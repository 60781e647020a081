"""The clinic configuration the server published and signed is what the kiosk uses once pulled:
its clinic name greets patients, its draft-language setting decides the languages they are
offered, and its hold thresholds flag the nurse's vitals. A stored copy that no longer verifies is
refused, said so, set aside, and pulled again at the next sync."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Static

from kiosk.app import KioskApp
from kiosk.desk.enrolment import enroll
from kiosk.desk.facade import Kiosk
from kiosk.intake.records import Severity
from kiosk.intake.rules import highest_severity
from kiosk.locale import LANGUAGES
from sync.client.clinic_config import CONFIG_SETTING
from tests.examples import example_checkin, example_vitals
from tests.sync.clinic_harness import CHEAP_SLOTS, ClinicServer, engine_for

LAKESIDE = """clinic_name = "Lakeside Infusion"

[languages]
show_drafts = true

[thresholds.vitals.systolic]
caution_at_or_above = 150
stop_at_or_above = 170
"""


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ClinicServer]:
    running = ClinicServer(tmp_path / "clinic-server").start()
    yield running
    running.stop()


def _published_and_synced(data_dir: Path, server: ClinicServer, tmp_path: Path) -> None:
    """IT enrols the kiosk, publishes Lakeside's file at the server, and the kiosk syncs."""
    kiosk = Kiosk.init(data_dir, demo=True, keyslot_cost=CHEAP_SLOTS)
    try:
        enroll(kiosk, server.url, server.enrolment_code())
        (tmp_path / "lakeside.toml").write_text(LAKESIDE)
        server.admin("publish-config", str(tmp_path / "lakeside.toml"))
        engine = engine_for(kiosk)
        try:
            engine.run_once(force=True)
        finally:
            engine.close()
    finally:
        kiosk.close()


def _systolic_172_flag(kiosk: Kiosk) -> Severity | None:
    """The severity the nurse sees for a systolic of 172 mmHg."""
    checkin = kiosk.patient_desk().submit_checkin(example_checkin())
    nurse = kiosk.unlock("N100", "246810")
    vitals = example_vitals(checkin_id=checkin.record_id, nurse_id="N100", systolic_mmhg=172)
    _, flags = nurse.record_vitals(vitals)
    return highest_severity(flags)


def test_a_reopened_kiosk_uses_the_clinics_published_name_and_thresholds(
    tmp_path: Path, server: ClinicServer
) -> None:
    data_dir = tmp_path / "kiosk-data"
    _published_and_synced(data_dir, server, tmp_path)

    kiosk = Kiosk.open(data_dir)
    try:
        assert kiosk.config.clinic_name == dict.fromkeys(LANGUAGES, "Lakeside Infusion")
        assert kiosk.config_problem is None
        assert _systolic_172_flag(kiosk) is Severity.STOP  # the default file says CAUTION
    finally:
        kiosk.close()
    assert 'en = "Infusion Clinic"' in (data_dir / "clinic.toml").read_text()


async def test_the_kiosk_started_from_its_data_directory_greets_with_the_published_name(
    tmp_path: Path, server: ClinicServer
) -> None:
    data_dir = tmp_path / "kiosk-data"
    _published_and_synced(data_dir, server, tmp_path)

    app = KioskApp(data_dir)  # the way `make demo` and every browser tab start it
    async with app.run_test(size=(80, 24)) as pilot:
        await app.steps_built()
        await pilot.pause()
        greeting = str(app.welcome.query_one("#clinic-name", Static).render())
        assert greeting == "Lakeside Infusion"  # clinic.toml says "Infusion Clinic"
        # clinic.toml leaves draft languages off; Lakeside turns them on.
        offered = [str(button.label) for button in app.welcome.query("#languages Button")]
        assert offered == ["English", "Español", "中文(简体)", "Tiếng Việt", "한국어", "Tagalog"]
        systolic_stop = app.config.holds_for("systolic")[0]
        assert systolic_stop.limit == 170  # the default file says 180


def test_a_tampered_stored_configuration_is_refused_said_and_pulled_again(
    tmp_path: Path, server: ClinicServer
) -> None:
    data_dir = tmp_path / "kiosk-data"
    _published_and_synced(data_dir, server, tmp_path)
    kiosk = Kiosk.open(data_dir)
    stored = json.loads(kiosk.store.get_setting(CONFIG_SETTING) or "{}")
    payload = base64.b64decode(stored["payload"]).replace(b"= 170", b"= 250")
    stored["payload"] = base64.b64encode(payload).decode("ascii")
    kiosk.store.set_setting(CONFIG_SETTING, json.dumps(stored))
    kiosk.close()

    kiosk = Kiosk.open(data_dir)
    try:
        assert kiosk.config_problem is not None
        assert "refused" in kiosk.config_problem and "clinic.toml" in kiosk.config_problem
        assert kiosk.config.clinic_name["en"] == "Infusion Clinic"
        assert _systolic_172_flag(kiosk) is Severity.CAUTION  # never the tampered 250
        refused = [e for e in kiosk.store.audit_entries() if e.action == "config.refused"]
        assert len(refused) == 1 and "sha256=" in refused[0].detail
        assert kiosk.store.get_setting(CONFIG_SETTING) is None
        engine = engine_for(kiosk)
        try:
            engine.run_once(force=True)
        finally:
            engine.close()
    finally:
        kiosk.close()

    kiosk = Kiosk.open(data_dir)
    try:
        assert kiosk.config_problem is None
        assert kiosk.config.clinic_name == dict.fromkeys(LANGUAGES, "Lakeside Infusion")
    finally:
        kiosk.close()
