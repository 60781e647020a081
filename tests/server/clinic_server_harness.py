"""The clinic server test harness: a set-up server home, a real uvicorn process on a free
loopback port, a kiosk double that enrols and sends signed batches, example records."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import psycopg

from kiosk.intake.codec import to_payload
from kiosk.intake.records import (
    Allergy,
    Answer,
    CheckIn,
    ConsentSignature,
    HealthHistory,
    HistoryAnswer,
    Identity,
    Medication,
    MedicationList,
    Midas,
    MigraineHistory,
    Phq9,
    PregnancyAnswer,
    PregnancyTest,
    TodayChecklist,
    Vitals,
)
from kiosk.vault import DeviceSigningKey, RecipientPublicKey, SealedRecord, Sealer
from sync import wire
from sync.server.cli import main as clinic_server

PASSPHRASE = "correct horse battery staple"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
#: Text a careless or hostile typist could produce: markup, quotes, URL and SQL characters,
#: emoji, Chinese, Arabic. Every free-text field of the export must carry it unchanged.
HOSTILE = (
    "<script>alert('x')</script> \"quoted\" a|b&c=d,e$f\\g %41 '; DROP TABLE patients;-- "
    "😀 偏头痛 مرحبا Ñandú"
)


@dataclass
class ServerHome:
    """A clinic server folder after `clinic-server init`, and the database it uses."""

    home: Path
    db_url: str
    passphrase_file: Path

    def cli(self, *args: str) -> int:
        return clinic_server(["--home", str(self.home), "--db", self.db_url, *args])

    def enrolment_code(self) -> str:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            assert self.cli("enroll-token") == 0
        return printed.getvalue().strip()

    def clinic_key(self) -> RecipientPublicKey:
        return RecipientPublicKey.from_bytes((self.home / "clinic-key.pub").read_bytes())


def make_home(tmp_path: Path, db_url: str | None = None) -> ServerHome:
    home = tmp_path / "clinic"
    passphrase_file = tmp_path / "passphrase"
    passphrase_file.write_text(PASSPHRASE + "\n")
    url = db_url or f"sqlite:///{tmp_path / 'clinic.db'}"
    made = ServerHome(home, url, passphrase_file)
    assert made.cli("init", "--passphrase-file", str(passphrase_file)) == 0
    return made


@dataclass
class RunningServer:
    """A `clinic-server run` process on loopback."""

    url: str
    process: subprocess.Popen[str]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(home: ServerHome, *extra: str) -> RunningServer:
    """Start a real uvicorn server with --port 0 and read the port it printed."""
    command = [
        sys.executable, "-m", "sync.server.cli", "--home", str(home.home), "--db", home.db_url,
        "run", "--port", "0", "--quiet", *extra,
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    if "listening on" not in line:
        process.kill()
        _, err = process.communicate(timeout=10)
        raise AssertionError(f"the clinic server did not start: {line!r} {err[-2000:]}")
    return RunningServer(line.split("listening on ", 1)[1].strip(), process)


@dataclass
class KioskDouble:
    """What a kiosk does on the wire, with nothing of the kiosk app around it."""

    server_url: str
    clinic_key: RecipientPublicKey
    device_id: str = field(default_factory=lambda: f"kiosk-{uuid.uuid4().hex[:12]}")
    device_key: DeviceSigningKey = field(default_factory=DeviceSigningKey.generate)

    def __post_init__(self) -> None:
        self.sealer = Sealer(self.device_id, self.device_key, [self.clinic_key])
        self.http = httpx.Client(base_url=self.server_url, timeout=30)

    def signed(
        self, method: str, path: str, body: bytes = b"", content_type: str | None = None
    ) -> httpx.Response:
        headers = wire.sign_request(self.device_key, self.device_id, method, path, body)
        if content_type:
            headers["Content-Type"] = content_type
        return self.http.request(method, path, content=body, headers=headers)

    def enrol(self, code: str) -> httpx.Response:
        request = wire.EnrolmentRequest(
            code, self.device_id, self.device_key.verify_key().raw, "front desk"
        )
        body = wire.dump_json(request.to_json())
        return self.signed("POST", wire.PATH_ENROL, body, wire.JSON_CONTENT_TYPE)

    def seal_checkin(self, **changes: object) -> SealedRecord:
        return self.sealer.seal("checkin", to_payload(example_checkin(**changes)))

    def seal_vitals(self, checkin_id: str) -> SealedRecord:
        return self.sealer.seal("vitals", to_payload(example_vitals(checkin_id)))

    def send(self, envelopes: Sequence[bytes]) -> httpx.Response:
        return self.signed(
            "POST", wire.PATH_BATCH, wire.encode_batch(envelopes), wire.BATCH_CONTENT_TYPE
        )

    def statuses(self, envelopes: Sequence[bytes]) -> list[str]:
        answer = self.send(envelopes)
        assert answer.status_code == 200, answer.text
        parsed = wire.BatchAnswer.from_json(answer.content, expected=len(envelopes))
        return [r.status.value for r in parsed.results]


def example_checkin(**changes: object) -> CheckIn:
    """A complete, ordinary check-in (a patient on lamotrigine with a penicillin allergy)."""
    at = datetime(2026, 3, 2, 14, 5, tzinfo=UTC)
    values: dict[str, object] = {
        "patient_id": str(uuid.uuid4()),
        "language": "en",
        "started_at": at,
        "submitted_at": at,
        "identity": Identity(
            "Ada Lovelace", "Ada", date(1985, 12, 10), "+1 555 0100", "Charles Babbage",
            "+1 555 0101",
        ),
        "medications": MedicationList(
            False,
            (Medication("lamotrigine", "100 mg", "twice daily"),
             Medication("sumatriptan", "50 mg", "as needed", True, at)),
            False,
            (Allergy("penicillin", "rash"),),
        ),
        "history": HealthHistory(
            (HistoryAnswer("seizures", Answer.YES, "as a child"),
             HistoryAnswer("glaucoma", Answer.NOT_SURE),
             HistoryAnswer("heart_disease", Answer.NO))
        ),
        "migraine": MigraineHistory(
            18, 12, 8, Answer.YES, "topiramate, propranolol", Answer.NO, "",
            Midas((5, 3, 4, 2, 6), 45, 7),
        ),
        "phq9": Phq9((1, 1, 0, 2, 1, 0, 0, 1, 0)),
        "checklist": TodayChecklist(
            at, at, True, "Charles Babbage", "+1 555 0101", Answer.YES, Answer.NO, Answer.NO,
            PregnancyAnswer.NO,
        ),
        "consent": ConsentSignature(
            "ketamine-infusion", "3", "en", "ab" * 32, ("side_effects", "no_driving"),
            "Ada Lovelace", at, True,
        ),
    }  # fmt: skip
    values.update(changes)
    return CheckIn(**values)  # type: ignore[arg-type]


def example_vitals(checkin_id: str) -> Vitals:
    return Vitals(
        checkin_id, "N100", datetime(2026, 3, 2, 14, 30, tzinfo=UTC), 128, 82, 72, 98, 36.8, 14,
        68.5, 3, PregnancyTest.NOT_APPLICABLE,
    )  # fmt: skip


def postgres_reachable() -> bool:
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


@contextlib.contextmanager
def fresh_postgres_database(prefix: str = "clinic_test") -> Iterator[str]:
    """A new empty PostgreSQL database (its URL), dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
