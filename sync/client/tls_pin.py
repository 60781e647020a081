"""Pinning the clinic server's TLS certificate: fetched once at enrolment, shown to IT as a
SHA-256 fingerprint of its DER bytes, then the only certificate the kiosk will talk to."""

from __future__ import annotations

import hashlib
import ssl
from urllib.parse import urlsplit

from sync.client.errors import SyncError


def certificate_fingerprint(der: bytes) -> str:
    """SHA-256 over the DER certificate, as colon-separated upper-case hex (as openssl prints)."""
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def fetch_server_certificate(url: str, timeout: float = 10.0) -> bytes | None:
    """The DER certificate an https server presents, unverified (trust comes from IT comparing
    the fingerprint); None for plain http, which enrolment only allows on loopback."""
    parts = urlsplit(url)
    if parts.scheme != "https":
        return None
    host = parts.hostname or ""
    try:
        pem = ssl.get_server_certificate((host, parts.port or 443), timeout=timeout)
    except (OSError, ssl.SSLError) as error:
        raise SyncError(f"could not fetch the TLS certificate of {host}: {error}") from error
    return ssl.PEM_cert_to_DER_cert(pem)


def pinned_context(der: bytes) -> ssl.SSLContext:
    """A TLS context that trusts exactly this certificate and nothing else.

    The pinned certificate is the only trust anchor; partial-chain lets a CA-issued leaf anchor
    itself. The host name is not checked because the pin is stricter than any name match.
    """
    context = ssl.create_default_context(cadata=ssl.DER_cert_to_PEM_cert(der))
    context.check_hostname = False
    context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN
    return context
