"""The kiosk process the chair's kill test kills: it opens the kiosk's data folder as the kiosk
does, unlocks the demo nurse and writes the chair's entries through the chair's desk without
end (vitals, pause, resume, a rate up or down, going on from where the chair was left),
printing each entry once its write has returned: "<record id> <kind> <happened_at, ISO 8601>".
Run as `python -m tests.chair_kill_writer DATA_DIR CHECKIN_ID`."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from kiosk.desk.chair_desk import ChairDesk
from kiosk.desk.facade import Kiosk
from kiosk.intake.chair.log import InfusionStatus
from kiosk.intake.chair.records import (
    ChairLogRecord,
    ChairVitals,
    InfusionPause,
    InfusionResume,
    Rate,
    RateChange,
    RateUnit,
)
from kiosk.intake.codec import kind_of
from tests.chair_examples import vitals_fields
from tests.chair_seating import NURSE, NURSE_PIN


def entry(checkin_id: str, kind: type[ChairLogRecord], faster: bool) -> ChairLogRecord:
    """One entry of a busy infusion, happening now: each at its own moment, so their order in
    time is the order written."""
    at = datetime.now(UTC)
    common = {"checkin_id": checkin_id, "nurse_id": NURSE, "happened_at": at, "entered_at": at}
    if kind is ChairVitals:
        return ChairVitals(**common, **vitals_fields())
    if kind is InfusionPause:
        return InfusionPause(**common, reason="Asked for a break")
    if kind is InfusionResume:
        return InfusionResume(**common)
    rate = Rate(0.6 if faster else 0.5, RateUnit.MG_PER_KG_PER_HOUR)
    return RateChange(**common, rate=rate, reason="Titrated")


def main(data_dir: str, checkin_id: str) -> None:
    kiosk = Kiosk.open(Path(data_dir))
    desk = ChairDesk(kiosk.unlock(NURSE, NURSE_PIN))
    # Where the chair was left (a kill may have come between a pause and its resume).
    state = desk.chair(checkin_id, datetime.now(UTC))
    paused = state.course.status is InfusionStatus.PAUSED
    faster = state.rate is not None and str(state.rate.mg_per_kg_per_hour) == "0.500"
    cycle = [ChairVitals, InfusionPause, InfusionResume, RateChange]
    kinds = cycle[2:] if paused else []
    print("ready", flush=True)
    while True:
        for kind in kinds or cycle:
            record = entry(checkin_id, kind, faster)
            record_id = desk.write(record, record.entered_at)
            print(record_id, kind_of(record), record.happened_at.isoformat(), flush=True)
            if kind is RateChange:
                faster = not faster
        kinds = []


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
