"""The `kiosk` command: create a kiosk, manage staff credentials, list records, verify the audit.

Every error a person can cause prints one line on stderr and exits non-zero; nothing here ever
prints patient data (records are listed by id, kind, state and time only).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from kiosk.kiosk import DEMO_CLINIC_KEY_NAME, DEMO_STAFF, Kiosk, KioskError, NewStaff
from kiosk.store import StoreError
from kiosk.vault import EnvelopeSuite
from sync.client.commands import add_commands as add_sync_commands

SUITES = {"mlkem768-x25519": EnvelopeSuite.MLKEM768_X25519, "x25519": EnvelopeSuite.X25519}
EXIT_USER_ERROR = 1


class CommandError(Exception):
    """A user-caused problem in the command line itself (mismatched PINs, empty input)."""


def _data_dir(args: argparse.Namespace) -> Path:
    return Path(args.data)


def _printable(text: str) -> str:
    """Staff names and server reasons shown inertly: no terminal escapes, no bidi tricks."""
    return "".join(char if char.isprintable() else "?" for char in text)


def _read_pin(args: argparse.Namespace, whose: str) -> str:
    if args.pin_stdin:
        line = sys.stdin.readline()
        if not line:
            raise CommandError(f"no PIN for {whose} on standard input")
        return line.rstrip("\r\n")
    try:
        first = getpass.getpass(f"PIN for {whose}: ")
        second = getpass.getpass(f"PIN for {whose} again: ")
    except EOFError:
        raise CommandError("no PIN entered; use --pin-stdin to pass it from a script") from None
    if first != second:
        raise CommandError("the two PINs differ; nothing was changed")
    return first


def cmd_init(args: argparse.Namespace) -> int:
    data_dir = _data_dir(args)
    first_nurse = None
    if not args.demo:
        if not args.nurse or not args.name:
            raise CommandError(
                "name the first nurse: kiosk init --nurse ID --name NAME (or use --demo)"
            )
        first_nurse = NewStaff(args.nurse, args.name, "nurse", _read_pin(args, args.nurse))
    kiosk = Kiosk.init(data_dir, demo=args.demo, suite=SUITES[args.suite], first_nurse=first_nurse)
    print(f"kiosk {kiosk.kiosk_id} created in {data_dir}")
    print(f"device key fingerprint: {kiosk.device_fingerprint()}")
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


def cmd_staff_add(args: argparse.Namespace) -> int:
    kiosk = Kiosk.open(_data_dir(args))
    try:
        pin = _read_pin(args, args.staff_id)
        kiosk.add_staff(NewStaff(args.staff_id, args.name, args.role, pin), actor="cli")
    finally:
        kiosk.close()
    pending = " (pending: completed when any nurse next unlocks)" if args.role == "nurse" else ""
    print(f"added {args.staff_id} as {args.role}{pending}")
    return 0


def cmd_staff_remove(args: argparse.Namespace) -> int:
    kiosk = Kiosk.open(_data_dir(args))
    try:
        kiosk.remove_staff(args.staff_id, actor="cli")
    finally:
        kiosk.close()
    print(f"removed {args.staff_id}")
    return 0


def cmd_staff_list(args: argparse.Namespace) -> int:
    kiosk = Kiosk.open(_data_dir(args))
    try:
        staff = kiosk.store.list_staff()
    finally:
        kiosk.close()
    print(f"{'ID':<16} {'ROLE':<6} {'LOCKED UNTIL':<27} NAME")
    for member in staff:
        locked = member.locked_until.isoformat() if member.locked_until else "-"
        name = _printable(member.display_name)
        print(f"{_printable(member.staff_id):<16} {member.role:<6} {locked:<27} {name}")
    return 0


def cmd_records_list(args: argparse.Namespace) -> int:
    kiosk = Kiosk.open(_data_dir(args))
    try:
        rows = kiosk.store.records(kind=args.kind)
        counts = kiosk.store.counts_by_state()
    finally:
        kiosk.close()
    print(f"{'RECORD ID':<36} {'KIND':<17} {'STATE':<12} {'CREATED (UTC)':<27} TRIES")
    for row in rows:
        created = row.created_at.isoformat(timespec="seconds")
        print(
            f"{row.record_id:<36} {_printable(row.kind):<17} {row.state.value:<12} "
            f"{created:<27} {row.attempts}"
        )
    summary = ", ".join(f"{state} {count}" for state, count in counts.items() if count)
    print(f"{len(rows)} records" + (f" ({summary})" if summary else ""))
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    kiosk = Kiosk.open(_data_dir(args))
    try:
        check = kiosk.store.verify_audit(kiosk.device_verify_key)
    finally:
        kiosk.close()
    if check.ok:
        print(f"audit chain ok: {check.entries} entries, head signed by this kiosk's device key")
        return 0
    print(f"kiosk: audit chain BROKEN: {check.problem}", file=sys.stderr)
    return EXIT_USER_ERROR


def build_parser() -> argparse.ArgumentParser:
    """The whole command line; other parts add their subcommands to `subcommands`."""
    parser = argparse.ArgumentParser(prog="kiosk", description="The infusion intake kiosk.")
    parser.add_argument(
        "--data",
        default=os.environ.get("KIOSK_DATA", "kiosk-data"),
        help="the kiosk's data directory (default: $KIOSK_DATA or ./kiosk-data)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    init = commands.add_parser("init", help="create a kiosk: keys, database, clinic config")
    init.add_argument("--demo", action="store_true", help="also a demo clinic key and staff")
    init.add_argument("--suite", choices=sorted(SUITES), default="mlkem768-x25519")
    init.add_argument("--nurse", help="the first nurse's staff id (not needed with --demo)")
    init.add_argument("--name", help="the first nurse's name as the screens show it")
    init.add_argument("--pin-stdin", action="store_true", help="read the PIN from stdin")
    init.set_defaults(run=cmd_init)

    staff = commands.add_parser("staff", help="staff credentials").add_subparsers(
        dest="staff_command", required=True, metavar="ACTION"
    )
    add = staff.add_parser("add", help="enrol a nurse or IT person (asks for the PIN twice)")
    add.add_argument("staff_id", metavar="ID")
    add.add_argument("--name", required=True)
    add.add_argument("--role", required=True, choices=["nurse", "it"])
    add.add_argument("--pin-stdin", action="store_true", help="read the PIN from stdin")
    add.set_defaults(run=cmd_staff_add)
    remove = staff.add_parser("remove", help="remove a person's credential")
    remove.add_argument("staff_id", metavar="ID")
    remove.set_defaults(run=cmd_staff_remove)
    staff.add_parser("list", help="list staff (ids, roles, lockouts)").set_defaults(
        run=cmd_staff_list
    )

    records = commands.add_parser("records", help="sealed records").add_subparsers(
        dest="records_command", required=True, metavar="ACTION"
    )
    listing = records.add_parser("list", help="ids, kinds, states and times (never PHI)")
    listing.add_argument("--kind", help="only this kind (checkin, draft, vitals, ...)")
    listing.set_defaults(run=cmd_records_list)

    audit = commands.add_parser("audit", help="the hash-chained audit log").add_subparsers(
        dest="audit_command", required=True, metavar="ACTION"
    )
    audit.add_parser("verify", help="check every link and the signed head").set_defaults(
        run=cmd_audit_verify
    )
    add_sync_commands(commands)  # enroll, sync now|status, export-queue
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; user errors print one line on stderr and return non-zero."""
    args = build_parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except (KioskError, StoreError, CommandError) as error:
        print(f"kiosk: {_printable(str(error))}", file=sys.stderr)
    except KeyboardInterrupt:
        print("kiosk: cancelled; nothing was changed", file=sys.stderr)
    return EXIT_USER_ERROR


if __name__ == "__main__":
    sys.exit(main())
