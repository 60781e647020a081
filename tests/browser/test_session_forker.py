"""The session forker: loads the kiosk once, forks each tab's session, holds nothing of a patient.

No browser: these talk to /ws directly, or to the forker's socket itself, the way the web server
does.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import select
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import psutil
import pytest
from conftest import BROWSER_TESTS, CHEAP_SLOTS, TINY_KIOSK
from session_output import read_until, serving, session_processes

from kiosk.browser.forked_sessions import SessionNotStarted, SessionProgram, web_driver_environment
from kiosk.browser.session_forker import MAX_MESSAGE, READY
from kiosk.browser.web_server import KioskWebServer, kiosk_sessions
from kiosk.desk.facade import Kiosk

CANARY = "Zanzibarqx Quillfeatherby"  # a patient's name, typed on the first step


@pytest.mark.usefixtures("tiny_app_importable")
async def test_a_killed_forker_is_started_again_and_open_tabs_keep_working() -> None:
    async with serving(TINY_KIOSK) as (server, url):
        async with aiohttp.ClientSession() as http:
            first = await http.ws_connect(f"{url}ws?width=80&height=24")
            await read_until(first, b"Welcome")
            first_forker = server.forker.pid
            assert first_forker is not None
            killed = psutil.Process(first_forker)  # before it can be gone and reaped
            killed.kill()  # say, the kernel's out-of-memory killer
            psutil.wait_procs([killed], timeout=15)

            second = await http.ws_connect(f"{url}ws?width=80&height=24")
            await read_until(second, b"Welcome")

            assert server.forker.pid not in (None, first_forker)
            await first.send_str(json.dumps(["stdin", "Ada"]))
            assert b"Ada" in await read_until(first, b"Ada")


@pytest.mark.usefixtures("tiny_app_importable")
async def test_closed_tabs_leave_no_process_behind() -> None:
    async with serving(TINY_KIOSK) as (server, url):
        async with aiohttp.ClientSession() as http:
            for _ in range(3):
                tab = await http.ws_connect(f"{url}ws?width=80&height=24")
                await read_until(tab, b"Welcome")
                [session] = session_processes(server)
                await tab.close()
                psutil.wait_procs([session], timeout=15)
                assert not session.is_running(), "an ended session is left as a zombie"
            assert session_processes(server) == []


async def test_a_program_that_cannot_load_stops_the_start_with_its_name() -> None:
    server = KioskWebServer(SessionProgram("no_such_kiosk_module"), port=0)
    with pytest.raises(SessionNotStarted, match="no_such_kiosk_module"):
        await server.start()
    await server.stop()


@pytest.fixture
def forker_socket(tiny_app_importable: None) -> Iterator[socket.socket]:
    """A session forker for the stand-in app, and the web server's end of its socket."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    forker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kiosk.browser.session_forker",
            str(theirs.fileno()),
            "tiny_kiosk_app",
        ],
        pass_fds=(theirs.fileno(),),
        env={**web_driver_environment(), "PYTHONPATH": str(BROWSER_TESTS)},
        stdin=subprocess.DEVNULL,
    )
    theirs.close()
    ours.settimeout(60)
    assert json.loads(ours.recv(MAX_MESSAGE)) == READY
    yield ours
    ours.close()
    forker.wait(timeout=30)
    assert forker.returncode == 0, "the forker should end quietly when the server goes"


def _ask(
    control: socket.socket, message: bytes, fds: list[int]
) -> tuple[dict[str, object], list[int]]:
    socket.send_fds(control, [message], fds)
    answer, answer_fds, _, _ = socket.recv_fds(control, MAX_MESSAGE, 1)
    parsed: dict[str, object] = json.loads(answer)
    return parsed, answer_fds


def test_malformed_requests_are_refused_by_name_and_the_forker_keeps_forking(
    forker_socket: socket.socket,
) -> None:
    pipes = [os.pipe() for _ in range(3)]
    session_ends = [pipes[0][0], pipes[1][1], pipes[2][1]]
    try:
        for message, fds, reason in [
            (b"not json", session_ends, "Expecting value"),
            (b"[1, 2]", session_ends, "JSON object"),
            (b"[" * 4000, session_ends, "recursion"),
            (b'{"columns": -3, "rows": 24}', session_ends, "positive whole"),
            (b'{"columns": "80", "rows": 24}', session_ends, "positive whole"),
            (b'{"columns": 80, "rows": 24}', session_ends[:1], "3 pipe ends, got 1"),
            (b'{"columns": 80, "rows": 24}', [], "3 pipe ends, got 0"),
        ]:
            answer, answer_fds = _ask(forker_socket, message, fds)
            assert answer_fds == []
            assert reason in str(answer["error"])

        answer, [pidfd] = _ask(forker_socket, b'{"columns": 80, "rows": 24}', session_ends)
    finally:
        for fd in session_ends:
            os.close(fd)
    try:
        with os.fdopen(pipes[1][0], "rb") as session_output:
            assert session_output.readline() == b"__GANGLION__\n"  # the session is drawing
        assert isinstance(answer["pid"], int)
        signal.pidfd_send_signal(pidfd, signal.SIGKILL)
    finally:
        os.close(pidfd)
        os.close(pipes[0][1])
        os.close(pipes[2][0])


def _memory_holds(pid: int, text: str) -> bool:
    """Whether `text` is anywhere in the writable memory of process `pid` (Latin-1 or UTF-32,
    the two ways Python keeps an ASCII string; UTF-8 for what sits in byte buffers)."""
    needles = [text.encode(encoding) for encoding in ("latin-1", "utf-32-le")]
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as memory:
        for line in maps:
            match = re.match(r"([0-9a-f]+)-([0-9a-f]+) rw", line)
            if match is None:
                continue
            start, end = (int(address, 16) for address in match.groups())
            try:
                memory.seek(start)
                region = memory.read(end - start)
            except (OSError, ValueError):
                continue  # a guard page or a mapping that went away
            if any(needle in region for needle in needles):
                return True
    return False


async def test_the_forker_and_other_tabs_hold_nothing_a_patient_typed(tmp_path: Path) -> None:
    data_dir = tmp_path / "kiosk"
    Kiosk.init(data_dir, demo=True, keyslot_cost=CHEAP_SLOTS).close()
    async with serving(kiosk_sessions(data_dir)) as (server, url):
        async with aiohttp.ClientSession() as http:
            typing = await http.ws_connect(f"{url}ws?width=100&height=40")
            await read_until(typing, b"Check")
            [typing_session] = session_processes(server)
            other = await http.ws_connect(f"{url}ws?width=100&height=40")
            await read_until(other, b"Check")
            [other_session] = [p for p in session_processes(server) if p.pid != typing_session.pid]

            await typing.send_str(json.dumps(["stdin", "\r"]))  # "Check in" has the focus
            await read_until(typing, b"legal name")
            await typing.send_str(json.dumps(["stdin", CANARY]))
            await read_until(typing, CANARY.split()[1].encode())

            assert _memory_holds(typing_session.pid, CANARY), "the scan must find it where it is"
            assert server.forker.pid is not None
            assert not _memory_holds(server.forker.pid, CANARY)
            assert not _memory_holds(other_session.pid, CANARY)


@pytest.mark.usefixtures("tiny_app_importable")
async def test_a_port_already_taken_leaves_no_forker_behind() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        server = KioskWebServer(TINY_KIOSK, port=taken.getsockname()[1])
        with pytest.raises(OSError):
            await server.start()
    forkers = [
        child
        for child in psutil.Process().children(recursive=True)
        if "kiosk.browser.session_forker" in " ".join(child.cmdline())
    ]
    assert psutil.wait_procs(forkers, timeout=15)[1] == [], "a forker outlived the failed start"


@pytest.mark.usefixtures("tiny_app_importable")
async def test_a_tab_gone_while_its_session_is_forked_leaves_no_session_and_no_mix_up() -> None:
    async with serving(TINY_KIOSK) as (server, _):
        forker = server.forker.pid
        assert forker is not None
        os.kill(forker, signal.SIGSTOP)  # a busy forker: the request waits for its answer
        abandoned = asyncio.create_task(server.forker.fork(80, 24))
        await asyncio.sleep(0.2)
        abandoned.cancel()  # the tab closed meanwhile
        asyncio.get_running_loop().call_later(0.2, os.kill, forker, signal.SIGCONT)
        with pytest.raises(asyncio.CancelledError):
            await abandoned

        kept = await server.forker.fork(80, 24)

        assert await asyncio.wait_for(kept.stdout.readline(), 30) == b"__GANGLION__\n"
        abandoned_sessions = [p for p in session_processes(server) if p.pid != kept.pid]
        _, alive = psutil.wait_procs(abandoned_sessions, timeout=15)
        assert alive == [], "the abandoned session lives on"
        kept.kill()  # its pid is the process drawing on its pipe: that drawing ends
        assert await asyncio.wait_for(kept.stdout.read(), 30) is not None
        await asyncio.wait_for(kept.wait(), 30)
        kept.close()


def test_sessions_end_when_the_server_is_gone_without_stopping_them(
    forker_socket: socket.socket,
) -> None:
    stdin, stdout, stderr = os.pipe(), os.pipe(), os.pipe()
    _, [pidfd] = _ask(
        forker_socket, b'{"columns": 80, "rows": 24}', [stdin[0], stdout[1], stderr[1]]
    )
    for fd in (stdin[0], stdout[1], stderr[1]):
        os.close(fd)
    try:
        with os.fdopen(stdout[0], "rb") as session_output:
            assert session_output.readline() == b"__GANGLION__\n"  # the session is drawing
            # The server is killed: its socket closes, but nothing asked the session to quit
            # and its input is still open (our end of its stdin stays open here).
            forker_socket.close()
            ended, _, _ = select.select([pidfd], [], [], 30)
            assert ended, "the session outlived its server"
    finally:
        os.close(pidfd)
        os.close(stdin[1])
        os.close(stderr[0])
