"""The nurse's decision and a clinician's STOP override as sealed records, through the facade.

What the sign-off screen relies on: a hold needs its reason, "cleared" waits for an override of
every STOP the nurse saw, and each override is its own sealed, audited record on today's table.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from kiosk.desk.errors import KioskError
from kiosk.desk.facade import Kiosk
from kiosk.desk.staff_session import StaffSession
from kiosk.intake.records import (
    DecisionOutcome,
    Flag,
    NurseDecision,
    Severity,
    StopOverride,
)
from kiosk.intake.rules import screen_checkin
from kiosk.store import OutboxState
from tests.examples import example_vitals
from tests.staff.conftest import NURSE, NURSE_PIN, seed_today


def _stop_of_uma(kiosk: Kiosk, session: StaffSession, checkin_id: str) -> Flag:
    checkin = session.open_record(checkin_id)
    flags = screen_checkin(checkin, kiosk.config)  # type: ignore[arg-type]
    return next(f for f in flags if f.code == "history.heart_disease")


def _decision(
    checkin_id: str, vitals_id: str, outcome: DecisionOutcome, flags: tuple[Flag, ...]
) -> NurseDecision:
    return NurseDecision(
        checkin_id=checkin_id,
        vitals_id=vitals_id,
        nurse_id=NURSE,
        decided_at=datetime.now(UTC),
        outcome=outcome,
        reason="",
        flags=flags,
        overrides=(),
    )


def test_a_stop_is_cleared_only_after_a_named_clinicians_override_sealed_as_its_own_record(
    kiosk: Kiosk,
) -> None:
    ids = seed_today(kiosk)
    session = kiosk.unlock(NURSE, NURSE_PIN)
    vitals_id, _ = session.record_vitals(example_vitals(checkin_id=ids["urgent"], nurse_id=NURSE))
    stop = _stop_of_uma(kiosk, session, ids["urgent"])
    cleared = _decision(ids["urgent"], vitals_id, DecisionOutcome.CLEARED, (stop,))
    with pytest.raises(KioskError, match="history.heart_disease is a STOP"):
        session.record_decision(cleared)
    hold_without_reason = replace(cleared, outcome=DecisionOutcome.HOLD)
    with pytest.raises(KioskError, match="hold reason"):
        session.record_decision(hold_without_reason)
    held = session.record_decision(replace(hold_without_reason, reason="Waiting for Dr. Rivera"))

    override = StopOverride(
        checkin_id=ids["urgent"],
        flag=stop,
        clinician_name="Dr. Ana Rivera",
        reason="Stable angina, reviewed with cardiology last week.",
        nurse_id=NURSE,
        recorded_at=datetime.now(UTC),
    )
    override_id = session.record_override(override)
    final = session.record_decision(replace(cleared, overrides=(override_id,)), supersedes=held)

    assert session.open_record(override_id) == override
    queued = {row.record_id: row.state for row in kiosk.store.records()}
    assert queued[override_id] is OutboxState.QUEUED  # synced to the clinic like any record
    assert queued[final] is OutboxState.QUEUED
    [row] = [s for s in session.todays_summaries() if s.record_id == ids["urgent"]]
    assert row.override_record_ids == (override_id,)
    assert row.decision_record_id == final
    opened = session.open_record(final)
    assert isinstance(opened, NurseDecision) and opened.outcome is DecisionOutcome.CLEARED
    actions = [(e.actor, e.action, e.record_id) for e in kiosk.store.audit_entries()]
    assert (NURSE, "decision.hold", held) in actions
    assert (NURSE, "override.recorded", override_id) in actions
    assert (NURSE, "decision.cleared", final) in actions


def test_an_override_needs_a_stop_a_real_name_and_a_reason(kiosk: Kiosk) -> None:
    ids = seed_today(kiosk)
    session = kiosk.unlock(NURSE, NURSE_PIN)
    stop = _stop_of_uma(kiosk, session, ids["urgent"])
    override = StopOverride(ids["urgent"], stop, "Dr. Ana Rivera", "ok", NURSE, datetime.now(UTC))
    caution = Flag("vitals.systolic", Severity.CAUTION, "Systolic BP 165", "165 mmHg")
    for bad, words in (
        (replace(override, flag=caution), "only a STOP"),
        (replace(override, clinician_name="   "), "clinician name: Please fill in"),
        (replace(override, clinician_name="Dr \x1b[2J"), "clinician name: .*Escape"),
        (replace(override, reason=""), "override reason: Please fill in"),
        (replace(override, nurse_id="N999"), "signed by N100, not by N999"),
    ):
        with pytest.raises(KioskError, match=words):
            session.record_override(bad)
    assert kiosk.store.records("stop_override") == []
