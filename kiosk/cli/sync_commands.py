"""The sync client's commands on the `kiosk` command line:

    kiosk enroll URL CODE [--name N] [--tls-fingerprint FP]
    kiosk sync now | kiosk sync status
    kiosk export-queue FILE

Each prints what IT needs (fingerprints, counts, the server's own reasons) and nothing of any
patient; a failure prints one line on stderr and exits 1. The export goes through
`StaffConsole.export_queue`, the one way to export (the IT console uses it too).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from kiosk.cli.terminal import ACTOR, EXIT_USER_ERROR, Commands, printable
from kiosk.desk.enrolment import enroll
from kiosk.desk.facade import Kiosk
from kiosk.desk.staff_console import StaffConsole, StaffConsoleError
from kiosk.store.timestamps import utc_now
from sync.client.engine import SyncEngine, SyncOutcome
from sync.client.errors import SyncError
from sync.client.pins import ServerPins
from sync.client.status import SyncStatus

_NO_TLS = "none (plain http on loopback)"

Handler = Callable[[argparse.Namespace], int]


def add_commands(subparsers: Commands) -> None:
    """Add `enroll`, `sync now|status` and `export-queue` (handlers under `run`)."""
    enrol = subparsers.add_parser("enroll", help="enrol this kiosk with the clinic server")
    enrol.add_argument("url", metavar="URL", help="https://host:port of the clinic server")
    enrol.add_argument("code", metavar="CODE", help="from `clinic-server enroll-token`")
    enrol.add_argument("--name", default="", help="a name for this kiosk, e.g. 'front desk'")
    enrol.add_argument(
        "--tls-fingerprint", help="refuse unless the server's certificate has this SHA-256"
    )
    enrol.set_defaults(run=_guarded(cmd_enroll))

    sync = subparsers.add_parser("sync", help="deliver sealed records to the clinic server")
    actions = sync.add_subparsers(dest="sync_command", required=True, metavar="ACTION")
    actions.add_parser("now", help="sync now, ignoring the retry wait").set_defaults(
        run=_guarded(cmd_sync_now)
    )
    actions.add_parser("status", help="queue, last attempt, last error, next retry").set_defaults(
        run=_guarded(cmd_sync_status)
    )

    export = subparsers.add_parser("export-queue", help="write undelivered records to a file")
    export.add_argument("file", metavar="FILE", type=Path)
    export.set_defaults(run=_guarded(cmd_export_queue))


def cmd_enroll(args: argparse.Namespace) -> int:
    kiosk = Kiosk.open(Path(args.data))
    try:
        result = enroll(
            kiosk,
            args.url,
            args.code,
            name=args.name,
            expected_tls_fingerprint=args.tls_fingerprint,
        )
    finally:
        kiosk.close()
    print(f"enrolled {result.device_id} with {result.server_url}")
    print("Compare these with what the clinic server printed:")
    print(f"  clinic key fingerprint:   {result.clinic_key_fingerprint}")
    print(f"  config key fingerprint:   {result.config_key_fingerprint}")
    print(
        f"  TLS certificate SHA-256:  {result.tls_fingerprint or 'none (plain http on loopback)'}"
    )
    print(f"  this kiosk's device key:  {result.device_fingerprint}")
    if result.config_problem:
        print(f"clinic configuration not pulled yet: {printable(result.config_problem)}")
    elif result.config_version is not None:
        print(f"clinic configuration version {result.config_version} pulled and verified")
    return 0


def cmd_sync_now(args: argparse.Namespace) -> int:
    kiosk = Kiosk.open(Path(args.data))
    engine = SyncEngine.for_kiosk(kiosk)
    try:
        report = engine.run_once(force=True)
        purged = engine.purge()
    finally:
        engine.close()
        kiosk.close()
    print(
        f"{report.outcome.value}: {report.acked} delivered, {report.quarantined} quarantined, "
        f"{purged} delivered payloads purged"
    )
    if report.outcome in (SyncOutcome.FAILED, SyncOutcome.NOT_ENROLLED):
        print(f"kiosk: sync failed: {printable(report.error or '')}", file=sys.stderr)
        if report.next_attempt_at is not None:
            print(f"next automatic attempt at {_when(report.next_attempt_at)}", file=sys.stderr)
        return EXIT_USER_ERROR
    return 0


def cmd_sync_status(args: argparse.Namespace) -> int:
    kiosk = Kiosk.open(Path(args.data))
    try:
        pins = ServerPins.load(kiosk.store)
        status = SyncStatus.load(kiosk.store)
        counts = kiosk.store.counts_by_state()
        quarantined = [row for row in kiosk.store.records() if row.state == "quarantined"]
        config_problem = kiosk.config_problem
        clinic_key = kiosk.clinic_fingerprint()
    finally:
        kiosk.close()
    if pins is None:
        print("not enrolled: run `kiosk enroll URL CODE`")
    else:
        print(f"server:           {pins.server_url} (enrolled {pins.enrolled_at})")
        print(f"device id:        {pins.device_id}")
        print(f"clinic key:       {clinic_key}")
        print(f"TLS certificate:  {pins.tls_fingerprint or _NO_TLS}")
    print("queue:            " + ", ".join(f"{n} {state}" for state, n in counts.items()))
    print(f"last attempt:     {_when(status.last_attempt_at)}")
    print(f"last success:     {_when(status.last_success_at)}")
    if status.last_error:
        print(f"last error:       {_when(status.last_error_at)}: {printable(status.last_error)}")
    next_retry = _when(status.next_attempt_at) if status.next_attempt_at else "next interval"
    print(f"next retry:       {next_retry}")
    print(f"failures in a row: {status.consecutive_failures}")
    print(f"clock offset:     {status.clock_offset_s:+.0f} s (server minus kiosk)")
    print(f"configuration:    version {status.config_version or 'none yet'}")
    if config_problem:
        print(f"configuration refused: {printable(config_problem)}")
    for row in quarantined:
        print(f"quarantined {row.record_id} ({row.kind}): {printable(row.last_error or '')}")
    return 0


def cmd_export_queue(args: argparse.Namespace) -> int:
    kiosk = Kiosk.open(Path(args.data))
    try:
        done = StaffConsole(kiosk, actor=ACTOR).export_queue(args.file)
    finally:
        kiosk.close()
    print(f"{done}; import them with")
    print(f"  clinic-server import {args.file.name}")
    return 0


def _guarded(handler: Handler) -> Handler:
    """SyncError and StaffConsoleError become the one-line message every user-facing error
    prints."""

    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except (SyncError, StaffConsoleError) as error:
            print(f"kiosk: {printable(str(error))}", file=sys.stderr)
            return EXIT_USER_ERROR

    return run


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "never"
    seconds = (moment - utc_now()).total_seconds()
    relative = f"in {seconds:.0f} s" if seconds > 0 else f"{-seconds:.0f} s ago"
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC ({relative})"
