"""`kiosk init` and `kiosk status`: creating a kiosk, and what IT reads off one."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk.cli.terminal import (
    CommandError,
    Commands,
    opened_console,
    pin_stdin_option,
    printable,
    read_pin,
    when,
)
from kiosk.desk.data_folder import DEMO_CLINIC_KEY_NAME, DEMO_STAFF
from kiosk.desk.facade import Kiosk
from kiosk.desk.staff_rules import NewStaff
from kiosk.vault import EnvelopeSuite

SUITES = {"mlkem768-x25519": EnvelopeSuite.MLKEM768_X25519, "x25519": EnvelopeSuite.X25519}


def add_commands(commands: Commands) -> None:
    """Add `init` and `status` (handlers under `run`)."""
    init = commands.add_parser("init", help="create a kiosk: keys, database, clinic config")
    init.add_argument("--demo", action="store_true", help="also a demo clinic key and staff")
    init.add_argument("--suite", choices=sorted(SUITES), default="mlkem768-x25519")
    init.add_argument("--nurse", help="the first nurse's staff id (not needed with --demo)")
    init.add_argument("--name", help="the first nurse's name as the screens show it")
    pin_stdin_option(init)
    init.set_defaults(run=cmd_init)

    commands.add_parser(
        "status", help="kiosk id, fingerprints, enrolment, records by state, sync"
    ).set_defaults(run=cmd_status)


def cmd_init(args: argparse.Namespace) -> int:
    data_dir = Path(args.data)
    first_nurse = None
    if not args.demo:
        if not args.nurse or not args.name:
            raise CommandError(
                "name the first nurse: kiosk init --nurse ID --name NAME (or use --demo)"
            )
        first_nurse = NewStaff(args.nurse, args.name, "nurse", read_pin(args, args.nurse))
    kiosk = Kiosk.init(data_dir, demo=args.demo, suite=SUITES[args.suite], first_nurse=first_nurse)
    print(f"kiosk {kiosk.kiosk_id} created in {data_dir}")
    print(f"device key fingerprint: {kiosk.device_fingerprint()}")
    print(f"PIN protection: {kiosk.pin_protection().describe()}")
    clinic = kiosk.clinic_fingerprint()
    print(f"clinic key fingerprint: {clinic or 'none yet (enrol with the clinic server)'}")
    if args.demo:
        staff = ", ".join(f"{sid} ({role}) PIN {pin}" for sid, _name, role, pin in DEMO_STAFF)
        print(f"demo staff: {staff}")
        print(
            f"DEMO ONLY: the clinic's private key is in {data_dir / DEMO_CLINIC_KEY_NAME}. "
            "A real clinic never puts its private key on a kiosk.",
            file=sys.stderr,
        )
    kiosk.close()
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    with opened_console(args) as console:
        overview = console.overview()
    print(f"kiosk id:            {overview.kiosk_id}")
    print(f"device key:          {overview.device_fingerprint}")
    print(f"PIN protection:      {overview.pin_protection}")
    print(f"clinic key:          {overview.clinic_fingerprint or 'none yet'}")
    enrolment = overview.enrolment
    if enrolment is None:
        print("enrolment:           not enrolled (run `kiosk enroll URL CODE`)")
    else:
        print(f"enrolment:           {printable(enrolment.server_url)} as {enrolment.device_id}")
        print(f"enrolled at:         {enrolment.enrolled_at}")
    print("records:             " + ", ".join(f"{n} {s}" for s, n in overview.counts.items()))
    sync = overview.sync
    print(f"last sync attempt:   {when(sync.last_attempt_at)}")
    print(f"last sync success:   {when(sync.last_success_at)}")
    print(f"last sync error:     {printable(sync.last_error or 'none')}")
    print(f"next sync retry:     {when(sync.next_attempt_at)}")
    return 0
