"""`kiosk drugs check`: a pharmacist's audit of the drug matcher. Per typed line of a file, what
it was read as, its classes and the flags it raises (tab-separated); it prints back only the lines
of the file it is given."""

from __future__ import annotations

import argparse
import csv
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.cli.terminal import CommandError, Commands, actions, printable
from kiosk.intake.config import ClinicConfig, ConfigError, default_config, load_config
from kiosk.intake.drugs import match_medication
from kiosk.intake.records import Medication
from kiosk.intake.rules import medication_flags, sort_flags


def add_commands(commands: Commands) -> None:
    """Add `drugs check` (its handler under `run`)."""
    drugs = actions(commands, "drugs", "the bundled drug list and its matching")
    check = drugs.add_parser(
        "check", help="read typed medication lines; print what each matched and its flags"
    )
    check.add_argument("file", metavar="FILE", help="one typed line per line, or a CSV file")
    check.add_argument("--column", help="read this column of a CSV file with a header row")
    check.add_argument("--config", help="the clinic's configuration TOML (default: built in)")
    check.set_defaults(run=cmd_drugs_check)


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
                    f"{printable(str(path))} has no CSV column {printable(repr(column))}"
                )
            for row in reader:
                typed = row.get(column) or ""
                if typed.strip():
                    yield reader.line_num, typed
    except UnicodeDecodeError:
        raise CommandError(f"{printable(str(path))} is not UTF-8 text") from None
    except csv.Error as error:
        raise CommandError(f"{printable(str(path))} is not a readable CSV file ({error})") from None


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
        print(f"{number}\t{printable(typed)}\t{printable(read)}\t{classes or '-'}\t{shown or '-'}")
    return 0
