"""Enrolling a kiosk with its clinic server: register the device key with a one-time code, then
pin what the server answered (the clinic key new records are sealed to, the configuration key,
the TLS certificate) and pull the clinic configuration. IT compares the fingerprints shown with
the ones `clinic-server init` and `clinic-server run` printed."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import httpx

from kiosk.desk.errors import KioskError
from kiosk.desk.facade import Kiosk
from kiosk.store.timestamps import utc_now, utc_text
from kiosk.vault import KeyFormatError, RecipientPublicKey
from kiosk.vault.keys import raw_key_fingerprint
from sync.client.clinic_config import accept_config
from sync.client.errors import SyncError
from sync.client.pins import ServerPins
from sync.client.server_connection import ExchangeFailed, ServerConnection
from sync.client.status import SyncStatus
from sync.client.tls_pin import certificate_fingerprint, fetch_server_certificate
from sync.wire import EnrolmentRequest

_MAX_CODE = 100


@dataclass(frozen=True)
class EnrolmentResult:
    """What IT reads off the kiosk after enrolling, to compare with the server's own print-out."""

    server_url: str
    device_id: str
    device_fingerprint: str
    clinic_key_fingerprint: str
    config_key_fingerprint: str
    tls_fingerprint: str | None  # None for plain http on loopback
    config_version: int | None  # the clinic configuration pulled, if one was published
    config_problem: str | None  # why the configuration could not be pulled (enrolment stands)


def check_server_url(url: str) -> str:
    """The URL without a trailing slash; https, or http only on this machine (tests, demo)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise SyncError("the server address must look like https://host:port")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise SyncError("the server address must be just https://host:port (no path or query)")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise SyncError("plain http is allowed only on this machine; use https for a server")
    return f"{parts.scheme}://{parts.netloc}"


def enroll(
    kiosk: Kiosk,
    url: str,
    code: str,
    *,
    name: str = "",
    expected_tls_fingerprint: str | None = None,
    timeout_s: float = 15.0,
    transport: httpx.BaseTransport | None = None,
    now: datetime | None = None,
) -> EnrolmentResult:
    """Register this kiosk with the server at `url` using IT's one-time `code` and pin its keys.

    Raises SyncError with the server's reason when the code, the address or the certificate is
    refused; nothing is pinned then.
    """
    server_url = check_server_url(url)
    code = code.strip()
    if not code or len(code) > _MAX_CODE or not code.isprintable() or not code.isascii():
        raise SyncError("the enrolment code is not one `clinic-server enroll-token` prints")
    now = now or utc_now()
    certificate = fetch_server_certificate(server_url, timeout_s)
    tls_fingerprint = None if certificate is None else certificate_fingerprint(certificate)
    if expected_tls_fingerprint is not None and not _same(
        expected_tls_fingerprint, tls_fingerprint
    ):
        raise SyncError(
            f"the server presented TLS certificate {tls_fingerprint}, not the expected "
            f"{expected_tls_fingerprint}; nothing was enrolled (check for interception)"
        )
    device_key = kiosk.device_key
    request = EnrolmentRequest(code, kiosk.kiosk_id, device_key.verify_key().raw, name)
    with ServerConnection(
        server_url,
        kiosk.kiosk_id,
        device_key,
        tls_certificate=certificate,
        timeout_s=timeout_s,
        transport=transport,
    ) as connection:
        try:
            answer = connection.enrol(request, now)
        except ExchangeFailed as failure:
            raise SyncError(f"enrolment failed: {failure.reason}") from None
        if answer.device_id != kiosk.kiosk_id:
            raise SyncError("the server enrolled another device id than this kiosk's; not pinned")
        try:
            clinic_key = RecipientPublicKey.from_bytes(answer.clinic_key)
            kiosk.set_clinic_key(clinic_key, actor="it")
        except (KeyFormatError, KioskError) as error:
            raise SyncError(f"the server's clinic key cannot be used: {error}") from None
        pins = ServerPins(
            server_url=server_url,
            device_id=kiosk.kiosk_id,
            config_key=answer.config_key,
            config_key_fingerprint=raw_key_fingerprint(answer.config_key),
            tls_certificate=certificate,
            tls_fingerprint=tls_fingerprint,
            max_body_bytes=answer.max_body_bytes,
            max_records_per_batch=answer.max_records_per_batch,
            enrolled_at=utc_text(now),
        )
        pins.save(kiosk.store)
        # A new server holds none of this kiosk's audit chain: start its status afresh.
        status = SyncStatus(clock_offset_s=connection.clock_offset_s)
        config_version, config_problem = None, None
        try:
            signed = connection.fetch_config(now)
            if signed is not None:
                config_version = accept_config(kiosk.store, signed, pins)
        except (ExchangeFailed, SyncError) as failure:
            config_problem = str(failure)
        status.with_changes(config_version=config_version).save(kiosk.store)
    kiosk.store.append_audit(
        "it", "kiosk.enrolled", None, f"server={server_url} clinic_key={clinic_key.fingerprint}"
    )
    return EnrolmentResult(
        server_url=server_url,
        device_id=kiosk.kiosk_id,
        device_fingerprint=kiosk.device_fingerprint(),
        clinic_key_fingerprint=clinic_key.fingerprint,
        config_key_fingerprint=pins.config_key_fingerprint,
        tls_fingerprint=tls_fingerprint,
        config_version=config_version,
        config_problem=config_problem,
    )


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _same(expected: str, actual: str | None) -> bool:
    def canonical(text: str) -> str:
        return text.replace(":", "").replace(" ", "").lower()

    return actual is not None and canonical(expected) == canonical(actual)
