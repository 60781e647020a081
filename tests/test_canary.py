"""No patient text ever reaches the disk or the screen in the clear.

Check-ins, drafts, a declined consent, vitals and every kind of the infusion chair's log are
sealed with a unique marker in every text field a patient or nurse fills in; the marker (as
UTF-8, UTF-16, base64 and hex) is then looked for in every file under the data directory
(database, WAL, shared memory, journals, config) and in everything the `kiosk` command and the
logs printed.
"""

from __future__ import annotations

import base64
import dataclasses
import logging
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from enum import Enum
from pathlib import Path
from typing import Any

import pytest

from kiosk.cli.main import main
from kiosk.desk.chair_desk import ChairDesk
from kiosk.desk.facade import Kiosk
from kiosk.intake.chair.records import (
    ChairVitals,
    EnteredInError,
    EscortCheck,
    ExamFinding,
    InfusionOrder,
    InfusionPause,
    InfusionResume,
    InfusionStart,
    InfusionStop,
    OrientationCheck,
    PhysicalExam,
    Rate,
    RateChange,
    RateUnit,
    SideEffect,
    SideEffectAction,
    StopReason,
)
from kiosk.intake.records import ConsentDeclined
from kiosk.vault import Argon2Cost
from tests.chair_examples import exam_items, order_fields, vitals_fields
from tests.chair_seating import cleared_patient
from tests.examples import example_checkin, example_draft, example_vitals

CHEAP_SLOTS = Argon2Cost(memory_kib=8, iterations=1, lanes=1)
# Fields that are codes or ids the software itself sets, not text a person types.
NOT_TYPED = {"language", "question_id", "document_id", "version", "text_sha256", "nurse_id"}


def _marked(value: Any, marker: str) -> Any:
    """The same record with the marker added to every text field a person fills in."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for field in dataclasses.fields(value):
            current = getattr(value, field.name)
            if (
                isinstance(current, str)
                and not isinstance(current, Enum)
                and field.name not in NOT_TYPED
            ):
                changes[field.name] = f"{current} {marker}"
            elif field.name not in NOT_TYPED:
                changes[field.name] = _marked(current, marker)
        return dataclasses.replace(value, **changes)
    if isinstance(value, tuple):
        return tuple(_marked(item, marker) for item in value)
    return value


def _forms(text: str) -> list[bytes]:
    """Every way the text could sit in a file: raw encodings, hex, base64 at each alignment."""
    raw = text.encode("utf-8")
    forms = [raw, text.encode("utf-16-le"), text.encode("utf-16-be"), raw.hex().encode()]
    forms.append(raw.hex().upper().encode())
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + raw)
        # Drop the characters that mix in the neighbouring bytes at either end.
        forms.append(encoded[4 if shift else 0 : -4])
    return forms


def _leaks(blob: bytes, secrets: list[str]) -> list[str]:
    return [secret for secret in secrets for form in _forms(secret) if form in blob]


def test_a_marker_in_every_field_never_reaches_disk_output_or_logs(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    marker = f"canary{uuid.uuid4().hex[:16]}"
    data = tmp_path / "kiosk-data"
    kiosk = Kiosk.init(data, demo=True, keyslot_cost=CHEAP_SLOTS)
    desk = kiosk.patient_desk()
    now = datetime.now(UTC)
    checkin = _marked(example_checkin(submitted_at=now), marker)
    assert marker in checkin.identity.legal_name and marker in checkin.consent.typed_name
    draft_id = desk.save_draft(_marked(example_draft(started_at=now), marker))
    submitted = desk.submit_checkin(checkin, supersedes=draft_id)
    desk.record_consent_declined(
        _marked(ConsentDeclined("p-2", "ketamine-infusion", "1", "en", now), marker)
    )
    nurse = kiosk.unlock("N100", "246810")
    vitals = example_vitals(checkin_id=submitted.record_id, nurse_id="N100")
    nurse.record_vitals(vitals)
    assert nurse.open_record(submitted.record_id) == checkin  # the marker really was sealed
    assert any(marker in row.name for row in nurse.todays_summaries())
    secrets = [marker, example_checkin().identity.legal_name]

    # While the kiosk is still open, the WAL and shared-memory files hold the latest pages.
    files_open = {p.name: p.read_bytes() for p in data.iterdir() if p.is_file()}
    assert any(name.endswith("-wal") for name in files_open)
    nurse.lock()
    kiosk.close()
    files_closed = {p.name: p.read_bytes() for p in data.iterdir() if p.is_file()}

    _assert_nothing_leaked(data, [files_open, files_closed], secrets, capsys, caplog, monkeypatch)


def _assert_nothing_leaked(
    data: Path,
    files: list[dict[str, bytes]],
    secrets: list[str],
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No secret in the files read, nor in what the `kiosk` command and the logs printed."""
    monkeypatch.setenv("KIOSK_DATA", str(data))
    for command in (["records", "list"], ["staff", "list"], ["audit", "verify"]):
        assert main(command) == 0
    printed = capsys.readouterr()
    leaked = {
        name: _leaks(blob, secrets)
        for taken in files
        for name, blob in taken.items()
        if _leaks(blob, secrets)
    }
    assert leaked == {}
    assert _leaks((printed.out + printed.err).encode("utf-8"), secrets) == []
    assert _leaks(caplog.text.encode("utf-8"), secrets) == []


def test_the_marker_search_would_find_a_plaintext_leak() -> None:
    marker = f"canary{uuid.uuid4().hex[:16]}"
    for form in (
        marker.encode(),
        marker.encode("utf-16-le"),
        base64.b64encode(b"xx" + marker.encode()),
        marker.encode().hex().encode(),
    ):
        assert _leaks(b"page..." + form + b"...page", [marker]) == [marker]


def test_a_marker_in_every_chair_entry_never_reaches_disk_output_or_logs(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    # Letters only: the names a nurse types (a clinician, an escort) take no digits.
    marker = "canary" + "".join(chr(ord("a") + int(c, 16)) for c in uuid.uuid4().hex[:16])
    data = tmp_path / "kiosk-data"
    kiosk = Kiosk.init(data, demo=True, keyslot_cost=CHEAP_SLOTS)
    seated = cleared_patient(kiosk)
    session = kiosk.unlock("N100", "246810")
    desk = ChairDesk(session)
    now = datetime.now(UTC)

    def write(kind: type[Any], minutes_ago: int, supersedes: str | None = None, **f: Any) -> str:
        at = now - timedelta(minutes=minutes_ago)
        record = kind(
            checkin_id=seated.checkin_id, nurse_id="N100", happened_at=at, entered_at=at, **f
        )
        return desk.write(record, now, supersedes=supersedes)

    items = exam_items(kiosk.config, airway=ExamFinding.ABNORMAL)
    items = tuple(replace(i, note=f"{i.note} {marker}" if i.note else "") for i in items)
    write(PhysicalExam, 62, items=items)
    order = order_fields(
        weight_kg=seated.weight_kg, vitals_id=seated.vitals_id, clinician_name=f"Dr {marker}"
    )
    write(InfusionOrder, 61, **order)
    write(ChairVitals, 60, **vitals_fields())
    write(InfusionStart, 60)
    write(RateChange, 50, rate=Rate(0.4, RateUnit.MG_PER_KG_PER_HOUR), reason=marker)
    write(InfusionPause, 45, reason=marker)
    write(InfusionResume, 44)
    effect = write(
        SideEffect,
        40,
        effect_id="other",
        detail=marker,
        action=SideEffectAction.OTHER,
        action_detail=marker,
        action_at=now - timedelta(minutes=39),
    )
    write(EnteredInError, 38, supersedes=effect, reason=marker)
    write(InfusionStop, 30, reason=StopReason.OTHER, detail=marker)
    write(ChairVitals, 29, **vitals_fields())
    write(OrientationCheck, 20, at_baseline=False, detail=marker)
    write(
        EscortCheck,
        20,
        escort_name=f"Sam {marker}",
        present=True,
        driver_named_at_checkin="Sam Example",
        mismatch_confirmed=True,
    )
    shown = ChairDesk(kiosk.unlock("N100", "246810")).chair(seated.checkin_id, now)
    assert shown.course.order is not None and marker in shown.course.order.clinician_name
    secrets = [marker]

    files_open = {p.name: p.read_bytes() for p in data.iterdir() if p.is_file()}
    session.lock()
    kiosk.close()
    files_closed = {p.name: p.read_bytes() for p in data.iterdir() if p.is_file()}
    _assert_nothing_leaked(data, [files_open, files_closed], secrets, capsys, caplog, monkeypatch)
