"""The nurse's-table summaries: one chain key opens a day, the patient side can never read back
an earlier patient's summary, and a damaged, moved or forged summary only hides its own row."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.desk.facade import Kiosk
from kiosk.intake.records import CheckIn, RecordKind
from kiosk.store.nurse_table import SUMMARY_KIND, RecordDigest
from kiosk.vault import DeviceSigningKey, RecipientPrivateKey, SealedRecord, Sealer
from kiosk.vault.summary_chain import (
    MAX_LINKS,
    SummaryChain,
    SummaryError,
    SummaryReader,
    _next_link,
    _summary_key,
)
from tests.examples import example_checkin, example_consent, example_identity
from tests.store.conftest import CHEAP_SLOTS


def _checkin(patient_id: str, name: str) -> CheckIn:
    """Today's example check-in for another (fictional) patient, signed in their name."""
    return example_checkin(
        patient_id=patient_id,
        submitted_at=datetime.now(UTC),
        identity=example_identity(legal_name=name),
        consent=example_consent(typed_name=name),
    )


def _names(kiosk: Kiosk) -> list[str]:
    nurse = kiosk.unlock("N100", "246810")
    try:
        return sorted(row.name for row in nurse.todays_summaries())
    finally:
        nurse.lock()


def _summary_column(kiosk: Kiosk, record_id: str) -> bytes:
    db = sqlite3.connect(kiosk.store.path)
    try:
        row = db.execute("SELECT summary FROM records WHERE record_id = ?", [record_id]).fetchone()
    finally:
        db.close()
    return bytes(row[0])


def _set_summary(kiosk: Kiosk, record_id: str, summary: bytes) -> None:
    # Damage on disk, as a thief or a failing disk would: past the store's append-only triggers.
    db = sqlite3.connect(kiosk.store.path, isolation_level=None)
    try:
        db.execute("DROP TRIGGER records_purge_only")
        db.execute("UPDATE records SET summary = ? WHERE record_id = ?", [summary, record_id])
    finally:
        db.close()


def test_check_ins_from_two_kiosk_processes_all_reach_the_nurses_table(tmp_path: Path) -> None:
    first = Kiosk.init(tmp_path / "kiosk", demo=True, keyslot_cost=CHEAP_SLOTS)
    second = Kiosk.open(first.data_dir)  # another served tablet: its own summary chain
    try:
        first.patient_desk().submit_checkin(_checkin("p-1", "Ann Able"))
        second.patient_desk().submit_checkin(_checkin("p-2", "Ben Baker"))
        first.patient_desk().submit_checkin(_checkin("p-3", "Cy Cole"))
        assert _names(first) == ["Ann Able", "Ben Baker", "Cy Cole"]
        chains = sqlite3.connect(first.store.path).execute("SELECT count(*) FROM summary_chains")
        assert chains.fetchone()[0] == 2
    finally:
        second.close()
        first.close()


def test_the_summary_row_holds_no_patient_text(demo_kiosk: Kiosk) -> None:
    record_id = demo_kiosk.patient_desk().submit_checkin(_checkin("p-1", "Zed Canary")).record_id
    summary = _summary_column(demo_kiosk, record_id)
    assert summary.startswith(b"KSUM") and b"Zed" not in summary and b"Canary" not in summary


def test_what_the_patient_side_holds_after_submit_opens_no_earlier_summary() -> None:
    staff = RecipientPrivateKey.generate()
    device = DeviceSigningKey.generate()
    kept: list[SealedRecord] = []
    chain = SummaryChain(Sealer("kiosk-1", device, [staff.public_key()]), kept.append)
    record_ids = [str(uuid.uuid4()) for _ in range(3)]
    sealed = [chain.seal(record_id, b"Ann Able, 1980-01-01") for record_id in record_ids]

    # A memory dump now yields the current link: every key it leads to is a later one.
    link = chain._link
    later_keys = set()
    for _ in range(50):
        later_keys.add(_summary_key(link))
        link = _next_link(link)
    reader = SummaryReader(staff, device.verify_key(), {kept[0].record_id: kept[0].envelope})
    earlier_keys = {reader._chain(kept[0].record_id, "r").summary_key(n) for n in range(3)}
    assert not earlier_keys & later_keys
    assert [reader.open(i, s, SUMMARY_KIND) for i, s in zip(record_ids, sealed, strict=True)] == [
        b"Ann Able, 1980-01-01"
    ] * 3


def test_a_summary_moved_onto_another_record_hides_that_row_only(demo_kiosk: Kiosk) -> None:
    desk = demo_kiosk.patient_desk()
    ann = desk.submit_checkin(_checkin("p-1", "Ann Able")).record_id
    ben = desk.submit_checkin(_checkin("p-2", "Ben Baker")).record_id
    _set_summary(demo_kiosk, ben, _summary_column(demo_kiosk, ann))
    assert _names(demo_kiosk) == ["Ann Able"]


@settings(max_examples=60)
@given(st.integers(min_value=0, max_value=200), st.integers(min_value=1, max_value=255))
def test_any_flipped_byte_hides_the_row_and_never_shows_other_text(
    position: int, flip: int
) -> None:
    staff = RecipientPrivateKey.generate()
    device = DeviceSigningKey.generate()
    kept: list[SealedRecord] = []
    chain = SummaryChain(Sealer("kiosk-1", device, [staff.public_key()]), kept.append)
    record_id = str(uuid.uuid4())
    summary = bytearray(chain.seal(record_id, b'{"name":"Ann"}'))
    summary[position % len(summary)] ^= flip
    reader = SummaryReader(staff, device.verify_key(), {kept[0].record_id: kept[0].envelope})
    with pytest.raises(SummaryError):
        reader.open(record_id, bytes(summary), SUMMARY_KIND)


def test_a_chain_key_not_signed_by_this_kiosk_opens_nothing() -> None:
    staff = RecipientPrivateKey.generate()
    device, impostor = DeviceSigningKey.generate(), DeviceSigningKey.generate()
    kept: list[SealedRecord] = []
    chain = SummaryChain(Sealer("kiosk-1", impostor, [staff.public_key()]), kept.append)
    record_id = str(uuid.uuid4())
    summary = chain.seal(record_id, b"forged")
    reader = SummaryReader(staff, device.verify_key(), {kept[0].record_id: kept[0].envelope})
    with pytest.raises(SummaryError, match="does not open"):
        reader.open(record_id, summary, SUMMARY_KIND)


def test_a_link_number_past_the_limit_is_refused_without_hashing_to_it() -> None:
    staff = RecipientPrivateKey.generate()
    device = DeviceSigningKey.generate()
    kept: list[SealedRecord] = []
    chain = SummaryChain(Sealer("kiosk-1", device, [staff.public_key()]), kept.append)
    record_id = str(uuid.uuid4())
    summary = bytearray(chain.seal(record_id, b"x"))
    summary[21:25] = (2**32 - 1).to_bytes(4, "big")
    reader = SummaryReader(staff, device.verify_key(), {kept[0].record_id: kept[0].envelope})
    with pytest.raises(SummaryError, match="out of range"):
        reader.open(record_id, bytes(summary), SUMMARY_KIND)
    assert MAX_LINKS <= 100_000


def test_summaries_written_before_chains_still_open(demo_kiosk: Kiosk) -> None:
    """A kiosk upgraded mid-day keeps showing the morning's rows (whole-envelope summaries)."""
    record_id = demo_kiosk.patient_desk().submit_checkin(_checkin("p-1", "Old Style")).record_id
    staff_sealer = Sealer(demo_kiosk.kiosk_id, demo_kiosk.device_key, [demo_kiosk.staff_public_key])
    digest = RecordDigest(RecordKind.CHECKIN, patient_id="p-1", legal_name="Old Style")
    old = staff_sealer.seal(SUMMARY_KIND, digest.to_bytes(), record_id=record_id)
    _set_summary(demo_kiosk, record_id, old.envelope)
    assert _names(demo_kiosk) == ["Old Style"]
