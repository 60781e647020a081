"""The web server's side of the session forker: start it, ask it for a session per tab, stop it.

A `ForkedSession` is textual-serve's `AppService` with one change: its kiosk process is forked by
the session forker (session_forker.py) instead of started from a shell command. The rest
(Textual's web-driver protocol, relaying, quitting) is textual-serve's own.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
from asyncio.subprocess import Process
from contextlib import suppress
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any, cast

from textual_serve.app_service import AppService

from kiosk.browser.session_forker import MAX_MESSAGE, READY

FORKER_READY_S = 120.0  # loading the kiosk takes a second or two; a cold disk much longer
FORK_ANSWER_S = 30.0


class SessionNotStarted(RuntimeError):
    """The forker could not start (or fork) a session; the reason is in the message."""


@dataclass(frozen=True)
class SessionProgram:
    """What each browser tab runs: a module with `main(argv)` (and, optionally, `preload()`)."""

    module: str
    arguments: tuple[str, ...] = ()


def web_driver_environment() -> dict[str, str]:
    """The environment Textual's web driver needs, as textual-serve's AppService sets it for a
    subprocess (textual-serve 1.1.3 `_build_environment`); the forker gets it before importing
    Textual, which reads it at import. A tab's own size is set in each forked session."""
    return {
        **os.environ,
        "TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver",
        "TEXTUAL_FPS": "60",
        "TEXTUAL_COLOR_SYSTEM": "truecolor",
        "TERM_PROGRAM": "textual",
        "TERM_PROGRAM_VERSION": version("textual-serve"),
    }


class SessionProcess:
    """A forked session as `AppService` uses a subprocess: its pipes; and its end, by pidfd."""

    def __init__(
        self,
        pid: int,
        pidfd: int,
        stdin: asyncio.StreamWriter,
        stdout: asyncio.StreamReader,
        stderr: asyncio.StreamReader,
    ) -> None:
        self.pid = pid
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self._pidfd = pidfd
        self._ended = asyncio.Event()
        asyncio.get_running_loop().add_reader(pidfd, self._on_end)

    def _on_end(self) -> None:
        asyncio.get_running_loop().remove_reader(self._pidfd)
        os.close(self._pidfd)
        self._ended.set()

    async def wait(self) -> None:
        await self._ended.wait()

    def kill(self) -> None:
        """Kill it now (through its pidfd: never another process that reused its pid)."""
        if not self._ended.is_set():
            with suppress(ProcessLookupError):  # it ended a moment ago
                signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)

    def close(self) -> None:
        """Close our end of its standard input (it has ended, or is being asked to)."""
        self.stdin.close()


class _ForkerGone(Exception):
    """The forker did not answer: it has ended, or hangs (and has just been killed)."""


class SessionForker:
    """The session forker process, as the web server sees it: started with the server, asked
    for one session at a time, started again if it has ended (say, killed for memory)."""

    def __init__(self, program: SessionProgram) -> None:
        self.program = program
        self._control: socket.socket | None = None
        self._process: Process | None = None
        self._one_at_a_time = asyncio.Lock()
        self._serving = False  # between start() and stop(): a forker that ends is started again

    @property
    def pid(self) -> int | None:
        """The forker's process id (its children are the sessions), once started."""
        return None if self._process is None else self._process.pid

    async def start(self) -> None:
        """Start the forker and wait until it has loaded the program; SessionNotStarted if it
        cannot (its own error is in the service log: loading holds no patient data)."""
        self._serving = True
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self._process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "kiosk.browser.session_forker",
                str(theirs.fileno()),
                self.program.module,
                *self.program.arguments,
                stdin=asyncio.subprocess.DEVNULL,
                pass_fds=(theirs.fileno(),),
                env=web_driver_environment(),
            )
        finally:
            theirs.close()
        self._control = ours
        try:
            answer = await asyncio.wait_for(
                asyncio.to_thread(ours.recv, MAX_MESSAGE), FORKER_READY_S
            )
        except TimeoutError:
            answer = b""
        if not answer or json.loads(answer) != READY:
            await self._end()
            raise SessionNotStarted(
                f"the session forker could not load {self.program.module} (see the log above)"
            )

    async def fork(self, columns: int, rows: int) -> SessionProcess:
        """A new session of `columns` x `rows`, its pipes connected to us."""
        async with self._one_at_a_time:
            if not self._serving:
                raise SessionNotStarted("the kiosk is not serving")
            if self._process is None:
                await self._start_again("it could not load before")
            elif self._process.returncode is not None:
                await self._start_again(f"it had ended with code {self._process.returncode}")
            try:
                return await self._fork_once(columns, rows)
            except _ForkerGone as gone:
                await self._start_again(str(gone))
                return await self._fork_once(columns, rows)

    async def _start_again(self, why: str) -> None:
        print(f"kiosk serve: starting the session forker again: {why}", file=sys.stderr, flush=True)
        await self._end()
        await self.start()

    async def _fork_once(self, columns: int, rows: int) -> SessionProcess:
        assert self._control is not None
        stdin_read, stdin_write = os.pipe()
        stdout_read, stdout_write = os.pipe()
        stderr_read, stderr_write = os.pipe()
        request = json.dumps({"columns": columns, "rows": rows}).encode()
        ours = (stdin_write, stdout_read, stderr_read)
        asking = asyncio.ensure_future(
            asyncio.to_thread(
                _ask, self._control, request, [stdin_read, stdout_write, stderr_write]
            )
        )
        try:
            answer, fds = await self._answer_to(asking)
        except BaseException:
            for fd in ours:
                os.close(fd)
            raise
        finally:
            for fd in (stdin_read, stdout_write, stderr_write):
                os.close(fd)
        if "pid" not in answer or len(fds) != 1:
            for fd in (*ours, *fds):
                os.close(fd)
            raise SessionNotStarted(f"no session: {answer.get('error', 'no answer')}")
        return SessionProcess(
            answer["pid"],
            fds[0],
            await _writer(stdin_write),
            await _reader(stdout_read),
            await _reader(stderr_read),
        )

    async def _answer_to(
        self, asking: asyncio.Future[tuple[dict[str, Any], list[int]]]
    ) -> tuple[dict[str, Any], list[int]]:
        """The forker's answer to one request, never abandoned half-way: an answer left unread
        would be taken for the next request's."""
        try:
            await asyncio.wait({asking}, timeout=FORK_ANSWER_S)
        except asyncio.CancelledError:
            # The tab went away while its session was being forked: take the answer anyway
            # and end that session, which nobody will show.
            await self._finish(asking)
            if asking.done() and asking.exception() is None:
                for pidfd in asking.result()[1]:
                    with suppress(ProcessLookupError):
                        signal.pidfd_send_signal(pidfd, signal.SIGKILL)
                    os.close(pidfd)
            raise
        if not asking.done():
            await self._finish(asking)
            raise _ForkerGone("it did not answer in time")
        return asking.result()

    async def _finish(self, asking: asyncio.Future[tuple[dict[str, Any], list[int]]]) -> None:
        """Let a request in flight end: wait for its answer, or kill a forker that gives none
        (its socket then closes, which ends the wait)."""
        await asyncio.wait({asking}, timeout=FORK_ANSWER_S)
        if not asking.done() and self._process is not None:
            self._process.kill()
            await asyncio.wait({asking})
        asking.exception()  # seen here: the caller raises its own reason

    async def stop(self) -> None:
        """Close the forker's socket (which ends it) and wait for it; sessions are left alone."""
        self._serving = False
        await self._end()

    async def _end(self) -> None:
        if self._control is not None:
            self._control.close()
            self._control = None
        if self._process is not None:
            try:
                await asyncio.wait_for(self._process.wait(), FORK_ANSWER_S)
            except TimeoutError:
                self._process.kill()
                await self._process.wait()
            self._process = None


def _ask(
    control: socket.socket, request: bytes, fds: list[int]
) -> tuple[dict[str, Any], list[int]]:
    """Send one request with the session's pipe ends; its answer and the session's pidfd."""
    try:
        socket.send_fds(control, [request], fds)
        message, answer_fds, _, _ = socket.recv_fds(control, MAX_MESSAGE, 1)
    except OSError as error:
        raise _ForkerGone(f"its socket failed: {error.strerror}") from None
    if not message:
        raise _ForkerGone("it has ended")
    answer: dict[str, Any] = json.loads(message)
    return answer, answer_fds


async def _reader(fd: int) -> asyncio.StreamReader:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(fd, "rb", buffering=0)
    )
    return reader


async def _writer(fd: int) -> asyncio.StreamWriter:
    loop = asyncio.get_running_loop()
    transport, protocol = await loop.connect_write_pipe(
        lambda: asyncio.StreamReaderProtocol(asyncio.StreamReader()),
        os.fdopen(fd, "wb", buffering=0),
    )
    return asyncio.StreamWriter(transport, protocol, None, loop)


class ForkedSession(AppService):
    """textual-serve's AppService whose kiosk process comes from the session forker."""

    def __init__(self, forker: SessionForker, **relay: Any) -> None:
        super().__init__("", **relay)
        self.forker = forker
        self.kiosk_process: SessionProcess | None = None

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        self.kiosk_process = process = await self.forker.fork(width, height)
        self._stdin = process.stdin
        # Why the cast: AppService.run reads only the process's stdout and stderr streams,
        # which a SessionProcess has; ending and killing it are ours (see serve.py).
        self._process = cast(Process, process)
        return self._process
