"""What enrolment pins on the kiosk: the server's address, the key that signs the clinic
configuration and the server's TLS certificate. Kept in the kiosk settings (public material
only) and read by every sync run. The clinic key records are sealed to is pinned beside them,
once, by the kiosk facade (`Kiosk.set_clinic_key`): a demo kiosk has one before any enrolment."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Protocol

from sync.client.errors import SyncError

ENROLMENT_SETTING = "sync.enrolment"
#: Fields kiosks enrolled before the clinic key was pinned in one place still hold: not read.
_NO_LONGER_KEPT = ("clinic_key", "clinic_key_fingerprint")
_KEYS = ("config_key", "tls_certificate")


class SettingsStore(Protocol):
    """The part of KioskStore that holds settings."""

    def get_setting(self, key: str) -> str | None: ...

    def set_setting(self, key: str, value: str) -> None: ...


@dataclass(frozen=True)
class ServerPins:
    """The clinic server this kiosk is enrolled with, and everything it trusts about it."""

    server_url: str
    device_id: str
    config_key: bytes  # raw Ed25519: only configurations it signed are used
    config_key_fingerprint: str
    tls_certificate: bytes | None  # DER; None only for plain http on loopback
    tls_fingerprint: str | None
    max_body_bytes: int
    max_records_per_batch: int
    enrolled_at: str

    def save(self, store: SettingsStore) -> None:
        fields = asdict(self)
        for name in _KEYS:
            value = fields[name]
            fields[name] = None if value is None else value.hex()
        store.set_setting(ENROLMENT_SETTING, json.dumps(fields, sort_keys=True))

    @classmethod
    def load(cls, store: SettingsStore) -> ServerPins | None:
        """The pins, or None when the kiosk was never enrolled."""
        text = store.get_setting(ENROLMENT_SETTING)
        if text is None:
            return None
        try:
            fields = json.loads(text)
            for name in _NO_LONGER_KEPT:
                fields.pop(name, None)
            for name in _KEYS:
                value = fields[name]
                fields[name] = None if value is None else bytes.fromhex(value)
            return cls(**fields)
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            # Settings are written only by save(): a broken value means the DB was edited.
            raise SyncError(
                f"the enrolment settings ({ENROLMENT_SETTING}) are damaged; enrol the kiosk again"
            ) from error
