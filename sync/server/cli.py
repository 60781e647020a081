# Over 400 lines: one short subcommand after another, each with its argument checks.
"""`clinic-server`: the IT administrator's command for the clinic server.

init, run, enroll-token, devices, refusals, revoke, publish-config, export (FHIR R4), import (a
kiosk's sealed-queue file). Every user-caused error is one clear line on stderr and a non-zero exit;
passphrases come from a file or a prompt, never from the command line.
"""

from __future__ import annotations

import argparse
import getpass
import ipaddress
import json
import os
import secrets
import socket
import ssl
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.exc import SQLAlchemyError

from kiosk.intake.config import ConfigError, load_config_text
from kiosk.vault import EnvelopeSuite
from sync.server.backup import BackupError
from sync.server.clinic_keys import (
    ClinicKeyError,
    create_clinic_keys,
    load_server_keys,
    unlock_clinic_key,
)
from sync.server.config_publishing import INITIAL_CONFIG, publish_config
from sync.server.connection_guard import (
    DEFAULT_BODY_TIMEOUT_S,
    DEFAULT_HEADER_TIMEOUT_S,
    DEFAULT_MAX_CONNECTIONS,
)
from sync.server.database_engine import StorageError
from sync.server.database_file import damage_reason, sqlite_path
from sync.server.refusal_log import (
    KEEP_PER_SENDER,
    UNKNOWN_SENDER,
    RefusalTally,
    RefusedAttempt,
    inert_text,
)
from sync.server.schema import SCHEMA_VERSION
from sync.server.storage import ClinicStore
from sync.wire import DEFAULT_MAX_BODY_BYTES, WireError, decode_queue_file

MIN_PASSPHRASE = 10
MAX_CODE_HOURS = 24 * 30
# A batch must hold at least one envelope; over 1 GiB a body is no kiosk's.
MIN_BODY_BYTES = 1024
MAX_BODY_BYTES = 1 << 30
# Enrolment codes: 20 characters from an alphabet without look-alikes (0/O, 1/I/L), about 99 bits.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class UserError(Exception):
    """A mistake the operator can fix; printed as one line."""


def _home(args: argparse.Namespace) -> Path:
    return Path(args.home).expanduser()


def _db_url(args: argparse.Namespace) -> str:
    if args.db:
        return str(args.db)
    return f"sqlite:///{_home(args).resolve() / 'clinic.db'}"


def _open_store(args: argparse.Namespace, *, create: bool = False) -> ClinicStore:
    return ClinicStore.open(_db_url(args), time.time(), create=create)


def _read_passphrase(args: argparse.Namespace, *, confirm: bool) -> str:
    if args.passphrase_file:
        try:
            text = Path(args.passphrase_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(f"cannot read the passphrase file {args.passphrase_file}") from exc
        passphrase = text.rstrip("\r\n")
    else:
        passphrase = getpass.getpass("Clinic key passphrase: ")
        if confirm and getpass.getpass("Again: ") != passphrase:
            raise UserError("the two passphrases differ; nothing was created")
    if confirm and len(passphrase) < MIN_PASSPHRASE:
        raise UserError(f"the passphrase must be at least {MIN_PASSPHRASE} characters")
    return passphrase


def cmd_init(args: argparse.Namespace) -> int:
    suite = EnvelopeSuite.X25519 if args.suite == "x25519" else EnvelopeSuite.MLKEM768_X25519
    passphrase = _read_passphrase(args, confirm=True)
    public = create_clinic_keys(_home(args), passphrase, suite)
    store = _open_store(args, create=True)
    try:
        if store.latest_config() is None:
            publish_config(store, load_server_keys(_home(args)), INITIAL_CONFIG)
    finally:
        store.close()
    print(f"clinic key created in {_home(args)} ({suite.value})")
    print(f"clinic key fingerprint: {public.fingerprint}")
    print("Keep the passphrase safe: without it no record can be exported.")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    import uvicorn  # Why: only `run` needs the web server.
    from uvicorn.supervisors import Multiprocess

    from sync.server.app import ConnectionLimits, ServerSettings, WorkerLaunch, create_app
    from sync.server.connection_guard import GuardedH11Protocol

    if args.workers < 1:
        raise UserError("--workers must be at least 1")
    if not 0 <= args.port <= 65535:
        raise UserError(f"--port {args.port} is not a TCP port (0 to 65535; 0 picks a free one)")
    if not MIN_BODY_BYTES <= args.max_body_bytes <= MAX_BODY_BYTES:
        raise UserError(
            f"--max-body-bytes {args.max_body_bytes} is out of range "
            f"({MIN_BODY_BYTES} to {MAX_BODY_BYTES})"
        )
    for name, value in (
        ("--header-timeout", args.header_timeout),
        ("--body-timeout", args.body_timeout),
    ):
        if not 0.5 <= value <= 3600:  # also refuses nan
            raise UserError(f"{name} {value} is out of range (0.5 to 3600 seconds)")
    if not 1 <= args.max_connections <= 1_000_000:
        raise UserError(f"--max-connections {args.max_connections} is out of range (1 to 1000000)")
    if bool(args.tls_cert) != bool(args.tls_key):
        raise UserError("give both --tls-cert and --tls-key, or neither")
    if args.tls_cert:
        check_tls_files(args.tls_cert, args.tls_key)
    if not args.tls_cert and not _is_loopback(args.host) and not args.allow_plain_http:
        raise UserError(
            f"refusing plain HTTP on {args.host}: give --tls-cert/--tls-key "
            "(or --allow-plain-http on a trusted network)"
        )
    keys = load_server_keys(_home(args))
    store = _open_store(args)
    settings = ServerSettings(store=store, keys=keys, max_body_bytes=args.max_body_bytes)
    limits = ConnectionLimits(args.header_timeout, args.body_timeout, args.max_connections)
    limits.apply()
    sock = listening_socket(args.host, args.port)
    port = sock.getsockname()[1]
    scheme = "https" if args.tls_cert else "http"
    if args.workers > 1:
        store.close()  # Why: here it only migrated; each worker process opens its own.
        app: Callable[..., object] = WorkerLaunch(
            str(_home(args)), _db_url(args), args.max_body_bytes, limits
        )
    else:
        app = create_app(settings)
    config = uvicorn.Config(
        app,
        factory=args.workers > 1,
        workers=args.workers,
        ssl_certfile=args.tls_cert,
        ssl_keyfile=args.tls_key,
        log_level="warning" if args.quiet else "info",
        access_log=not args.quiet,
        timeout_graceful_shutdown=5,
        http=GuardedH11Protocol,
    )
    # Why: tests and scripts start with --port 0 and read the real port from this line.
    print(f"clinic-server listening on {scheme}://{args.host}:{port}", flush=True)
    try:
        if args.workers > 1:
            Multiprocess(config, sockets=[sock]).run()
        else:
            uvicorn.Server(config).run(sockets=[sock])
    finally:
        store.close()
    return 0


def check_tls_files(cert: str, key: str) -> None:
    """Load the certificate and key as uvicorn will, before anything says "listening"."""
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(cert, key)
    except OSError as exc:  # ssl.SSLError is an OSError too
        detail = exc.strerror or getattr(exc, "reason", None) or type(exc).__name__
        raise UserError(
            f"cannot use the TLS certificate {cert} with the key {key} ({detail}): "
            "check both files are PEM and belong together"
        ) from None


def listening_socket(host: str, port: int) -> socket.socket:
    """The socket `run` serves on (port 0: a free one), made before uvicorn so workers share it."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # Why: asyncio sets TCP_NODELAY on an accepted socket only when its proto is IPPROTO_TCP
    # (accepted sockets copy the listener's); proto 0 left Nagle on: ~40 ms per kept-open request.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise UserError(f"cannot listen on {host}:{port} ({exc.strerror})") from exc
    sock.listen(1024)
    return sock


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def cmd_enroll_token(args: argparse.Namespace) -> int:
    if not 0 < args.valid_hours <= MAX_CODE_HOURS:  # also refuses nan
        raise UserError(
            f"--valid-hours {args.valid_hours} is out of range (more than 0, at most "
            f"{MAX_CODE_HOURS}); no code was made"
        )
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(20))
    code = "-".join(raw[i : i + 5] for i in range(0, 20, 5))
    now = time.time()
    store = _open_store(args)
    try:
        store.add_enrolment_token(code, now, now + args.valid_hours * 3600)
    finally:
        store.close()
    expires = datetime.fromtimestamp(now + args.valid_hours * 3600, UTC)
    print(code)
    print(f"one use only; valid until {expires:%Y-%m-%d %H:%M} UTC", file=sys.stderr)
    return 0


#: "2026-12-02 19:41:07 EST": a time column is at least this wide.
_TIME_WIDTH = 23


def _when(moment: float | None, zone: ZoneInfo) -> str:
    """A time as IT reads it everywhere: in the clinic's zone, abbreviated ("2026-12-02
    19:41:07 EST"; the column title names the zone in full)."""
    if moment is None:
        return "never"
    return datetime.fromtimestamp(moment, zone).strftime("%Y-%m-%d %H:%M:%S %Z")


def _time_column(title: str, zone: ZoneInfo) -> tuple[str, int]:
    """A time column's title naming the clinic's zone, and the column's width."""
    named = f"{title} ({zone.key})"
    return named, max(len(named), _TIME_WIDTH)


def _clinic_zone(store: ClinicStore) -> ZoneInfo:
    """The clinic's time zone, as its latest published configuration (or the default) names it:
    the zone the kiosks show their times in."""
    latest = store.latest_config()
    text = INITIAL_CONFIG if latest is None else latest.toml
    return ZoneInfo(load_config_text(text, "the published clinic configuration").time_zone)


def _refused(tally: RefusalTally | None, zone: ZoneInfo) -> tuple[str, str]:
    """The REFUSED and LAST REFUSAL columns of `devices`."""
    if tally is None:
        return "-", "-"
    count = f"{tally.count}+" if tally.count >= KEEP_PER_SENDER else str(tally.count)
    return count, f"{tally.last.summary} {_when(tally.last.at, zone)}"


def cmd_devices(args: argparse.Namespace) -> int:
    store = _open_store(args)
    try:
        summaries = store.device_summaries()
        strangers = store.unknown_sender_refusals()
        zone = _clinic_zone(store)
    finally:
        store.close()
    seen, width = _time_column("LAST SEEN", zone)
    if not summaries:
        print("no kiosks enrolled")
    else:
        print(
            f"{'DEVICE':<40} {'STATE':<8} {seen:<{width}} {'RECORDS':>7} {'AUDIT':>6} "
            f"{'REFUSED':>7}  {'LAST REFUSAL':<63}  NAME"
        )
    for s in summaries:
        state = "revoked" if s.device.revoked else "active"
        audit = "-" if s.audit_through is None else str(s.audit_through)
        count, last = _refused(s.refused, zone)
        print(
            f"{s.device.device_id:<40} {state:<8} {_when(s.device.last_seen, zone):<{width}} "
            f"{s.records:>7} {audit:>6} {count:>7}  {last:<63}  "
            f"{s.device.name.encode('ascii', 'replace').decode()}"
        )
    if strangers is not None:
        count, last = _refused(strangers, zone)
        print(
            f"senders that proved no identity: {count} refused, last {last} "
            "(clinic-server refusals --device unknown)"
        )
    return 0


def _refusal_line(refusal: RefusedAttempt, zone: ZoneInfo, width: int) -> str:
    record = refusal.record_id or "-"
    return (
        f"{_when(refusal.at, zone):<{width}} {refusal.sender:<40} {refusal.code:<24} {record:<40} "
        f"{inert_text(refusal.reason)}"
    )


def cmd_refusals(args: argparse.Namespace) -> int:
    if not 1 <= args.limit <= KEEP_PER_SENDER * 10:
        raise UserError(f"--limit must be between 1 and {KEEP_PER_SENDER * 10}")
    store = _open_store(args)
    try:
        found = store.refusals(args.limit, args.device)
        zone = _clinic_zone(store)
    finally:
        store.close()
    if not found:
        whose = f" for {inert_text(args.device, 64)}" if args.device else ""
        print(f"no refusals recorded{whose}")
        return 0
    title, width = _time_column("TIME", zone)
    print(f"{title:<{width}} {'DEVICE':<40} {'CODE':<24} {'RECORD':<40} REASON")
    for refusal in found:
        print(_refusal_line(refusal, zone, width))
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    store = _open_store(args)
    try:
        found = store.revoke(args.device_id, time.time())
    finally:
        store.close()
    if not found:
        raise UserError(f"no enrolled device has the id {args.device_id!r}")
    print(f"device {args.device_id} revoked: its requests are refused from now on")
    return 0


def cmd_publish_config(args: argparse.Namespace) -> int:
    try:
        text = Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read {args.file} as UTF-8 text") from exc
    store = _open_store(args)
    try:
        version = publish_config(store, load_server_keys(_home(args)), text)
    finally:
        store.close()
    print(f"clinic configuration version {version.version} published")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from sync.server.ingest import receive_envelopes

    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read {args.file} ({exc.strerror})") from exc
    envelopes = decode_queue_file(data)
    keys = load_server_keys(_home(args))
    store = _open_store(args)
    try:
        results = receive_envelopes(
            store,
            keys.clinic_public,
            envelopes,
            time.time(),
            requesting_device=None,
            source="import",
        )
    finally:
        store.close()
    counts: dict[str, int] = {}
    for result in results:
        counts[result.status.value] = counts.get(result.status.value, 0) + 1
        if not result.status.delivered:
            print(f"record {result.index} ({result.record_id}): {result.status}: {result.reason}")
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "no records"
    print(f"imported {len(results)} records: {summary}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from sync.server.fhir import export_bundles

    passphrase = _read_passphrase(args, confirm=False)
    private = unlock_clinic_key(_home(args), passphrase)
    out = Path(args.out)
    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    store = _open_store(args)
    try:
        report = export_bundles(store, private)
    finally:
        store.close()
    for name, bundle in report.bundles:
        target = out / f"{name}.json"
        # Why: the export is PHI: owner-readable only, written whole or not at all.
        temporary = out / f".{name}.json.partial"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(bundle, handle, ensure_ascii=False, indent=1)
        os.replace(temporary, target)
    count = len(report.bundles)
    print(f"exported {count} FHIR transaction bundle{'' if count == 1 else 's'} to {out}")
    for problem in report.problems:
        print(f"not exported: {problem}")
    for notice in report.notices:
        print(f"check: {notice}")
    # Why: "record ID: ..." is a stored envelope that would not open (damage, not waiting).
    damaged = [problem for problem in report.problems if problem.startswith("record ")]
    if damaged:
        print(
            f"clinic-server: {len(damaged)} stored record{'' if len(damaged) == 1 else 's'} "
            f"could not be opened, the first {damaged[0]}; the export is incomplete",
            file=sys.stderr,
        )
        return 1
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from sync.server.backup import make_backup

    _open_store(args).close()  # Why: refuse a missing or damaged database before copying it.
    made = make_backup(_home(args), _db_url(args), Path(args.out))
    print(f"backup written to {made.path} ({made.engine}, {made.size} bytes, 0600)")
    print("It holds the clinic keys (the private key still sealed under the passphrase).")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from sqlalchemy import inspect

    from sync.server import backup
    from sync.server.database_engine import engine_for
    from sync.server.restore_check import recheck

    home, url = _home(args), _db_url(args)
    if any((home / name).exists() for name in backup.KEY_FILES):
        raise UserError(f"{home} already holds a clinic server: restore into a fresh --home")
    database = sqlite_path(url)
    if database is not None and database.exists():
        raise UserError(f"{database} already exists: restore into a fresh --home or --db")
    if database is None:
        engine = engine_for(url)
        try:
            if inspect(engine).has_table("schema_version"):
                raise UserError(f"{url} already holds a clinic server: restore into an empty one")
        finally:
            engine.dispose()
    source = Path(args.file)
    if not source.is_file():
        raise UserError(f"there is no backup file {source}")
    near = (database or home).parent
    with backup.unpacked(source, near) as found:
        if found.schema_version > SCHEMA_VERSION:
            raise UserError(f"{source} was made by a newer clinic server: upgrade this one first")
        if (found.engine == "sqlite") != (database is not None):
            raise UserError(f"{source} is a {found.engine} backup: give a matching --db")
        backup.install_keys(found, home)
        if database is not None:
            backup.install_sqlite(found, database)
        else:
            backup.install_postgresql(found, url)
    store = _open_store(args)
    try:
        check = recheck(store)
    finally:
        store.close()
    print(f"restored {source} into {home}")
    print(
        f"re-checked: {check.devices} kiosks, {check.records} records (hash and device "
        f"signature), {check.audit_links} audit links"
    )
    for problem in check.problems[:20]:
        print(f"PROBLEM: {problem}")
    if check.problems:
        print(
            f"clinic-server: {len(check.problems)} problems in the restored data", file=sys.stderr
        )
        return 1
    print("every record's signature and every kiosk's audit chain hold")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clinic-server", description=__doc__)
    parser.add_argument(
        "--home",
        default=os.environ.get("CLINIC_SERVER_HOME", "clinic-server-data"),
        help="folder of the clinic keys (default $CLINIC_SERVER_HOME or ./clinic-server-data)",
    )
    parser.add_argument(
        "--db",
        default=os.environ.get("CLINIC_SERVER_DB"),
        help="database URL: sqlite:///path or postgresql://... (default HOME/clinic.db)",
    )
    # Why: `--db` is also accepted after the command (`run --db URL`), as the service file uses.
    database = argparse.ArgumentParser(add_help=False)
    database.add_argument("--db", default=argparse.SUPPRESS, help="database URL")
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, summary: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, parents=[database], help=summary)

    init = commands.add_parser(
        "init", parents=[database], help="create the clinic key pair and the database"
    )
    init.add_argument("--suite", choices=["mlkem768-x25519", "x25519"], default="mlkem768-x25519")
    init.add_argument("--passphrase-file", help="read the passphrase from this file")
    init.set_defaults(handler=cmd_init)

    run = command("run", "serve kiosks")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8443)
    run.add_argument("--tls-cert")
    run.add_argument("--tls-key")
    run.add_argument("--max-body-bytes", type=int, default=DEFAULT_MAX_BODY_BYTES)
    run.add_argument("--allow-plain-http", action="store_true")
    run.add_argument(
        "--header-timeout",
        type=float,
        default=DEFAULT_HEADER_TIMEOUT_S,
        help="close a connection whose request headers take longer (seconds; default 10)",
    )
    run.add_argument(
        "--body-timeout",
        type=float,
        default=DEFAULT_BODY_TIMEOUT_S,
        help="close a connection whose request body takes longer (seconds; default 60)",
    )
    run.add_argument(
        "--max-connections",
        type=int,
        default=DEFAULT_MAX_CONNECTIONS,
        help="close at once connections beyond this many per process (default 1000)",
    )
    run.add_argument("--quiet", action="store_true", help="no access log")
    run.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes sharing the port (verification uses one core each); default 1",
    )
    run.set_defaults(handler=cmd_run)

    token = commands.add_parser(
        "enroll-token", parents=[database], help="make a one-time enrolment code"
    )
    token.add_argument("--valid-hours", type=float, default=24.0)
    token.set_defaults(handler=cmd_enroll_token)

    command("devices", "list kiosks, with what the server refused of each").set_defaults(
        handler=cmd_devices
    )

    refused = command("refusals", "list what the server refused, newest first")
    refused.add_argument(
        "--device", help=f"only this device's (or {UNKNOWN_SENDER!r}: senders that proved none)"
    )
    refused.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    refused.set_defaults(handler=cmd_refusals)

    revoke = command("revoke", "stop a kiosk at once")
    revoke.add_argument("device_id")
    revoke.set_defaults(handler=cmd_revoke)

    publish = commands.add_parser(
        "publish-config", parents=[database], help="sign and publish a clinic TOML"
    )
    publish.add_argument("file")
    publish.set_defaults(handler=cmd_publish_config)

    export = commands.add_parser(
        "export", parents=[database], help="decrypt and write FHIR R4 bundles"
    )
    export.add_argument("--passphrase-file")
    export.add_argument("--out", required=True, help="folder for the bundles")
    export.set_defaults(handler=cmd_export)

    backup = commands.add_parser(
        "backup", parents=[database], help="write keys and database to one file, while running"
    )
    backup.add_argument("--out", required=True, help="the backup file to write (must be new)")
    backup.set_defaults(handler=cmd_backup)

    restore = commands.add_parser(
        "restore", parents=[database], help="restore a backup into a fresh home and re-check it"
    )
    restore.add_argument("file")
    restore.set_defaults(handler=cmd_restore)

    imp = commands.add_parser(
        "import", parents=[database], help="take a kiosk's sealed-queue export file"
    )
    imp.add_argument("file")
    imp.set_defaults(handler=cmd_import)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except (UserError, ClinicKeyError, StorageError, ConfigError, BackupError) as exc:
        print(f"clinic-server: {exc}", file=sys.stderr)
        return 2
    except WireError as exc:
        print(f"clinic-server: {exc.reason}", file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:
        reason = damage_reason(_db_url(args), exc) or f"the database failed ({type(exc).__name__})"
        print(f"clinic-server: {reason}", file=sys.stderr)
        return 2
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        print(f"clinic-server: cannot use{where} ({exc.strerror or exc})", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
