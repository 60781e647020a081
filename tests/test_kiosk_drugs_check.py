"""`kiosk drugs check FILE`: a pharmacist runs the drug matcher over the clinic's own wording.

Run as the installed program in a child process: one output line per typed line with what it
was read as, its classes and its flags; a bad file is one line on stderr, never a traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_kiosk_cli import run_kiosk

HEADER = "LINE\tTYPED\tREAD AS\tCLASSES\tFLAGS"


def test_each_typed_line_is_printed_with_what_it_was_read_as_its_classes_and_flags(
    tmp_path: Path,
) -> None:
    typed = tmp_path / "typed.txt"
    typed.write_text("Rivotril 2 mg\nteofilina\n\nfish oil ultra\nNyQuil\n", "utf-8")
    lines = run_kiosk(tmp_path, "drugs", "check", str(typed)).ok().splitlines()
    assert lines == [
        HEADER,
        "1\tRivotril 2 mg\t'Rivotril' read as Rivotril (clonazepam)\tbenzodiazepines"
        "\tCAUTION med.benzodiazepines",
        "2\tteofilina\t'teofilina' read as teofilina (theophylline)\ttheophyllines"
        "\tSTOP med.theophyllines",
        "4\tfish oil ultra\tno match\t-\t-",
        "5\tNyQuil\t'NyQuil' read as NyQuil (acetaminophen + dextromethorphan + doxylamine)"
        "\tanalgesics, nmda_antagonists, sedating_antihistamines"
        "\tCAUTION med.nmda_antagonists, CAUTION med.sedating_antihistamines",
    ]


def test_a_csv_column_from_a_spreadsheet_is_read_with_its_row_numbers(tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_bytes(
        '\ufeffpatient,medication\n7,"Klonopin1mg, nightly"\n8,Tylenol PM\n'.encode()
    )
    lines = run_kiosk(tmp_path, "drugs", "check", str(export), "--column", "medication")
    rows = [line.split("\t") for line in lines.ok().splitlines()[1:]]
    assert [(row[0], row[2], row[4]) for row in rows] == [
        ("2", "'Klonopin' read as Klonopin (clonazepam)", "CAUTION med.benzodiazepines"),
        (
            "3",
            "'Tylenol PM' read as Tylenol PM (acetaminophen + diphenhydramine)",
            "CAUTION med.sedating_antihistamines",
        ),
    ]


def test_escape_sequences_in_a_typed_line_are_printed_inertly(tmp_path: Path) -> None:
    typed = tmp_path / "typed.txt"
    typed.write_text("\x1b]0;pwned\x07Xanax\n", "utf-8")
    out = run_kiosk(tmp_path, "drugs", "check", str(typed)).ok()
    assert "\x1b" not in out and "\x07" not in out
    assert "CAUTION med.benzodiazepines" in out


@pytest.mark.parametrize(
    ("content", "args", "said"),
    [
        (None, (), "No such file or directory"),
        (b"\xff\xfeLamictal\n", (), "is not UTF-8 text"),
        (b"name\nXanax\n", ("--column", "medication"), "has no CSV column 'medication'"),
        (b'name\n"Xanax\n', ("--column", "name"), "is not a readable CSV file"),
    ],
)
def test_a_file_it_cannot_read_is_one_line_and_prints_nothing_else(
    tmp_path: Path, content: bytes | None, args: tuple[str, ...], said: str
) -> None:
    path = tmp_path / "typed.txt"
    if content is not None:
        path.write_bytes(content)
    ran = run_kiosk(tmp_path, "drugs", "check", str(path), *args)
    assert said in ran.one_line_error()
    assert ran.out == ""
