"""The clinic configuration pulled from the server: kept exactly as signed, and verified against
the pinned configuration key again every time it is read, so nothing unsigned is ever used."""

from __future__ import annotations

import json

from kiosk.intake.config import ClinicConfig, ConfigError, load_config_text
from sync.client.errors import SyncError
from sync.client.pins import ServerPins, SettingsStore
from sync.wire import ClinicConfigDocument, SignedConfig, WireError

CONFIG_SETTING = "sync.clinic_config"


def accept_config(store: SettingsStore, signed: SignedConfig, pins: ServerPins) -> int | None:
    """Verify a pulled configuration and keep it if it is newer than the one held.

    Returns the version now held (None if none); raises SyncError, keeping the old one, when the
    signature or the TOML is bad.
    """
    document = _checked(signed, pins)
    held = _held_document(store, pins)
    if held is not None and held.version >= document.version:
        return held.version
    store.set_setting(CONFIG_SETTING, json.dumps(signed.to_json(), sort_keys=True))
    return document.version


def verified_clinic_config(store: SettingsStore) -> ClinicConfig | None:
    """The clinic's published configuration, verified now; None if none was pulled yet."""
    pins = ServerPins.load(store)
    if pins is None:
        return None
    document = _held_document(store, pins)
    return None if document is None else _parsed(document)


def _held_document(store: SettingsStore, pins: ServerPins) -> ClinicConfigDocument | None:
    text = store.get_setting(CONFIG_SETTING)
    if text is None:
        return None
    try:
        signed = SignedConfig.from_json(text.encode("utf-8"))
    except WireError as error:
        raise SyncError(f"the stored clinic configuration is damaged: {error.reason}") from None
    return _checked(signed, pins)


def _checked(signed: SignedConfig, pins: ServerPins) -> ClinicConfigDocument:
    try:
        document = signed.verify(pins.config_key)
    except WireError as error:
        raise SyncError(f"clinic configuration refused: {error.reason}") from None
    _parsed(document)
    return document


def _parsed(document: ClinicConfigDocument) -> ClinicConfig:
    try:
        return load_config_text(document.toml, f"clinic configuration version {document.version}")
    except ConfigError as error:
        raise SyncError(f"clinic configuration refused: {error}") from None
