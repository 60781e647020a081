"""An attacker with an enrolled kiosk's key sends numbers no kiosk would: every integer is
bounded at the wire, so the answer is a 400 naming the field, never a 500 or a 503 that tells
the kiosk to retry forever (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from clinic_server_harness import KioskDouble

from sync import wire


@pytest.mark.parametrize("seq", [2**31, 2**63, 10**40, -1])
def test_an_audit_seq_no_kiosk_could_reach_is_refused_with_400_naming_it(
    kiosk: KioskDouble, seq: int
) -> None:
    body = wire.dump_json({"links": [{"seq": seq, "hash": "h1", "prev_hash": "0" * 64}]})

    answer = kiosk.signed("POST", wire.PATH_AUDIT, body, wire.JSON_CONTENT_TYPE)

    assert answer.status_code == 400, answer.text
    refusal = wire.Refusal.from_json(answer.content)
    assert refusal.code == "malformed_body"
    assert "'seq'" in refusal.reason and "outside 0 to 2147483647" in refusal.reason
    assert len(refusal.reason) < 120


def test_the_largest_seq_the_database_holds_is_still_taken(kiosk: KioskDouble) -> None:
    """The bound is the column's: a chain that really reached it is not refused by the wire."""
    first = wire.encode_audit_links([wire.AuditLink(1, "h1", "0" * 64)])
    assert kiosk.signed("POST", wire.PATH_AUDIT, first).status_code == 200
    far = wire.encode_audit_links([wire.AuditLink(wire.MAX_SEQ, "hx", "h1")])

    answer = kiosk.signed("POST", wire.PATH_AUDIT, far)

    # Accepted by the wire, refused by the chain as a gap: a 409 the kiosk understands.
    assert answer.status_code == 409
    assert wire.Refusal.from_json(answer.content).code == "audit_discontinuity"
