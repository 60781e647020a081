"""The chair board and one chair entry through the kiosk itself, for bench/chair_board.py.

A real data folder (demo keys, keyslots at Argon2id's floor: the unlock is not what is timed),
twelve patients checked in and cleared at sign-off, and 1,000 entries written through the
chair's desk (each checked, sealed, signed and durably committed). Then: the first read of a
shift (every record opened once), the board screen's refresh in a running App (the desk's
cached read, the fold, the table), and one entry's write, each against its baseline measured
in the same run.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual.app import App

from bench.seal import p95, timed_ms
from kiosk.desk.chair_desk import ChairDesk
from kiosk.desk.facade import Kiosk
from kiosk.desk.staff_shift import StaffShift
from kiosk.intake.chair.board import chair_board
from kiosk.intake.chair.log import ChairEntry, happened_at
from kiosk.intake.chair.records import ChairVitals
from kiosk.screens.chair_board import ChairBoardScreen
from kiosk.vault import Argon2Cost
from tests.chair_examples import ChairLog, vitals_fields
from tests.chair_seating import NURSE, NURSE_PIN, cleared_patient
from tests.examples import example_vitals

ChairMaker = Callable[[int, int, ChairLog], list[ChairEntry]]
CHEAP_SLOTS = Argon2Cost(memory_kib=64, iterations=1, lanes=1)
REFRESHES = 100
WRITES = 100


def _fill(kiosk: Kiosk, chairs: int, entries: int, make: ChairMaker, now: datetime) -> None:
    """`entries` entries over `chairs` chairs, written through one nurse's desk."""
    desk = ChairDesk(kiosk.unlock(NURSE, NURSE_PIN))
    for number in range(chairs):
        seated = cleared_patient(kiosk, f"Bench Patient {chr(65 + number)}", now=now)
        count = entries // chairs + (number < entries % chairs)
        log = ChairLog(seated.checkin_id, now - timedelta(minutes=95), NURSE)
        stored: dict[str, str] = {}
        for entry in make(number, count, log):
            supersedes = None if entry.supersedes is None else stored[entry.supersedes]
            at = happened_at(entry.record)  # entered when it happened, as ChairLog writes
            stored[entry.record_id] = desk.write(entry.record, at, supersedes=supersedes)


async def _refreshes(kiosk: Kiosk, now: datetime) -> tuple[float, list[float]]:
    """The first read of a shift, then the board screen's refresh, timed in a running App."""
    shift = StaffShift(kiosk, kiosk.unlock(NURSE, NURSE_PIN), idle_seconds=3600)
    first = timed_ms(lambda: shift.chairs.board(now), 1)[0]
    app: App[None] = App()
    async with app.run_test(size=(160, 50)) as pilot:
        screen = ChairBoardScreen(shift)
        await app.push_screen(screen)
        await pilot.pause()
        samples = timed_ms(screen.show_board, REFRESHES)
    return first, samples


def desk_figures(chairs: int, entries: int, make: ChairMaker) -> list[str]:
    """The BENCH lines of the board's refresh and one entry's write through the desk."""
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as folder:
        kiosk = Kiosk.init(Path(folder) / "kiosk", demo=True, keyslot_cost=CHEAP_SLOTS)
        try:
            _fill(kiosk, chairs, entries, make, now)
            first, refresh = asyncio.run(_refreshes(kiosk, now))
            desk = ChairDesk(kiosk.unlock(NURSE, NURSE_PIN))
            logs = {row.state.checkin_id: desk.log(row.state.checkin_id) for row in desk.board(now)}
            fold = timed_ms(lambda: chair_board(logs, kiosk.config, now), REFRESHES)
            writes, writes_cpu, baseline = _writes(kiosk, desk, next(iter(logs)))
        finally:
            kiosk.close()
    return [
        f"BENCH chair_board_refresh_ms_p95 {p95(refresh):.2f} ms",
        f"BENCH chair_board_first_read_ms {first:.2f} ms",
        f"BENCH chair_board_fold_only_ms_median {statistics.median(fold):.2f} ms",
        f"BENCH chair_board_refresh_ratio "
        f"{statistics.median(refresh) / statistics.median(fold):.2f} ratio",
        f"BENCH chair_entry_seal_ms_p95 {p95(writes):.2f} ms",
        f"BENCH chair_entry_seal_cpu_ms_p95 {p95(writes_cpu):.2f} ms",
        f"BENCH sign_off_vitals_ms_median {statistics.median(baseline):.2f} ms",
        f"BENCH chair_entry_seal_ratio "
        f"{statistics.median(writes) / statistics.median(baseline):.2f} ratio",
    ]


def _writes(
    kiosk: Kiosk, desk: ChairDesk, checkin_id: str
) -> tuple[list[float], list[float], list[float]]:
    """One chair entry through the desk, and the sign-off's vitals, interleaved."""
    session = kiosk.unlock(NURSE, NURSE_PIN)
    writes: list[float] = []
    writes_cpu: list[float] = []
    baseline: list[float] = []

    def chair_vitals() -> ChairVitals:
        at = datetime.now(UTC)
        return ChairVitals(
            checkin_id=checkin_id,
            nurse_id=NURSE,
            happened_at=at,
            entered_at=at,
            **vitals_fields(),
        )

    def write_one(clock: Callable[[], float]) -> list[float]:
        vitals = chair_vitals()
        return timed_ms(lambda: desk.write(vitals, vitals.entered_at), 1, clock)

    signed = example_vitals(checkin_id=checkin_id, nurse_id=NURSE)
    for _ in range(WRITES):
        writes += write_one(time.perf_counter)
        writes_cpu += write_one(time.thread_time)
        baseline += timed_ms(lambda: session.record_vitals(signed), 1)
    return writes, writes_cpu, baseline
