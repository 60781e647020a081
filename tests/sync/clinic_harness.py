"""The sync tests' world: a real clinic server process on a free loopback port, and what people
do at a kiosk (patients check in, a nurse records vitals), so every test talks HTTP to uvicorn
exactly as a clinic would."""

from __future__ import annotations

import contextlib
import hashlib
import io
import ipaddress
import select
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from kiosk.desk.facade import Kiosk
from kiosk.vault import Argon2Cost
from sync.client.engine import SyncEngine
from sync.client.retry_policy import RetryPolicy
from sync.server.cli import main as clinic_server_main
from sync.server.envelopes import StoredEnvelope
from sync.server.storage import ClinicStore
from tests.examples import example_checkin, example_vitals

PASSPHRASE = "correct horse battery staple"
CHEAP_SLOTS = Argon2Cost(memory_kib=8, iterations=1, lanes=1)
# Long enough that a sending lease from a killed run has certainly expired.
LATER = timedelta(minutes=10)


class ClinicServer:
    """`clinic-server run` in a child process, plus the admin commands run in this process."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        (home.parent / "passphrase").write_text(PASSPHRASE + "\n")
        self.admin("init", "--passphrase-file", str(home.parent / "passphrase"))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def admin(self, *args: str) -> str:
        """Run one `clinic-server` command in this process; its stdout, or raise on failure."""
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = clinic_server_main(["--home", str(self.home), *args])
        if status != 0:
            raise AssertionError(f"clinic-server {args[0]} failed: {err.getvalue()}")
        return out.getvalue()

    def start(self, *extra: str) -> ClinicServer:
        """Start (or restart on the same port) and wait until it listens."""
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sync.server.cli", "--home", str(self.home), "run"]
            + ["--port", str(self.port), "--quiet", *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], 20)
        line = self.process.stdout.readline().decode() if ready else ""
        if "listening on" not in line:
            self.process.kill()
            raise AssertionError(f"the clinic server did not start: {line!r}")
        self.port = int(line.rsplit(":", 1)[1])
        return self

    def kill(self) -> None:
        """SIGKILL: no graceful shutdown, like a power cut."""
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
            self.process = None

    def enrolment_code(self) -> str:
        return self.admin("enroll-token").strip()

    def stored(self, kiosk: Kiosk) -> dict[str, str]:
        """record id -> sha256 of every envelope the server holds from this kiosk (read from
        its database directly; the primary key makes a second copy of an id impossible)."""
        return {
            item.record_id: hashlib.sha256(item.envelope).hexdigest()
            for item in self.envelopes()
            if item.device_id == kiosk.kiosk_id
        }

    def envelopes(self) -> list[StoredEnvelope]:
        store = ClinicStore.open(f"sqlite:///{self.home / 'clinic.db'}", time.time())
        try:
            return list(store.iter_envelopes())
        finally:
            store.close()


def engine_for(kiosk: Kiosk, **options: object) -> SyncEngine:
    """An engine with a short timeout and a 1 s backoff, so fault tests stay fast."""
    options.setdefault("timeout_s", 2.0)
    options.setdefault("retry", RetryPolicy(base_seconds=1.0, max_seconds=4.0))
    return SyncEngine.for_kiosk(kiosk, **options)


def submit_checkins(kiosk: Kiosk, count: int) -> list[str]:
    """Patients check in: sealed records queued at the kiosk; their ids."""
    desk = kiosk.patient_desk()
    return [desk.submit_checkin(example_checkin()).record_id for _ in range(count)]


def record_vitals(kiosk: Kiosk, checkin_id: str) -> str:
    """The demo nurse enters vitals for a check-in; the vitals record id."""
    session = kiosk.unlock("N100", "246810")
    try:
        vitals = example_vitals(checkin_id=checkin_id, nurse_id="N100")
        record_id, _flags = session.record_vitals(vitals)
    finally:
        session.lock()
    return record_id


def kiosk_hashes(kiosk: Kiosk, kinds: tuple[str, ...] = ("checkin", "vitals")) -> dict[str, str]:
    return {row.record_id: row.sha256 for row in kiosk.store.records() if row.kind in kinds}


def later(minutes: int = 10) -> datetime:
    return datetime.now(UTC) + timedelta(minutes=minutes)


def free_port_without_listener() -> int:
    """A loopback port nothing listens on (bound, then closed)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def self_signed(folder: Path, name: str) -> tuple[str, str, bytes]:
    """A self-signed certificate for 127.0.0.1, as a clinic's IT would make with openssl."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "clinic-server")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / f"{name}.crt", folder / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(cert_path), str(key_path), cert.public_bytes(serialization.Encoding.DER)
