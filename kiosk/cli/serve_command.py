"""`kiosk serve` on the kiosk command line: its arguments and its one-line refusals.

The browser kiosk (kiosk/browser/) is imported only when `serve` runs, so the `kiosk` command
never loads the web server (aiohttp, textual-serve, rich) for `kiosk staff list` and friends.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk.browser.tab_limit import DEFAULT_MAX_SESSIONS


def _run_serve_command(arguments: argparse.Namespace) -> int:
    """`kiosk serve`: every refusal becomes one clear line on stderr and exit code 1."""
    from kiosk.browser.forked_sessions import SessionNotStarted
    from kiosk.browser.web_server import PublicBindRefused, serve
    from kiosk.desk.errors import KioskError

    data_dir = getattr(arguments, "data", None)
    if data_dir is None:
        return _refuse("say which data directory with --data")
    try:
        serve(
            Path(data_dir),
            host=arguments.host,
            port=arguments.port,
            public=arguments.public,
            max_sessions=arguments.max_sessions,
        )
    except (PublicBindRefused, KioskError, SessionNotStarted) as refusal:
        return _refuse(str(refusal))
    except OSError as error:
        # Typically the port is taken by another program or needs privileges.
        return _refuse(f"cannot listen on {arguments.host}:{arguments.port}: {error.strerror}")
    return 0


def _refuse(reason: str) -> int:
    print(f"kiosk serve: {reason}", file=sys.stderr)
    return 1


def add_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `kiosk serve` to the kiosk command line (kiosk/cli/main.py); the handler is in `run`."""
    parser = subparsers.add_parser(
        "serve",
        help="serve the check-in to tablet browsers",
        description="Serve the kiosk to browsers: each tab is its own check-in session.",
    )
    # SUPPRESS: given after `serve` it wins, otherwise the kiosk command's global --data stands.
    parser.add_argument(
        "--data", type=Path, default=argparse.SUPPRESS, help="the kiosk's data directory"
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (0: any free)")
    parser.add_argument(
        "--public",
        action="store_true",
        help="allow a non-loopback --host (use only on a trusted LAN or behind TLS)",
    )
    parser.add_argument(
        "--max-sessions",
        type=_positive_whole_number,
        default=DEFAULT_MAX_SESSIONS,
        help=f"tablets served at once, ~40 MB each (default {DEFAULT_MAX_SESSIONS}); "
        "more wait until one closes",
    )
    parser.set_defaults(run=_run_serve_command)


def _positive_whole_number(text: str) -> int:
    if not text.isdecimal() or not 0 < int(text) <= 10_000:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number from 1 to 10000")
    return int(text)
