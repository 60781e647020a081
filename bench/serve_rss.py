"""Resident memory each extra served kiosk session adds (target: at most 60 MB).

Serves a demo kiosk on a free loopback port, opens sessions the way a browser tab does (a
websocket to /ws), waits until each has drawn its welcome screen and gone quiet and its memory
has stopped growing (its step screens are built off-screen), and measures the memory of every
process the server started (the session forker and the sessions it forked) with psutil. The
figure is the growth from one session to SESSIONS sessions, divided by the extra sessions, so
what the first one brings (the forker) does not count.

Resident memory is counted as PSS (proportional set size): a page shared by n processes counts
1/n to each, so the sum over processes is the memory they really hold. Summed RSS counts a
shared page once per process that maps it: every forked session would be charged again for the
~50 MB of code it shares with the forker, memory that exists once. It is printed beside
(`serve_rss_sum_mb_per_session`), with USS (pages no other process shares).

Baseline, measured in the same run: one kiosk session started as a fresh Python process of its
own (`python -m kiosk.browser.tab_session`, what `kiosk serve` did before the forker), its PSS and
how long it took to draw; `serve_forked_over_fresh_ratio` compares the two per session.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kiosk.browser.forked_sessions import web_driver_environment  # noqa: E402
from kiosk.browser.web_server import KioskWebServer, kiosk_sessions  # noqa: E402
from kiosk.desk.facade import Kiosk  # noqa: E402

SESSIONS = 5
QUIET_S = 1.5  # a session that sent nothing for this long has drawn its welcome screen
STEADY_MB = 0.25  # memory that moved less than this in STEADY_S has finished building steps
STEADY_S = 0.5
TARGET_MB = 60.0
COLUMNS, ROWS = 120, 40


@dataclass(frozen=True)
class Memory:
    """Summed over processes, in MB."""

    pss: float
    rss: float
    uss: float

    def growth_per_session(self, more: Memory, sessions: int) -> Memory:
        """What each of `sessions` more sessions added, from this memory to `more`."""
        return Memory(
            (more.pss - self.pss) / sessions,
            (more.rss - self.rss) / sessions,
            (more.uss - self.uss) / sessions,
        )


def memory_of(processes: list[psutil.Process]) -> Memory:
    pss = rss = uss = 0
    for process in processes:
        try:
            memory = process.memory_full_info()
        except psutil.NoSuchProcess:
            continue
        pss, rss, uss = pss + memory.pss, rss + memory.rss, uss + memory.uss
    return Memory(pss / 1e6, rss / 1e6, uss / 1e6)


async def steady_memory() -> None:
    """Wait until the sessions' memory stops growing: the step screens are built off-screen,
    after the welcome screen has gone quiet, and must be counted."""
    before = memory_of(psutil.Process().children(recursive=True)).uss
    while True:
        await asyncio.sleep(STEADY_S)
        now = memory_of(psutil.Process().children(recursive=True)).uss
        if abs(now - before) < STEADY_MB:
            return
        before = now


def median_memory(processes: list[psutil.Process]) -> Memory:
    samples = [memory_of(processes) for _ in range(3)]
    return Memory(
        statistics.median(s.pss for s in samples),
        statistics.median(s.rss for s in samples),
        statistics.median(s.uss for s in samples),
    )


class Quiet:
    """Tracks when output last arrived, to wait until a session has finished drawing."""

    def __init__(self) -> None:
        self.first_at: float | None = None
        self.last_at = time.monotonic()

    def heard(self) -> None:
        self.last_at = time.monotonic()
        if self.first_at is None:
            self.first_at = self.last_at

    async def settled(self) -> None:
        while self.first_at is None or time.monotonic() - self.last_at < QUIET_S:
            await asyncio.sleep(0.1)


async def open_tab(
    http: aiohttp.ClientSession, url: str
) -> tuple[aiohttp.ClientWebSocketResponse, asyncio.Task[None], float]:
    """Open one tab's websocket, keep reading it; returns it, its reader and its time to draw."""
    asked_at = time.monotonic()
    websocket = await http.ws_connect(f"{url}ws?width={COLUMNS}&height={ROWS}", origin=url[:-1])
    quiet = Quiet()

    async def read_output() -> None:
        async for message in websocket:
            if message.type == aiohttp.WSMsgType.BINARY:
                quiet.heard()

    reader = asyncio.create_task(read_output())
    await asyncio.wait_for(quiet.settled(), timeout=120)
    assert quiet.first_at is not None
    return websocket, reader, quiet.first_at - asked_at


async def served(data_dir: Path) -> tuple[Memory, Memory, list[float]]:
    """Memory with one tab open, then with SESSIONS tabs; each tab's time to first drawing."""
    server = KioskWebServer(kiosk_sessions(data_dir), host="127.0.0.1", port=0)
    url = await server.start()
    tabs = []
    try:
        async with aiohttp.ClientSession() as http:
            tabs.append(await open_tab(http, url))
            await steady_memory()
            one = median_memory(psutil.Process().children(recursive=True))
            for _ in range(SESSIONS - 1):
                tabs.append(await open_tab(http, url))
                await steady_memory()
            many = median_memory(psutil.Process().children(recursive=True))
            for websocket, reader, _ in tabs:
                await websocket.close()
                reader.cancel()
    finally:
        await server.stop()
    return one, many, [drawn for _, _, drawn in tabs]


async def fresh_process_session(data_dir: Path) -> tuple[Memory, float]:
    """The baseline: one session in a Python process of its own. Its memory and time to draw."""
    started_at = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "kiosk.browser.tab_session",
        "--data",
        str(data_dir),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        env={**web_driver_environment(), "COLUMNS": str(COLUMNS), "ROWS": str(ROWS)},
    )
    assert process.stdout is not None
    stdout = process.stdout
    quiet = Quiet()

    async def read_output() -> None:
        while await stdout.read(65536):
            quiet.heard()

    reader = asyncio.create_task(read_output())
    try:
        await asyncio.wait_for(quiet.settled(), timeout=120)
        assert quiet.first_at is not None
        await steady_memory()
        return median_memory([psutil.Process(process.pid)]), quiet.first_at - started_at
    finally:
        process.kill()
        await process.wait()
        reader.cancel()


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        data_dir = Path(scratch) / "kiosk"
        Kiosk.init(data_dir, demo=True).close()
        fresh, fresh_drawn_s = asyncio.run(fresh_process_session(data_dir))
        one, many, drawn_s = asyncio.run(served(data_dir))
    per_session = one.growth_per_session(many, SESSIONS - 1)
    forked_draw_ms = statistics.median(drawn_s[1:]) * 1000
    print(f"BENCH serve_rss_mb_per_session {per_session.pss:.1f} MB")
    print(f"BENCH serve_rss_sum_mb_per_session {per_session.rss:.1f} MB")
    print(f"BENCH serve_uss_mb_per_session {per_session.uss:.1f} MB")
    print(f"BENCH serve_first_session_with_forker_mb {one.pss:.1f} MB")
    print(f"BENCH serve_fresh_process_session_mb {fresh.pss:.1f} MB")
    print(f"BENCH serve_forked_over_fresh_ratio {per_session.pss / fresh.pss:.2f} ratio")
    print(f"BENCH serve_session_draw_ms {forked_draw_ms:.0f} ms")
    print(f"BENCH serve_fresh_process_draw_ms {fresh_drawn_s * 1000:.0f} ms")
    verdict = "met" if per_session.pss <= TARGET_MB else "MISSED"
    print(f"serve_rss_mb_per_session target <= {TARGET_MB:.0f}: {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
