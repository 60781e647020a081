"""The `kiosk` command line put together: every group of subcommands adds its own, and `main`
runs one. Every error a person can cause prints one line on stderr and exits non-zero."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from kiosk.cli import (
    drugs_command,
    kiosk_commands,
    record_commands,
    serve_command,
    staff_commands,
    sync_commands,
)
from kiosk.cli.terminal import EXIT_USAGE, EXIT_USER_ERROR, CommandError, printable
from kiosk.desk.errors import KioskError
from kiosk.desk.staff_console import StaffConsoleError
from kiosk.store import StoreError


class KioskArgumentParser(argparse.ArgumentParser):
    """argparse whose usage errors are one inert line, like every other refusal here."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: {printable(message)} (see --help)", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    """The whole command line, each group of subcommands added by its own module."""
    parser = KioskArgumentParser(prog="kiosk", description="The infusion intake kiosk.")
    parser.add_argument(
        "--data",
        default=os.environ.get("KIOSK_DATA", "kiosk-data"),
        help="the kiosk's data directory (default: $KIOSK_DATA or ./kiosk-data)",
    )
    commands: argparse._SubParsersAction[argparse.ArgumentParser] = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=KioskArgumentParser
    )
    kiosk_commands.add_commands(commands)  # init, status
    staff_commands.add_commands(commands)  # staff add|reset-pin|remove|list
    record_commands.add_commands(commands)  # records list, quarantine list|requeue, audit verify
    drugs_command.add_commands(commands)  # drugs check
    record_commands.add_check_command(commands)  # check
    sync_commands.add_commands(commands)  # enroll, sync now|status, export-queue
    serve_command.add_commands(commands)  # serve
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; user errors print one line on stderr and return non-zero."""
    args = build_parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except (KioskError, StoreError, StaffConsoleError, CommandError) as error:
        print(f"kiosk: {printable(str(error))}", file=sys.stderr)
    except OSError as error:
        # An unreadable or missing place on disk: name it, with the system's reason.
        place = f" ({printable(str(error.filename))})" if error.filename else ""
        print(f"kiosk: {error.strerror or 'input/output error'}{place}", file=sys.stderr)
    except KeyboardInterrupt:
        print("kiosk: cancelled; nothing was changed", file=sys.stderr)
    return EXIT_USER_ERROR


if __name__ == "__main__":
    sys.exit(main())
