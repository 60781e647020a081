"""The chair board's building blocks: folding every chair's log, and sealing one chair entry.

Twelve patients in chairs with 1,000 log entries between them (issue 16's figure), and the
same twelve with 1,000 entries each, as a stress: order, start, vitals, rate changes up and
down, pauses and resumes, side effects, corrections, the stop, all folded into the board at one
moment. Prints BENCH lines:
  chair_board_fold_ms_p95           the 12 chairs' states and the board's order, 1,000 entries
  chair_board_fold_cpu_ms_p95       the same fold's CPU time on this thread, which other
                                    processes on a loaded machine cannot stretch
  chair_board_sort_ms_median        baseline: the same entries sorted by chair and time, nothing
                                    more (the least any board must do), same run
  chair_board_fold_ratio            median fold over the baseline
  chair_board_fold_ms_p95_12000     the fold with 1,000 entries in each chair
  chair_board_fold_cpu_ms_p95_12000 its CPU time
  chair_board_decode_ms_p95_12000   those 12,000 canonical payloads read back into records (what
                                    a refresh costs on top of the fold unless the screen keeps
                                    the records it has read; phase 2 decides)
  chair_entry_envelope_ms_p95       one rate change: canonical payload + envelope sealed (HPKE,
                                    ML-KEM-768 + X25519, to the clinic and staff keys) + signed
  chair_entry_envelope_cpu_ms_p95   the same seal's CPU time on this thread
  vitals_envelope_ms_median         baseline: the pre-infusion vitals record sealed the same way
  chair_entry_envelope_ratio        median chair entry envelope over the vitals envelope
Through the kiosk itself (bench/chair_desk_figures.py: a real data folder, 12 patients cleared
at sign-off, 1,000 entries written through the chair's desk):
  chair_board_refresh_ms_p95        the board screen's refresh (ChairBoardScreen.show_board in a
                                    running App): the desk's cached read (one indexed query,
                                    nothing new to open), the fold, the table's rows
  chair_board_first_read_ms         the first read of a shift: all 1,000 records opened once
  chair_board_fold_only_ms_median   baseline: the same logs folded in memory, same run
  chair_board_refresh_ratio         median refresh over the fold alone
  chair_entry_seal_ms_p95           one entry through the desk: checked against its chair's log,
                                    sealed, signed and durably committed with its outbox row and
                                    audit entry (synchronous=FULL)
  chair_entry_seal_cpu_ms_p95       the same write's CPU time on this thread (the disk's flush
                                    and a loaded machine's waits left out)
  sign_off_vitals_ms_median         baseline: the sign-off's vitals through the same record
                                    writing (sealed, summarised, durably committed), same run
  chair_entry_seal_ratio            median chair entry over the sign-off's vitals
Targets (issue 16): the board refresh p95 <= 50 ms, the entry seal p95 <= 3 ms.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.chair_desk_figures import desk_figures  # noqa: E402
from bench.seal import p95, timed_ms  # noqa: E402
from kiosk.intake.chair.board import chair_board  # noqa: E402
from kiosk.intake.chair.log import ChairEntry, happened_at  # noqa: E402
from kiosk.intake.chair.records import (  # noqa: E402
    ChairVitals,
    InfusionOrder,
    InfusionPause,
    InfusionResume,
    InfusionStart,
    InfusionStop,
    Rate,
    RateChange,
    RateUnit,
    SideEffect,
    SideEffectAction,
    StopReason,
)
from kiosk.intake.codec import (  # noqa: E402
    SCHEMA_VERSION,
    Record,
    from_payload,
    kind_of,
    to_payload,
)
from kiosk.intake.config import default_config  # noqa: E402
from kiosk.vault import DeviceSigningKey, RecipientPrivateKey, Sealer  # noqa: E402
from tests.chair_examples import ChairLog, order_fields, vitals_fields  # noqa: E402
from tests.examples import example_vitals  # noqa: E402

CHAIRS = 12
#: Issue 16: 1,000 log entries for the 12 chairs; the stress gives each chair as many.
ENTRIES = 1_000
ROUNDS = 30
SEALS = 300
WARMUP = 20


def one_chair(number: int, entries: int, log: ChairLog | None = None) -> list[ChairEntry]:
    """A coherent log of `entries` entries over 90 minutes, the stop at the end."""
    log = log or ChairLog(checkin_id=f"r-chair-{number:02d}")
    step = 90 / entries
    log.add(InfusionOrder, 0, **order_fields())
    log.add(InfusionStart, step)
    minute = step
    vitals: str | None = None
    while len(log.entries) < entries - 1:
        minute += step
        turn = len(log.entries) % 10
        if turn == 0:
            # Up and down in turn from the planned 0.5: never the rate already running.
            faster = len(log.entries) // 10 % 2 == 1
            rate = Rate(0.6 if faster else 0.5, RateUnit.MG_PER_KG_PER_HOUR)
            log.add(RateChange, minute, rate=rate, reason="Titrated")
        elif turn == 3:
            log.add(InfusionPause, minute, reason="Break")
        elif turn == 4:
            log.add(InfusionResume, minute)
        elif turn == 6:
            log.add(
                SideEffect,
                minute,
                effect_id="dizziness",
                detail="",
                action=SideEffectAction.NONE,
                action_detail="",
                action_at=None,
            )
        elif turn == 8 and vitals is not None:
            log.add(ChairVitals, minute, supersedes=vitals, **vitals_fields(heart_rate_per_min=81))
        else:
            vitals = log.add(ChairVitals, minute, **vitals_fields(systolic_mmhg=120 + turn))
    log.add(InfusionStop, minute + step, reason=StopReason.COMPLETED, detail="")
    return log.entries


def board_logs(entries_per_chair: list[int]) -> dict[str, list[ChairEntry]]:
    return {f"r-chair-{n:02d}": one_chair(n, count) for n, count in enumerate(entries_per_chair)}


def fold_times(
    logs: dict[str, list[ChairEntry]], rounds: int
) -> tuple[list[float], list[float], list[float]]:
    """The board's fold, wall and CPU, and the sorting baseline, interleaved round by round."""
    config = default_config()
    now = ChairLog().at(200)
    everything = [entry for entries in logs.values() for entry in entries]

    def baseline() -> None:
        by_chair: dict[str, list[ChairEntry]] = defaultdict(list)
        for entry in everything:
            by_chair[entry.record.checkin_id].append(entry)
        for entries in by_chair.values():
            entries.sort(key=lambda entry: (happened_at(entry.record), entry.record_id))

    board = chair_board(logs, config, now)
    assert len(board) == CHAIRS and all(not s.course.left_out for s in board), "incoherent log"
    fold: list[float] = []
    fold_cpu: list[float] = []
    sort: list[float] = []
    for _ in range(rounds):
        fold += timed_ms(lambda: chair_board(logs, config, now), 1)
        fold_cpu += timed_ms(lambda: chair_board(logs, config, now), 1, time.thread_time)
        sort += timed_ms(baseline, 1)
    return fold, fold_cpu, sort


def main() -> int:
    shared = [ENTRIES // CHAIRS + (n < ENTRIES % CHAIRS) for n in range(CHAIRS)]
    fold, fold_cpu, sort = fold_times(board_logs(shared), ROUNDS * 4)
    stress = board_logs([ENTRIES] * CHAIRS)
    stress_fold, stress_cpu, _ = fold_times(stress, ROUNDS)
    everything = [entry for entries in stress.values() for entry in entries]
    payloads = [to_payload(entry.record) for entry in everything]
    decode = timed_ms(lambda: [from_payload(payload) for payload in payloads], 10)

    clinic, staff = RecipientPrivateKey.generate(), RecipientPrivateKey.generate()
    recipients = [clinic.public_key(), staff.public_key()]
    sealer = Sealer("kiosk-bench", DeviceSigningKey.generate(), recipients)
    change = next(entry.record for entry in everything if isinstance(entry.record, RateChange))

    def seal(record: Record) -> Callable[[], object]:
        return lambda: sealer.seal(kind_of(record), to_payload(record), schema=SCHEMA_VERSION)

    timed_ms(seal(change), WARMUP)
    chair_seal: list[float] = []
    chair_seal_cpu: list[float] = []
    vitals_seal: list[float] = []
    for _ in range(SEALS):
        chair_seal += timed_ms(seal(change), 1)
        chair_seal_cpu += timed_ms(seal(change), 1, time.thread_time)
        vitals_seal += timed_ms(seal(example_vitals()), 1)

    fold_ratio = statistics.median(fold) / statistics.median(sort)
    seal_ratio = statistics.median(chair_seal) / statistics.median(vitals_seal)
    print(f"BENCH chair_board_fold_ms_p95 {p95(fold):.2f} ms")
    print(f"BENCH chair_board_fold_cpu_ms_p95 {p95(fold_cpu):.2f} ms")
    print(f"BENCH chair_board_sort_ms_median {statistics.median(sort):.2f} ms")
    print(f"BENCH chair_board_fold_ratio {fold_ratio:.1f} ratio")
    print(f"BENCH chair_board_fold_ms_p95_12000 {p95(stress_fold):.2f} ms")
    print(f"BENCH chair_board_fold_cpu_ms_p95_12000 {p95(stress_cpu):.2f} ms")
    print(f"BENCH chair_board_decode_ms_p95_12000 {p95(decode):.2f} ms")
    print(f"BENCH chair_entry_envelope_ms_p95 {p95(chair_seal):.2f} ms")
    print(f"BENCH chair_entry_envelope_cpu_ms_p95 {p95(chair_seal_cpu):.2f} ms")
    print(f"BENCH vitals_envelope_ms_median {statistics.median(vitals_seal):.2f} ms")
    print(f"BENCH chair_entry_envelope_ratio {seal_ratio:.2f} ratio")
    for line in desk_figures(CHAIRS, ENTRIES, one_chair):
        print(line)
    targets = "board refresh p95 <= 50 ms, entry seal p95 <= 3 ms"
    print(f"# {CHAIRS} chairs, {ENTRIES} entries in all (stress: each); targets: {targets}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
