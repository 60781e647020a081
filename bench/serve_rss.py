"""Resident memory each extra served kiosk session adds (target: at most 60 MB).

Serves a demo kiosk on a free loopback port, opens sessions the way a browser tab does (a
websocket to /ws), waits until each has drawn its welcome screen and gone quiet, and sums the RSS
of the session processes (the server's child processes) with psutil. The figure is the growth
from one session to SESSIONS sessions, divided by the extra sessions, so the shared baseline of
the first one does not count. Prints `BENCH serve_rss_mb_per_session <value> MB`, and beside it
the unique memory (USS) per session: RSS also counts library pages every session shares.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
from pathlib import Path

import aiohttp
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kiosk.kiosk import Kiosk  # noqa: E402
from kiosk.serve import KioskWebServer, session_command  # noqa: E402

SESSIONS = 5
QUIET_S = 1.0  # a session that sent nothing for this long has finished drawing
TARGET_MB = 60.0


async def open_session(
    http: aiohttp.ClientSession, url: str
) -> tuple[aiohttp.ClientWebSocketResponse, asyncio.Task[None]]:
    """Open one tab's websocket and keep reading its output in the background."""
    websocket = await http.ws_connect(f"{url}ws?width=120&height=40", origin=url.rstrip("/"))
    drawn = asyncio.Event()
    last_output = [asyncio.get_running_loop().time()]

    async def read_output() -> None:
        async for message in websocket:
            if message.type == aiohttp.WSMsgType.BINARY:
                last_output[0] = asyncio.get_running_loop().time()
                drawn.set()

    reader = asyncio.create_task(read_output())
    await asyncio.wait_for(drawn.wait(), timeout=60)
    while asyncio.get_running_loop().time() - last_output[0] < QUIET_S:
        await asyncio.sleep(0.1)
    return websocket, reader


def session_memory_mb() -> tuple[float, float]:
    """Resident and unique (USS: not shared with any other process) memory, in MB, of every
    process this benchmark's server started."""
    rss = uss = 0
    for child in psutil.Process().children(recursive=True):
        try:
            memory = child.memory_full_info()
        except psutil.NoSuchProcess:
            continue
        rss, uss = rss + memory.rss, uss + memory.uss
    return rss / 1_000_000, uss / 1_000_000


def median_memory_mb() -> tuple[float, float]:
    samples = [session_memory_mb() for _ in range(3)]
    return (
        statistics.median(rss for rss, _ in samples),
        statistics.median(uss for _, uss in samples),
    )


async def measure(data_dir: Path) -> tuple[tuple[float, float], tuple[float, float]]:
    """(RSS, USS) of the sessions with one tab open, then with SESSIONS tabs open."""
    server = KioskWebServer(session_command(data_dir), host="127.0.0.1", port=0)
    url = await server.start()
    tabs = []
    try:
        async with aiohttp.ClientSession() as http:
            tabs.append(await open_session(http, url))
            one = median_memory_mb()
            for _ in range(SESSIONS - 1):
                tabs.append(await open_session(http, url))
            many = median_memory_mb()
            for websocket, reader in tabs:
                await websocket.close()
                reader.cancel()
    finally:
        await server.stop()
    return one, many


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        data_dir = Path(scratch) / "kiosk"
        Kiosk.init(data_dir, demo=True)
        one, many = asyncio.run(measure(data_dir))
    rss_per_session = (many[0] - one[0]) / (SESSIONS - 1)
    uss_per_session = (many[1] - one[1]) / (SESSIONS - 1)
    print(f"BENCH serve_rss_mb_first_session {one[0]:.1f} MB")
    print(f"BENCH serve_rss_mb_per_session {rss_per_session:.1f} MB")
    print(f"BENCH serve_uss_mb_per_session {uss_per_session:.1f} MB")
    verdict = "met" if rss_per_session <= TARGET_MB else "MISSED"
    print(f"serve_rss_mb_per_session target <= {TARGET_MB:.0f}: {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
