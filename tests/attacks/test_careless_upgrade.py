"""The careless upgrade: new kiosk software on a kiosk full of yesterday's records, or old
software put back on a database a newer version already migrated (and the same at the server).

A whole kiosk is made by "the previous version": the store's migration list cut to its first
entry, records written the way that version wrote them (no staff-sealed summary). The current
software must open it, migrate it and lose nothing; a newer database must be refused in one
clear line and left byte for byte as it was.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import shutil
import sqlite3
from pathlib import Path

import pytest
from attack_canaries import canary_checkin
from conftest import NURSE_ID, NURSE_PIN, ClinicKiosk, make_clinic_kiosk

import kiosk.store.connection as store_connection
from kiosk.cli.main import main as kiosk_main
from kiosk.desk.data_folder import CONFIG_NAME, DATABASE_NAME, SECRET_NAME
from kiosk.desk.errors import KioskError
from kiosk.desk.facade import Kiosk
from kiosk.intake.codec import to_payload
from kiosk.intake.config import DEFAULTS_PATH
from kiosk.intake.records import CheckIn
from kiosk.store import SCHEMA_VERSION, OutboxState
from kiosk.store.schema import MIGRATIONS
from kiosk.store.timestamps import utc_text
from kiosk.vault import Sealer
from sync.server.cli import main as server_main
from tests.examples import EXAMPLE_LEGAL_NAME, example_checkin

#: A data folder made before the TPM and Argon2id calibration (issue 14 item 14).
KIOSK_BEFORE_TPM = Path(__file__).parent / "kiosk_before_tpm"


def _previous_version_kiosk(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> ClinicKiosk:
    """A kiosk made and used by the software one schema version back; returns it closed."""
    with monkeypatch.context() as previous:
        previous.setattr(store_connection, "MIGRATIONS", MIGRATIONS[:-1])
        previous.setattr(store_connection, "SCHEMA_VERSION", SCHEMA_VERSION - 1)
        clinic = make_clinic_kiosk(data_dir)
        kiosk = clinic.kiosk
        clinic_key = kiosk.clinic_public_key()
        assert clinic_key is not None
        sealer = Sealer(kiosk.kiosk_id, kiosk.device_key, [clinic_key, kiosk.staff_public_key])
        for checkin in (canary_checkin(), example_checkin()):
            sealed = sealer.seal("checkin", to_payload(checkin))
            database = sqlite3.connect(data_dir / DATABASE_NAME, isolation_level=None)
            with database:
                database.execute(
                    "INSERT INTO records (record_id, kind, created_at, device_id, supersedes,"
                    " envelope, sha256, size) VALUES (?, 'checkin', ?, ?, NULL, ?, ?, ?)",
                    [
                        sealed.record_id,
                        utc_text(sealed.created_at),
                        sealed.device_id,
                        sealed.envelope,
                        sealed.sha256,
                        len(sealed.envelope),
                    ],
                )
                database.execute(
                    "INSERT INTO outbox (record_id, state, attempts, updated_at) VALUES"
                    " (?, 'queued', 0, ?)",
                    [sealed.record_id, utc_text(sealed.created_at)],
                )
            database.close()
            kiosk.store.append_audit("patient", "checkin.submitted", sealed.record_id, "")
        kiosk.close()
    assert _schema_version(data_dir) == SCHEMA_VERSION - 1
    return clinic


def _schema_version(data_dir: Path) -> int:
    database = sqlite3.connect(data_dir / DATABASE_NAME)
    try:
        return int(database.execute("PRAGMA user_version").fetchone()[0])
    finally:
        database.close()


def test_an_upgraded_kiosk_keeps_every_record_staff_slot_and_audit_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the upgrade the nurse unlocks with her old PIN, opens both earlier check-ins as
    they were sealed, both wait in the queue, and the audit chain still verifies."""
    old = _previous_version_kiosk(tmp_path / "kiosk-data", monkeypatch)
    kiosk = Kiosk.open(old.data_dir)
    try:
        assert _schema_version(old.data_dir) == SCHEMA_VERSION
        rows = kiosk.store.records()
        assert [row.state for row in rows] == [OutboxState.QUEUED] * 2
        session = kiosk.unlock(NURSE_ID, NURSE_PIN)
        opened = {session.open_record(row.record_id) for row in rows}
        session.lock()
        assert opened == {canary_checkin(), example_checkin()}
        assert kiosk.store.verify_audit(kiosk.device_verify_key).ok
    finally:
        kiosk.close()


def test_the_nurse_still_sees_this_mornings_check_ins_after_an_upgrade(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = _previous_version_kiosk(tmp_path / "kiosk-data", monkeypatch)
    kiosk = Kiosk.open(old.data_dir)
    try:
        session = kiosk.unlock(NURSE_ID, NURSE_PIN)
        listed = session.todays_summaries()
        session.lock()
        assert len(listed) == 2
    finally:
        kiosk.close()


def test_a_kiosk_made_before_tpm_sealing_and_calibration_still_unlocks(tmp_path: Path) -> None:
    """A demo kiosk's database and device secret as the software of 66f66b2 wrote them (the
    secret in a file, keyslots at that default of 64 MiB and 3 passes, no measured cost, one
    submitted check-in): today's software opens it, the nurse's PIN opens the check-in, and IT
    is told what protects its PINs."""
    data = tmp_path / "kiosk-data"
    data.mkdir(mode=0o700)
    for name in (DATABASE_NAME, SECRET_NAME):
        shutil.copy(KIOSK_BEFORE_TPM / name, data / name)
        (data / name).chmod(0o600)
    (data / CONFIG_NAME).write_bytes(DEFAULTS_PATH.read_bytes())
    kiosk = Kiosk.open(data)
    try:
        session = kiosk.unlock("N100", "246810")
        [row] = kiosk.store.records(kind="checkin")
        opened = session.open_record(row.record_id)
        session.lock()
        assert isinstance(opened, CheckIn)
        assert opened.identity.legal_name == EXAMPLE_LEGAL_NAME
        assert kiosk.pin_protection().describe() == (
            "Argon2id, 64 MiB and 3 passes per guess (no TPM; set before kiosk init measured "
            "the cost)"
        )
    finally:
        kiosk.close()


def _hashes(folder: Path) -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.iterdir())
        if path.is_file()
    }


def test_a_database_from_newer_software_is_refused_in_one_line_and_left_untouched(
    tmp_path: Path,
) -> None:
    """Old software put back on a migrated kiosk: the facade and the `kiosk` command refuse it,
    name the versions and what to do, and not one byte of the data directory changes."""
    clinic = make_clinic_kiosk(tmp_path / "kiosk-data")
    clinic.kiosk.patient_desk().submit_checkin(example_checkin())
    clinic.kiosk.close()
    database = sqlite3.connect(clinic.data_dir / DATABASE_NAME, isolation_level=None)
    database.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    database.close()
    before = _hashes(clinic.data_dir)

    with pytest.raises(KioskError) as refused:
        Kiosk.open(clinic.data_dir)
    message = str(refused.value)
    assert "newer" in message and str(SCHEMA_VERSION + 1) in message and "\n" not in message

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        status = kiosk_main(["--data", str(clinic.data_dir), "records", "list"])
    assert status != 0
    assert err.getvalue().count("\n") == 1 and "newer" in err.getvalue()
    assert "Traceback" not in err.getvalue()
    assert _hashes(clinic.data_dir) == before


def test_a_clinic_database_from_a_newer_server_is_refused_clearly(tmp_path: Path) -> None:
    """The same at the clinic server: a newer schema is named, with what to do."""
    home = tmp_path / "clinic-server"
    (tmp_path / "passphrase").write_text("correct horse battery staple\n")
    assert (
        server_main(
            ["--home", str(home), "init", "--passphrase-file", str(tmp_path / "passphrase")]
        )
        == 0
    )
    database = sqlite3.connect(home / "clinic.db", isolation_level=None)
    database.execute("INSERT INTO schema_version (version, applied_at) VALUES (99, 0)")
    database.close()
    before = hashlib.sha256((home / "clinic.db").read_bytes()).hexdigest()

    for command in (["devices"], ["run", "--port", "0"]):
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            status = server_main(["--home", str(home), *command])
        assert status != 0
        said = err.getvalue()
        assert said.count("\n") == 1 and "Traceback" not in said
        assert "clinic.db" in said and "99" in said and "upgrade the clinic server" in said
    assert hashlib.sha256((home / "clinic.db").read_bytes()).hexdigest() == before
