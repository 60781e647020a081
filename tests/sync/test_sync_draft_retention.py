"""An abandoned check-in's draft stays on the kiosk for a nurse to resume, then the sync
engine's retention purge drops its payload (keeping id and hash), as the clinic configured."""

from __future__ import annotations

from datetime import timedelta

from kiosk.desk.facade import Kiosk
from kiosk.store.timestamps import utc_now
from sync.client.engine import SyncEngine
from tests.examples import example_draft


def test_an_abandoned_draft_is_kept_a_day_then_purged(kiosk: Kiosk) -> None:
    kiosk.patient_desk().save_draft(example_draft())
    engine = SyncEngine.for_kiosk(kiosk)
    try:
        assert engine.draft_retention() == timedelta(hours=24)
        engine.purge(utc_now() + timedelta(hours=23))
        assert kiosk.store.counts_by_state()["draft"] == 1
        engine.purge(utc_now() + timedelta(hours=25))
        counts = kiosk.store.counts_by_state()
        assert counts["draft"] == 0 and counts["purged"] == 1
    finally:
        engine.close()
