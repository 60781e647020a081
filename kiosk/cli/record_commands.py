"""The sealed records from the command line, all without patient data: `records list`,
`quarantine list|requeue`, and the read-only checks `audit verify` and `check` (they write
nothing, so they work on a read-only kiosk.db)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk.cli.terminal import (
    EXIT_USER_ERROR,
    Commands,
    actions,
    change_through_console,
    opened_console,
    printable,
)
from kiosk.desk.data_folder import DATABASE_NAME
from kiosk.desk.facade import Kiosk
from kiosk.store import KioskStore
from kiosk.store.store_check import check_store


def add_commands(commands: Commands) -> None:
    """Add `records list`, `quarantine list|requeue` and `audit verify` (handlers under `run`)."""
    records = actions(commands, "records", "sealed records")
    listing = records.add_parser("list", help="ids, kinds, states and times (never PHI)")
    listing.add_argument("--kind", help="only this kind (checkin, draft, vitals, ...)")
    listing.set_defaults(run=cmd_records_list)

    quarantine = actions(commands, "quarantine", "records the clinic server refused")
    quarantine.add_parser("list", help="each with the server's reason").set_defaults(
        run=cmd_quarantine_list
    )
    requeue = quarantine.add_parser("requeue", help="send a quarantined record again")
    requeue.add_argument("record_id", metavar="ID")
    requeue.set_defaults(run=cmd_quarantine_requeue)

    audit = actions(commands, "audit", "the hash-chained audit log")
    audit.add_parser("verify", help="check every link and the signed head").set_defaults(
        run=cmd_audit_verify
    )


def add_check_command(commands: Commands) -> None:
    """Add `check` (its handler under `run`)."""
    commands.add_parser(
        "check", help="check the database file, every stored record's hash, the audit chain"
    ).set_defaults(run=cmd_check)


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
            f"{row.record_id:<36} {printable(row.kind):<17} {row.state.value:<12} "
            f"{created:<27} {row.attempts}"
        )
    summary = ", ".join(f"{state} {count}" for state, count in counts.items() if count)
    print(f"{len(rows)} records" + (f" ({summary})" if summary else ""))
    return 0


def cmd_quarantine_list(args: argparse.Namespace) -> int:
    with opened_console(args) as console:
        rows = console.quarantined()
    if not rows:
        print("no quarantined records")
        return 0
    print(f"{'RECORD ID':<36} {'KIND':<17} {'TRIES':<5} SERVER'S REASON")
    for row in rows:
        reason = printable(row.last_error or "")
        print(f"{row.record_id:<36} {printable(row.kind):<17} {row.attempts:<5} {reason}")
    return 0


def cmd_quarantine_requeue(args: argparse.Namespace) -> int:
    return change_through_console(args, lambda console: console.requeue(args.record_id))


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
    print(f"kiosk: audit chain BROKEN: {printable(check.problem or '')}", file=sys.stderr)
    return EXIT_USER_ERROR


def cmd_check(args: argparse.Namespace) -> int:
    """SQLite's integrity check, every stored record against its hash, the audit chain;
    read-only. Exit 0 only when all three hold."""
    data_dir = Path(args.data)
    check = check_store(data_dir / DATABASE_NAME, Kiosk.read_device_verify_key(data_dir))
    sqlite_line = "ok" if not check.sqlite_problems else "; ".join(check.sqlite_problems[:3])
    print(f"database file:  {printable(sqlite_line)}")
    print(f"sealed records: {check.records_checked} checked, {len(check.damaged_records)} damaged")
    for record_id in check.damaged_records:
        print(f"  DAMAGED {printable(record_id)}: its stored bytes no longer match their hash")
    audit = f"ok, {check.audit.entries} entries" if check.audit.ok else check.audit.problem
    print(f"audit chain:    {printable(audit or '')}")
    if check.ok:
        return 0
    print(
        "kiosk: this kiosk's data is DAMAGED (not tampered in transit): see the operator guide, "
        "'A damaged kiosk database'",
        file=sys.stderr,
    )
    return EXIT_USER_ERROR
