"""`make demo`: a local clinic server on loopback and an enrolled demo kiosk, in ./demo-data.

First run: creates the clinic server (demo passphrase in a file: demo only), the demo kiosk (demo
staff: nurse N100 with PIN 246810, IT IT1 with PIN 135790) and enrols the kiosk with the server.
Every run: starts the server in the background, seats two patients in chairs when no patient is
in one (kiosk/cli/demo_chairs.py), then the kiosk in this terminal. The kiosk has
no quit key: closing the terminal (or `kill`, systemd's stop) stops it in order, and then the
server. A server that ends on its own meanwhile is reaped, noted in its log and started again on
the same port, so the kiosk's next sync reaches it.
"""

from __future__ import annotations

import select
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

from kiosk.app import KioskApp
from kiosk.cli.demo_chairs import seed_demo_chairs
from kiosk.desk.errors import KioskError
from kiosk.desk.facade import Kiosk

DEMO_DATA = Path("demo-data")
DEMO_PASSPHRASE = "demo passphrase: never use in a clinic"


def ensure_demo_kiosk(data_dir: Path) -> None:
    """Create the demo kiosk in `data_dir` (demo keys, staff, configuration) unless it exists."""
    if not (data_dir / "kiosk.db").exists():
        Kiosk.init(data_dir, demo=True).close()


class DemoClinicServer:
    """`clinic-server run` on a free loopback port, its home in demo-data/clinic-server."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.passphrase_file = home.parent / "clinic-server-passphrase.txt"
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0  # 0: a free one at the first start; the same one at a restart
        self.url = ""
        self._lock = threading.Lock()
        self._stopped = False

    def admin(self, *args: str) -> str:
        """One `clinic-server` admin command; its output, or DemoError with its one-line reason."""
        done = subprocess.run(
            [sys.executable, "-m", "sync.server.cli", "--home", str(self.home), *args],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise DemoError(f"clinic-server {args[0]}: {done.stderr.strip()}")
        return done.stdout

    def ensure_initialised(self) -> None:
        if (self.home / "clinic.db").exists():
            return
        self.home.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.passphrase_file.write_text(DEMO_PASSPHRASE + "\n")
        self.passphrase_file.chmod(0o600)
        self.admin("init", "--passphrase-file", str(self.passphrase_file))

    def start(self) -> None:
        """Start the server on a free port, and watch it until `stop()`."""
        with self._lock:
            self._launch()
        threading.Thread(target=self._keep_running, name="demo-server-watch", daemon=True).start()

    def _launch(self) -> None:
        log = (self.home / "server.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sync.server.cli", "--home", str(self.home), "run"]
            + ["--host", "127.0.0.1", "--port", str(self.port), "--allow-plain-http", "--quiet"],
            stdout=subprocess.PIPE,
            stderr=log,
            # Its own session: a hang-up of the terminal reaches the kiosk, which stops first
            # (sealing its draft); the server is stopped after it, by `stop()`.
            start_new_session=True,
        )
        log.close()
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], 30)
        line = self.process.stdout.readline().decode() if ready else ""
        if "listening on" not in line:
            self._end(self.process)
            self.process = None
            raise DemoError(f"the clinic server did not start; see {self.home / 'server.log'}")
        self.port = int(line.rsplit(":", 1)[1])
        self.url = f"http://127.0.0.1:{self.port}"

    def _keep_running(self) -> None:
        """Reap the server if it ends before `stop()`, note it in its log, start it again."""
        while True:
            with self._lock:
                process = self.process
            if process is None:
                return
            code = process.wait()  # reaps it: no <defunct> server under the demo
            with self._lock:
                if self._stopped or process is not self.process:
                    return
                self._note(f"the clinic server ended (exit status {code}); starting it again")
                try:
                    self._launch()
                except DemoError as error:
                    self._note(str(error))
                    return

    def _note(self, line: str) -> None:
        with (self.home / "server.log").open("a") as log:
            log.write(f"demo: {line}\n")

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            process, self.process = self.process, None
        if process is not None:
            self._end(process)

    @staticmethod
    def _end(process: subprocess.Popen[bytes]) -> None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class DemoError(Exception):
    """A demo set-up step failed; the message says which and why."""


def enrol_if_needed(data_dir: Path, server: DemoClinicServer) -> None:
    """Enrol the demo kiosk with the demo server once (the pins then live in the kiosk)."""
    from kiosk.desk.enrolment import enroll
    from sync.client.pins import ServerPins

    kiosk = Kiosk.open(data_dir)
    try:
        pins = ServerPins.load(kiosk.store)
        if pins is None:
            result = enroll(kiosk, server.url, server.admin("enroll-token").strip(), name="demo")
            print(f"enrolled: device key {result.device_fingerprint}")
            print(f"          clinic key {result.clinic_key_fingerprint}")
        else:
            # Why: the server's port is new on every run; keep the pins, follow the address.
            replace(pins, server_url=server.url).save(kiosk.store)
    finally:
        kiosk.close()


def seat_demo_patients(data_dir: Path) -> None:
    """Two patients in chairs (one running, one in recovery) unless one is in a chair already."""
    kiosk = Kiosk.open(data_dir)
    try:
        if seed_demo_chairs(kiosk):
            print("demo: two patients seated in chairs (F12, then F2 on today's list)")
    finally:
        kiosk.close()


def main() -> int:
    kiosk_data = DEMO_DATA / "kiosk"
    server = DemoClinicServer(DEMO_DATA / "clinic-server")
    try:
        server.ensure_initialised()
        ensure_demo_kiosk(kiosk_data)
        server.start()
        enrol_if_needed(kiosk_data, server)
        seat_demo_patients(kiosk_data)
    except (KioskError, DemoError) as error:
        print(f"demo: {error}", file=sys.stderr)
        server.stop()
        return 1
    print(f"demo: clinic server {server.url}, kiosk data {kiosk_data.resolve()}")
    print("demo: staff key F12 (nurse N100 / PIN 246810, IT IT1 / PIN 135790)")
    try:
        KioskApp(kiosk_data).run()
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
