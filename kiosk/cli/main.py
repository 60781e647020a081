"""The `kiosk` command: what IT does at a kiosk from a shell or a script.

It is a thin layer: `init` calls the kiosk facade, every IT operation the console screen offers
(status, staff, quarantine, audit check) goes through `StaffConsole`, and the sync client
(`enroll`, `sync`, `export-queue`) and the tablet server (`serve`) add their own subcommands.
`drugs check` is the pharmacist's audit of the drug matcher against a file of typed lines.
Every error a person can cause prints one line on stderr and exits non-zero; nothing here ever
prints patient data (records are listed by id, kind, state and time only; `drugs check` prints
back only the lines of the file it is given).
"""

from __future__ import annotations

import argparse
import csv
import getpass
import os
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import NoReturn
from zoneinfo import ZoneInfo

from kiosk.cli.serve_command import add_commands as add_serve_commands
from kiosk.cli.sync_commands import add_commands as add_sync_commands
from kiosk.intake.config import ClinicConfig, ConfigError, default_config, load_config
from kiosk.intake.drugs import match_medication
from kiosk.intake.records import Medication
from kiosk.intake.rules import medication_flags, sort_flags
from kiosk.kiosk import DATABASE_NAME, DEMO_CLINIC_KEY_NAME, DEMO_STAFF, Kiosk, KioskError, NewStaff
from kiosk.staff_console import ROLES, StaffConsole, StaffConsoleError
from kiosk.store import KioskStore, StoreError
from kiosk.store.store_check import check_store
from kiosk.vault import EnvelopeSuite

SUITES = {"mlkem768-x25519": EnvelopeSuite.MLKEM768_X25519, "x25519": EnvelopeSuite.X25519}
ACTOR = "cli"  # the audit log's actor for every change made from the command line
EXIT_USER_ERROR = 1
EXIT_USAGE = 2


class CommandError(Exception):
    """A user-caused problem in the command line itself (mismatched PINs, empty input)."""


class KioskArgumentParser(argparse.ArgumentParser):
    """argparse whose usage errors are one inert line, like every other refusal here."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: {_printable(message)} (see --help)", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def _printable(text: str) -> str:
    """Staff names, ids and server reasons shown inertly: no terminal escapes, no bidi tricks."""
    return "".join(char if char.isprintable() else "?" for char in text)


def _when(moment: datetime | None) -> str:
    return "never" if moment is None else f"{moment:%Y-%m-%d %H:%M:%S} UTC"


def _read_pin(args: argparse.Namespace, whose: str) -> str:
    """One line from stdin with --pin-stdin; otherwise typed twice at the terminal, unechoed."""
    if args.pin_stdin:
        line = sys.stdin.readline()
        if not line:
            raise CommandError(f"no PIN for {whose} on standard input")
        return line.rstrip("\r\n")
    try:
        with warnings.catch_warnings():
            # Without a terminal getpass would warn and echo; a script must use --pin-stdin.
            warnings.simplefilter("error", getpass.GetPassWarning)
            first = getpass.getpass(f"PIN for {whose}: ")
            second = getpass.getpass(f"PIN for {whose} again: ")
    except (getpass.GetPassWarning, EOFError):
        raise CommandError("no terminal to type the PIN on; pass it with --pin-stdin") from None
    if first != second:
        raise CommandError("the two PINs differ; nothing was changed")
    return first


@contextmanager
def _console(args: argparse.Namespace) -> Iterator[StaffConsole]:
    """The kiosk in --data, opened for one IT operation and closed afterwards."""
    kiosk = Kiosk.open(Path(args.data))
    try:
        yield StaffConsole(kiosk, actor=ACTOR)
    finally:
        kiosk.close()


def cmd_init(args: argparse.Namespace) -> int:
    data_dir = Path(args.data)
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


def cmd_status(args: argparse.Namespace) -> int:
    with _console(args) as console:
        overview = console.overview()
    print(f"kiosk id:            {overview.kiosk_id}")
    print(f"device key:          {overview.device_fingerprint}")
    print(f"clinic key:          {overview.clinic_fingerprint or 'none yet'}")
    enrolment = overview.enrolment
    if enrolment is None:
        print("enrolment:           not enrolled (run `kiosk enroll URL CODE`)")
    else:
        print(f"enrolment:           {_printable(enrolment.server_url)} as {enrolment.device_id}")
        print(f"enrolled at:         {enrolment.enrolled_at}")
    print("records:             " + ", ".join(f"{n} {s}" for s, n in overview.counts.items()))
    sync = overview.sync
    print(f"last sync attempt:   {_when(sync.last_attempt_at)}")
    print(f"last sync success:   {_when(sync.last_success_at)}")
    print(f"last sync error:     {_printable(sync.last_error or 'none')}")
    print(f"next sync retry:     {_when(sync.next_attempt_at)}")
    return 0


def _change(args: argparse.Namespace, change: Callable[[StaffConsole], str]) -> int:
    """Make one change through the console (PINs are read once it is open); print its reply."""
    with _console(args) as console:
        print(_printable(change(console)))
    return 0


def cmd_staff_add(args: argparse.Namespace) -> int:
    return _change(
        args,
        lambda console: console.add_staff(
            args.staff_id, args.name, args.role, _read_pin(args, args.staff_id)
        ),
    )


def cmd_staff_reset_pin(args: argparse.Namespace) -> int:
    return _change(
        args, lambda console: console.reset_pin(args.staff_id, _read_pin(args, args.staff_id))
    )


def cmd_staff_remove(args: argparse.Namespace) -> int:
    return _change(args, lambda console: console.remove_staff(args.staff_id))


def cmd_staff_list(args: argparse.Namespace) -> int:
    with _console(args) as console:
        staff = console.staff()
    print(f"{'ID':<16} {'ROLE':<6} {'LOCKED UNTIL':<23} NAME")
    for member in staff:
        locked = _when(member.locked_until) if member.locked_until else "-"
        name = _printable(member.display_name)
        print(f"{_printable(member.staff_id):<16} {member.role:<6} {locked:<23} {name}")
    return 0


def cmd_records_list(args: argparse.Namespace) -> int:
    # Metadata only, read straight from the store: StaffConsole has no record listing to reuse.
    kiosk = Kiosk.open(Path(args.data))
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


def cmd_quarantine_list(args: argparse.Namespace) -> int:
    with _console(args) as console:
        rows = console.quarantined()
    if not rows:
        print("no quarantined records")
        return 0
    print(f"{'RECORD ID':<36} {'KIND':<17} {'TRIES':<5} SERVER'S REASON")
    for row in rows:
        reason = _printable(row.last_error or "")
        print(f"{row.record_id:<36} {_printable(row.kind):<17} {row.attempts:<5} {reason}")
    return 0


def cmd_quarantine_requeue(args: argparse.Namespace) -> int:
    return _change(args, lambda console: console.requeue(args.record_id))


def cmd_audit_verify(args: argparse.Namespace) -> int:
    """Read-only: works on a read-only kiosk.db and leaves no trace (the IT screen's check,
    a staff action, is audited instead)."""
    data_dir = Path(args.data)
    verify_key = Kiosk.read_device_verify_key(data_dir)
    store = KioskStore.open(data_dir / DATABASE_NAME, read_only=True)
    try:
        check = store.verify_audit(verify_key)
    finally:
        store.close()
    if check.ok:
        print(f"audit chain ok: {check.entries} entries, head signed by this kiosk's device key")
        return 0
    print(f"kiosk: audit chain BROKEN: {_printable(check.problem or '')}", file=sys.stderr)
    return EXIT_USER_ERROR


def _typed_lines(path: Path, column: str | None) -> Iterator[tuple[int, str]]:
    """(line number, text) for each non-blank typed line: every line, or one CSV column."""
    try:
        # Why: utf-8-sig, because a spreadsheet's CSV export often starts with a BOM.
        with path.open(encoding="utf-8-sig", newline="") as handle:
            if column is None:
                for number, line in enumerate(handle, 1):
                    if line.strip():
                        yield number, line.rstrip("\r\n")
                return
            reader = csv.DictReader(handle, strict=True)
            if column not in (reader.fieldnames or ()):
                raise CommandError(
                    f"{_printable(str(path))} has no CSV column {_printable(repr(column))}"
                )
            for row in reader:
                typed = row.get(column) or ""
                if typed.strip():
                    yield reader.line_num, typed
    except UnicodeDecodeError:
        raise CommandError(f"{_printable(str(path))} is not UTF-8 text") from None
    except csv.Error as error:
        raise CommandError(
            f"{_printable(str(path))} is not a readable CSV file ({error})"
        ) from None


def _clinic_config(path: str | None) -> ClinicConfig:
    try:
        return load_config(path) if path else default_config()
    except ConfigError as error:
        raise CommandError(str(error)) from None


def cmd_drugs_check(args: argparse.Namespace) -> int:
    config = _clinic_config(args.config)
    zone = ZoneInfo(config.time_zone)
    # Why: read whole first, so a bad file is one line on stderr and nothing on stdout.
    lines = list(_typed_lines(Path(args.file), args.column))
    print("LINE\tTYPED\tREAD AS\tCLASSES\tFLAGS")
    for number, typed in lines:
        matches = match_medication(typed)
        flags = sort_flags(medication_flags(Medication(typed, "", ""), config, zone))
        read = "; ".join(match.reading() for match in matches) or "no match"
        classes = ", ".join(dict.fromkeys(c for match in matches for c in match.classes))
        shown = ", ".join(f"{flag.severity.value} {flag.code}" for flag in flags)
        print(
            f"{number}\t{_printable(typed)}\t{_printable(read)}\t{classes or '-'}\t{shown or '-'}"
        )
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """SQLite's integrity check, every stored record against its hash, the audit chain;
    read-only. Exit 0 only when all three hold."""
    data_dir = Path(args.data)
    check = check_store(data_dir / DATABASE_NAME, Kiosk.read_device_verify_key(data_dir))
    sqlite_line = "ok" if not check.sqlite_problems else "; ".join(check.sqlite_problems[:3])
    print(f"database file:  {_printable(sqlite_line)}")
    print(f"sealed records: {check.records_checked} checked, {len(check.damaged_records)} damaged")
    for record_id in check.damaged_records:
        print(f"  DAMAGED {_printable(record_id)}: its stored bytes no longer match their hash")
    audit = f"ok, {check.audit.entries} entries" if check.audit.ok else check.audit.problem
    print(f"audit chain:    {_printable(audit or '')}")
    if check.ok:
        return 0
    print(
        "kiosk: this kiosk's data is DAMAGED (not tampered in transit): see the operator guide, "
        "'A damaged kiosk database'",
        file=sys.stderr,
    )
    return EXIT_USER_ERROR


def _pin_stdin_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--pin-stdin", action="store_true", help="read the PIN from one line of stdin"
    )


def _actions(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], name: str, help_text: str
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    """A command with its own actions (`kiosk staff add`, `kiosk quarantine list`, ...)."""
    parser = commands.add_parser(name, help=help_text)
    return parser.add_subparsers(dest=f"{name}_action", required=True, metavar="ACTION")


def build_parser() -> argparse.ArgumentParser:
    """The whole command line; the sync client and `kiosk serve` add their own subcommands."""
    parser = KioskArgumentParser(prog="kiosk", description="The infusion intake kiosk.")
    parser.add_argument(
        "--data",
        default=os.environ.get("KIOSK_DATA", "kiosk-data"),
        help="the kiosk's data directory (default: $KIOSK_DATA or ./kiosk-data)",
    )
    # Declared as plain parsers so the sync and serve parts can add theirs; each is ours.
    commands: argparse._SubParsersAction[argparse.ArgumentParser] = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=KioskArgumentParser
    )

    init = commands.add_parser("init", help="create a kiosk: keys, database, clinic config")
    init.add_argument("--demo", action="store_true", help="also a demo clinic key and staff")
    init.add_argument("--suite", choices=sorted(SUITES), default="mlkem768-x25519")
    init.add_argument("--nurse", help="the first nurse's staff id (not needed with --demo)")
    init.add_argument("--name", help="the first nurse's name as the screens show it")
    _pin_stdin_option(init)
    init.set_defaults(run=cmd_init)

    commands.add_parser(
        "status", help="kiosk id, fingerprints, enrolment, records by state, sync"
    ).set_defaults(run=cmd_status)

    staff = _actions(commands, "staff", "staff credentials")
    add = staff.add_parser("add", help="enrol a nurse or IT person (asks for the PIN twice)")
    add.add_argument("staff_id", metavar="ID")
    add.add_argument("--name", required=True, help="the name the screens show")
    add.add_argument("--role", required=True, choices=ROLES)
    _pin_stdin_option(add)
    add.set_defaults(run=cmd_staff_add)
    reset = staff.add_parser("reset-pin", help="give a person a new PIN (asks for it twice)")
    reset.add_argument("staff_id", metavar="ID")
    _pin_stdin_option(reset)
    reset.set_defaults(run=cmd_staff_reset_pin)
    remove = staff.add_parser("remove", help="remove a person's credential")
    remove.add_argument("staff_id", metavar="ID")
    remove.set_defaults(run=cmd_staff_remove)
    staff.add_parser("list", help="ids, roles, lockouts, names").set_defaults(run=cmd_staff_list)

    records = _actions(commands, "records", "sealed records")
    listing = records.add_parser("list", help="ids, kinds, states and times (never PHI)")
    listing.add_argument("--kind", help="only this kind (checkin, draft, vitals, ...)")
    listing.set_defaults(run=cmd_records_list)

    quarantine = _actions(commands, "quarantine", "records the clinic server refused")
    quarantine.add_parser("list", help="each with the server's reason").set_defaults(
        run=cmd_quarantine_list
    )
    requeue = quarantine.add_parser("requeue", help="send a quarantined record again")
    requeue.add_argument("record_id", metavar="ID")
    requeue.set_defaults(run=cmd_quarantine_requeue)

    audit = _actions(commands, "audit", "the hash-chained audit log")
    audit.add_parser("verify", help="check every link and the signed head").set_defaults(
        run=cmd_audit_verify
    )
    drugs = _actions(commands, "drugs", "the bundled drug list and its matching")
    check = drugs.add_parser(
        "check", help="read typed medication lines; print what each matched and its flags"
    )
    check.add_argument("file", metavar="FILE", help="one typed line per line, or a CSV file")
    check.add_argument("--column", help="read this column of a CSV file with a header row")
    check.add_argument("--config", help="the clinic's configuration TOML (default: built in)")
    check.set_defaults(run=cmd_drugs_check)

    commands.add_parser(
        "check", help="check the database file, every stored record's hash, the audit chain"
    ).set_defaults(run=cmd_check)
    add_sync_commands(commands)  # enroll, sync now|status, export-queue
    add_serve_commands(commands)  # serve
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; user errors print one line on stderr and return non-zero."""
    args = build_parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except (KioskError, StoreError, StaffConsoleError, CommandError) as error:
        print(f"kiosk: {_printable(str(error))}", file=sys.stderr)
    except OSError as error:
        # An unreadable or missing place on disk: name it, with the system's reason.
        place = f" ({_printable(str(error.filename))})" if error.filename else ""
        print(f"kiosk: {error.strerror or 'input/output error'}{place}", file=sys.stderr)
    except KeyboardInterrupt:
        print("kiosk: cancelled; nothing was changed", file=sys.stderr)
    return EXIT_USER_ERROR


if __name__ == "__main__":
    sys.exit(main())
