"""The server's fast envelope parser is exactly as strict as the format: a kiosk (buggy or
hostile) that signs a header in any but the one canonical form gets that record rejected as
malformed, and nothing of it is stored; the canonical header, signed the same way, arrives."""

from __future__ import annotations

import re
import struct
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from clinic_server_harness import KioskDouble

from kiosk.vault import parse_envelope


def reheadered(kiosk: KioskDouble, envelope: bytes, header: bytes) -> bytes:
    """The same envelope with another header, signed by the kiosk's own device key."""
    (length,) = struct.unpack(">H", envelope[5:7])
    signed = envelope[:5] + struct.pack(">H", len(header)) + header + envelope[7 + length : -64]
    return signed + kiosk.device_key.sign(signed)


def header_of(envelope: bytes) -> bytes:
    return parse_envelope(envelope).header.to_json()


def test_the_canonical_header_signed_again_is_accepted(kiosk: KioskDouble) -> None:
    sealed = kiosk.seal_checkin().envelope
    assert kiosk.statuses([reheadered(kiosk, sealed, header_of(sealed))]) == ["accepted"]


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda h: h.replace(b'"created_at":"2', b'"created_at":"\\u0662'), "created_at"),
        (lambda h: h.replace(b'Z"', b'0Z"'), "created_at"),
        (lambda h: h.replace(b"-03-30T", b"-02-30T"), "created_at"),
        (
            lambda h: re.sub(rb'("record_id":")([^"]+)', lambda m: m[1] + m[2].upper(), h),
            "record_id",
        ),
        (lambda h: h.replace(b'"kind":', b'"kind": '), "canonical"),
        (lambda h: h.replace(b'"schema":1', b'"schema":1.0'), "schema"),
        (lambda h: h.replace(b'"kind":"checkin"', b'"kind":"check\\u0131n"'), "kind"),
    ],
    ids=[
        "time in Arabic-Indic digits",
        "seven fraction digits",
        "30 February",
        "record id not a lowercase UUID",
        "a space after a colon",
        "schema as a float",
        "dotless i in the kind",
    ],
)
def test_a_header_in_any_other_form_is_rejected_as_malformed_and_not_stored(
    kiosk: KioskDouble, change: Callable[[bytes], bytes], named: str
) -> None:
    at = datetime(2026, 3, 30, 9, tzinfo=UTC)
    sealed = kiosk.sealer.seal("checkin", b"{}", created_at=at).envelope
    forged = reheadered(kiosk, sealed, change(header_of(sealed)))
    answer = kiosk.send([forged])
    assert answer.status_code == 200, answer.text
    result = answer.json()["results"][0]
    assert (result["status"], result["code"]) == ("rejected", "malformed_envelope")
    assert named in result["reason"]
    assert kiosk.statuses([sealed]) == ["accepted"]  # the genuine record still arrives
