"""Publishing the clinic configuration: checked as a kiosk would read it, versioned, signed."""

from __future__ import annotations

from datetime import UTC, datetime

from kiosk.intake.config import load_config_text
from sync.server.clinic_keys import ServerKeys
from sync.server.config_versions import ConfigVersion
from sync.server.storage import ClinicStore
from sync.wire import ClinicConfigDocument, SignedConfig

INITIAL_CONFIG = (
    "# This clinic's overrides of the kiosk defaults (kiosk/intake/clinic_defaults.toml).\n"
    "# Publish a new version with: clinic-server publish-config FILE.toml\n"
)


def publish_config(
    store: ClinicStore, keys: ServerKeys, toml_text: str, now: datetime | None = None
) -> ConfigVersion:
    """Check `toml_text` with the kiosk's own loader (ConfigError if bad), sign and store it."""
    load_config_text(toml_text, "the published configuration")
    latest = store.latest_config()
    issued = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    document = ClinicConfigDocument(
        version=1 if latest is None else latest.version + 1, issued_at=issued, toml=toml_text
    )
    signed = SignedConfig.sign(document, keys.config_key)
    version = ConfigVersion(
        document.version, document.issued_at, toml_text, signed.payload, signed.signature
    )
    store.publish_config(version)
    return version
