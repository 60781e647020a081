"""Canary patients and the thief's search: does any byte on disk still spell a patient's answers?

A canary is a made-up word no program would write by itself; a check-in carries one in every free
text field. `find_canaries` looks for them the way a thief with a hex editor and a few scripts
would: raw (any case), as UTF-16, and inside zlib/gzip streams, base64 runs and hex runs found
anywhere in a file, two layers deep (base64 of zlib, hex of base64, ...).
"""

from __future__ import annotations

import base64
import binascii
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from kiosk.intake.records import Allergy, CheckIn, Draft, Medication
from tests.examples import (
    example_checkin,
    example_checklist,
    example_consent,
    example_draft,
    example_identity,
    example_medications,
    example_migraine,
)

# Distinctive words a patient types; each must never be readable from the kiosk's files.
CANARIES = (
    "Quillonvexcanary",  # legal name
    "Vexcanarina",  # preferred name
    "Emergcanarysam",  # emergency contact
    "zorbicanarol",  # a medication
    "canarypollenberry",  # an allergy
    "xylocanarymab",  # a preventive tried
    "Drivecanaryplum",  # the driver
)
LEGAL_NAME = f"{CANARIES[0]} Testperson"

_MAX_DECODED = 4 * 1024 * 1024
_BASE64_RUN = re.compile(rb"[A-Za-z0-9+/_-]{16,}={0,2}")
_HEX_RUN = re.compile(rb"[0-9A-Fa-f]{16,}")


def canary_checkin() -> CheckIn:
    """A valid check-in whose every free-text answer is a canary."""
    identity = example_identity(
        legal_name=LEGAL_NAME,
        preferred_name=CANARIES[1],
        emergency_contact_name=f"{CANARIES[2]} Contact",
    )
    medications = example_medications(
        medications=(Medication(CANARIES[3], "10 mg", "daily"),),
        allergies=(Allergy(CANARIES[4], "hives"),),
    )
    return example_checkin(
        identity=identity,
        medications=medications,
        migraine=example_migraine(preventives_tried=CANARIES[5]),
        checklist=example_checklist(driver_name=f"{CANARIES[6]} Driver"),
        consent=example_consent(typed_name=LEGAL_NAME),
    )


def canary_draft() -> Draft:
    """The same patient's check-in, interrupted at the migraine step."""
    checkin = canary_checkin()
    return replace(
        example_draft(),
        identity=checkin.identity,
        medications=checkin.medications,
        migraine=checkin.migraine,
    )


@dataclass(frozen=True)
class CanarySighting:
    """Where a canary was found, and through which decoding."""

    path: Path
    canary: str
    how: str


def _needles(canary: str) -> list[tuple[str, bytes]]:
    lower = canary.lower()
    return [
        ("raw", lower.encode()),
        ("utf-16-le", lower.encode("utf-16-le")),
        ("utf-16-be", lower.encode("utf-16-be")),
    ]


def _zlib_streams(data: bytes) -> Iterator[tuple[str, bytes]]:
    """Every zlib or gzip stream that starts anywhere in data and inflates to something."""
    for match in re.finditer(rb"\x78[\x01\x5e\x9c\xda]|\x1f\x8b\x08", data):
        wbits = 31 if match.group().startswith(b"\x1f") else 15
        inflater = zlib.decompressobj(wbits)
        try:
            out = inflater.decompress(data[match.start() :], _MAX_DECODED)
        except zlib.error:
            continue
        if out:
            yield ("gzip" if wbits == 31 else "zlib", out)


def _base64_runs(data: bytes) -> Iterator[tuple[str, bytes]]:
    for match in _BASE64_RUN.finditer(data):
        run = match.group().rstrip(b"=")
        for shift in range(4):  # the run may start mid-quantum of a longer encoding
            piece = run[shift:]
            padded = piece + b"=" * (-len(piece) % 4)
            for name, decode in (("base64", base64.b64decode), ("base64url", _urlsafe)):
                try:
                    yield (name, decode(padded))
                except (binascii.Error, ValueError):
                    continue


def _urlsafe(data: bytes) -> bytes:
    return base64.urlsafe_b64decode(data)


def _hex_runs(data: bytes) -> Iterator[tuple[str, bytes]]:
    for match in _HEX_RUN.finditer(data):
        run = match.group()
        for shift in (0, 1):
            piece = run[shift:]
            yield ("hex", bytes.fromhex(piece[: len(piece) // 2 * 2].decode()))


def decodings(data: bytes, depth: int = 2) -> Iterator[tuple[str, bytes]]:
    """data itself, then everything a zlib/gzip/base64/hex decoding of it yields, depth layers."""
    yield ("raw", data)
    if depth == 0:
        return
    for source in (_zlib_streams, _base64_runs, _hex_runs):
        for how, decoded in source(data):
            for inner, deeper in decodings(decoded, depth - 1):
                yield (how if inner == "raw" else f"{inner} of {how}", deeper)


def find_in_bytes(data: bytes, canaries: tuple[str, ...] = CANARIES) -> list[tuple[str, str]]:
    """(canary, how it was found) for each canary any decoding of data reveals."""
    found: list[tuple[str, str]] = []
    for how, view in decodings(data):
        lowered = view.lower()
        for canary in canaries:
            for encoding, needle in _needles(canary):
                if needle in lowered:
                    found.append((canary, f"{encoding} in {how}"))
    return found


def files_under(*roots: Path) -> list[Path]:
    """Every regular file below the roots (the kiosk's data directory, its temp directory)."""
    return sorted(
        path for root in roots if root.exists() for path in root.rglob("*") if path.is_file()
    )


def find_canaries(*roots: Path, canaries: tuple[str, ...] = CANARIES) -> list[CanarySighting]:
    """Every canary readable from any file under the roots, with the decoding that revealed it."""
    return [
        CanarySighting(path, canary, how)
        for path in files_under(*roots)
        for canary, how in find_in_bytes(path.read_bytes(), canaries)
    ]
