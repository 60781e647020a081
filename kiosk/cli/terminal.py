"""What every `kiosk` subcommand shares: the audit actor, exit codes, one-line refusals, text
printed inertly, PINs read at the terminal, and the kiosk opened for one IT operation."""

from __future__ import annotations

import argparse
import getpass
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TypeAlias

from kiosk.desk.facade import Kiosk
from kiosk.desk.staff_console import StaffConsole

ACTOR = "cli"  # the audit log's actor for every change made from the command line
EXIT_USER_ERROR = 1
EXIT_USAGE = 2

#: The `kiosk` command's subcommands, to which each module adds its own.
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


class CommandError(Exception):
    """A user-caused problem in the command line itself (mismatched PINs, empty input)."""


def printable(text: str) -> str:
    """Staff names, ids and server reasons shown inertly: no terminal escapes, no bidi tricks."""
    return "".join(char if char.isprintable() else "?" for char in text)


def when(moment: datetime | None) -> str:
    return "never" if moment is None else f"{moment:%Y-%m-%d %H:%M:%S} UTC"


def read_pin(args: argparse.Namespace, whose: str) -> str:
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


def pin_stdin_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--pin-stdin", action="store_true", help="read the PIN from one line of stdin"
    )


def actions(commands: Commands, name: str, help_text: str) -> Commands:
    """A command with its own actions (`kiosk staff add`, `kiosk quarantine list`, ...)."""
    parser = commands.add_parser(name, help=help_text)
    return parser.add_subparsers(dest=f"{name}_action", required=True, metavar="ACTION")


@contextmanager
def opened_console(args: argparse.Namespace) -> Iterator[StaffConsole]:
    """The kiosk in --data, opened for one IT operation and closed afterwards."""
    kiosk = Kiosk.open(Path(args.data))
    try:
        yield StaffConsole(kiosk, actor=ACTOR)
    finally:
        kiosk.close()


def change_through_console(args: argparse.Namespace, change: Callable[[StaffConsole], str]) -> int:
    """Make one change through the console (PINs are read once it is open); print its reply."""
    with opened_console(args) as console:
        print(printable(change(console)))
    return 0
