"""`kiosk staff ...`: IT enrols people, resets PINs, removes and lists them, through the same
`StaffConsole` rules and messages as the IT console screen."""

from __future__ import annotations

import argparse

from kiosk.cli.terminal import (
    Commands,
    actions,
    change_through_console,
    opened_console,
    pin_stdin_option,
    printable,
    read_pin,
    when,
)
from kiosk.desk.staff_rules import ROLES


def add_commands(commands: Commands) -> None:
    """Add `staff add|reset-pin|remove|list` (handlers under `run`)."""
    staff = actions(commands, "staff", "staff credentials")
    add = staff.add_parser("add", help="enrol a nurse or IT person (asks for the PIN twice)")
    add.add_argument("staff_id", metavar="ID")
    add.add_argument("--name", required=True, help="the name the screens show")
    add.add_argument("--role", required=True, choices=ROLES)
    pin_stdin_option(add)
    add.set_defaults(run=cmd_staff_add)
    reset = staff.add_parser("reset-pin", help="give a person a new PIN (asks for it twice)")
    reset.add_argument("staff_id", metavar="ID")
    pin_stdin_option(reset)
    reset.set_defaults(run=cmd_staff_reset_pin)
    remove = staff.add_parser("remove", help="remove a person's credential")
    remove.add_argument("staff_id", metavar="ID")
    remove.set_defaults(run=cmd_staff_remove)
    staff.add_parser("list", help="ids, roles, lockouts, names").set_defaults(run=cmd_staff_list)


def cmd_staff_add(args: argparse.Namespace) -> int:
    return change_through_console(
        args,
        lambda console: console.add_staff(
            args.staff_id, args.name, args.role, read_pin(args, args.staff_id)
        ),
    )


def cmd_staff_reset_pin(args: argparse.Namespace) -> int:
    return change_through_console(
        args, lambda console: console.reset_pin(args.staff_id, read_pin(args, args.staff_id))
    )


def cmd_staff_remove(args: argparse.Namespace) -> int:
    return change_through_console(args, lambda console: console.remove_staff(args.staff_id))


def cmd_staff_list(args: argparse.Namespace) -> int:
    with opened_console(args) as console:
        staff = console.staff()
    print(f"{'ID':<16} {'ROLE':<6} {'LOCKED UNTIL':<23} NAME")
    for member in staff:
        locked = when(member.locked_until) if member.locked_until else "-"
        name = printable(member.display_name)
        print(f"{printable(member.staff_id):<16} {member.role:<6} {locked:<23} {name}")
    return 0
