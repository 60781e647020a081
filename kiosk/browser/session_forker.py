"""The session forker: one process that loads the kiosk once and forks a session per browser tab.

`kiosk serve` starts it (`python -m kiosk.browser.session_forker FD PROGRAM [ARGS...]`) with
Textual's web driver settings in its environment and one end of a socket pair on file descriptor FD.
It imports the program's module (for the kiosk: `kiosk.browser.tab_session`, which loads Textual,
cryptography, the store, the screens), calls the module's `preload()` if it has one, freezes what it
has built out of the garbage collector's reach, and says it is ready. Then, for each request (a
tab's terminal size and its three pipe ends), it forks; the child puts the pipes on its standard
input, output and error and runs the module's `main(ARGS)`; the forker answers with the child's pid
and a pidfd (so the server can see it end and stop it with no pid-reuse race), and reaps it when it
exits.

Why: a fresh Python process per tab imports ~55 MB of code and data again; forked sessions share
those pages (copy-on-write) and start without importing anything. The forker never sees a
patient's keystroke (the pipes go straight to the child) and holds no open database or key.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable, Sequence
from contextlib import suppress
from types import FrameType, ModuleType
from typing import NoReturn

#: A request or answer is a small JSON object; larger datagrams are refused.
MAX_MESSAGE = 4096
READY = {"ready": True}
#: The sessions forked and not yet reaped (this process's children).
_sessions: set[int] = set()


def main(argv: Sequence[str] | None = None) -> int:
    """Load PROGRAM, say ready, fork a session per request until the server goes away."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if len(arguments) < 2 or not arguments[0].isdecimal():
        print("usage: python -m kiosk.browser.session_forker FD PROGRAM [ARGS...]", file=sys.stderr)
        return 2
    control = socket.socket(fileno=int(arguments[0]))
    module_name, program_arguments = arguments[1], arguments[2:]
    # Ctrl-C in the terminal running `kiosk serve` reaches the whole process group: the server
    # stops the sessions and then closes this socket, which is what ends the forker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGCHLD, _reap_children)
    program = _loaded(module_name)
    run_session: Callable[[Sequence[str]], int] = program.main
    control.send(json.dumps(READY).encode())
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, MAX_MESSAGE, 3)
            if not message:
                for fd in fds:
                    os.close(fd)
                break
            _answer(control, message, fds, lambda: run_session(program_arguments))
        except (ConnectionResetError, BrokenPipeError):
            break
    _end_sessions()
    return 0


def _end_sessions() -> None:
    """The server has gone, and with it every tab: ask the sessions still running to quit.

    Why: a session whose server was killed (rather than stopped, which ends each one) would
    otherwise run on with nobody to show it to (Textual's web driver does not end at the end
    of its input). Each has sealed its draft as it went.
    """
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
    for pid in _sessions:  # not yet reaped, so none of these pids is another process's
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)


def _loaded(module_name: str) -> ModuleType:
    """Import the session program and what it will need, then keep the collector off it."""
    program = importlib.import_module(module_name)
    preload = getattr(program, "preload", None)
    if preload is not None:
        preload()
    if threading.active_count() != 1:
        # A fork copies only the forking thread: a lock held by another would stay held.
        raise RuntimeError(f"{module_name} started a thread while loading; it cannot be forked")
    gc.collect()
    # Why: the collector writes to every object it visits; frozen, the loaded code stays in
    # pages the sessions share instead of being copied into each of them.
    gc.freeze()
    return program


def _answer(
    control: socket.socket, message: bytes, fds: list[int], session: Callable[[], int]
) -> None:
    """Fork one session for a request and answer with its pid and pidfd (or the reason not)."""
    try:
        size = _terminal_size(message, fds)
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
        try:
            pid = os.fork()
            if pid == 0:
                _become_session(control, fds, size, session)
            pidfd = os.pidfd_open(pid)  # before the child can be reaped: SIGCHLD is blocked
            _sessions.add(pid)
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})
    except (ValueError, RecursionError, OSError) as refused:
        control.send(json.dumps({"error": str(refused)}).encode())
        return
    finally:
        for fd in fds:
            os.close(fd)
    try:
        socket.send_fds(control, [json.dumps({"pid": pid}).encode()], [pidfd])
    finally:
        os.close(pidfd)


def _terminal_size(message: bytes, fds: list[int]) -> tuple[int, int]:
    """The (columns, rows) a request asks for; ValueError for anything but a well-formed one."""
    if len(fds) != 3:
        raise ValueError(f"a session needs 3 pipe ends, got {len(fds)}")
    request = json.loads(message)
    if not isinstance(request, dict):
        raise ValueError("a session request is a JSON object")
    columns, rows = request.get("columns"), request.get("rows")
    if not (isinstance(columns, int) and isinstance(rows, int) and 0 < columns and 0 < rows):
        raise ValueError("a session request needs positive whole columns and rows")
    return columns, rows


def _become_session(
    control: socket.socket, fds: list[int], size: tuple[int, int], session: Callable[[], int]
) -> NoReturn:
    """In the child: take the tab's pipes as stdin, stdout and stderr and run the session."""
    code = 1
    try:
        control.close()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.environ["COLUMNS"], os.environ["ROWS"] = str(size[0]), str(size[1])
        code = session()
    except BaseException:  # noqa: BLE001 - no traceback: it may name what a patient typed
        code = 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)


def _reap_children(_signal: int, _frame: FrameType | None) -> None:
    """Collect every session that has ended, so none is left a zombie."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        _sessions.discard(pid)


if __name__ == "__main__":
    sys.exit(main())
