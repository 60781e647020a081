"""Keys and envelopes: sealing, opening, staff keyslots, the device key and the device secret.

Never imports textual or rich. The patient side holds a `Sealer` (public keys only); opening
needs a `RecipientPrivateKey` from an unlocked staff keyslot or the clinic's own key.
"""

from kiosk.vault.device_secret import DeviceSecret, DeviceSecretError
from kiosk.vault.envelope import (
    Envelope,
    EnvelopeError,
    EnvelopeHeader,
    OpenedRecord,
    SealedRecord,
    Sealer,
    open_envelope,
    parse_envelope,
    verify_envelope,
)
from kiosk.vault.keys import (
    DeviceSigningKey,
    DeviceVerifyKey,
    EnvelopeSuite,
    KeyFormatError,
    RecipientPrivateKey,
    RecipientPublicKey,
)
from kiosk.vault.keyslots import (
    DEFAULT_COST,
    Argon2Cost,
    KeyslotError,
    PinGateError,
    PinGateLocked,
    StaffCredential,
    StaffKeyslot,
    StaffRole,
    WrongPin,
    complete_pending,
    create_keyslot,
    create_pending_keyslot,
    unlock_keyslot,
)
from kiosk.vault.pin_protection import PinProtection, choose_keyslot_cost
from kiosk.vault.tpm import configured_tcti

__all__ = [
    "DEFAULT_COST",
    "Argon2Cost",
    "DeviceSecret",
    "DeviceSecretError",
    "KeyslotError",
    "PinGateError",
    "PinGateLocked",
    "PinProtection",
    "StaffCredential",
    "StaffKeyslot",
    "StaffRole",
    "WrongPin",
    "choose_keyslot_cost",
    "complete_pending",
    "configured_tcti",
    "create_keyslot",
    "create_pending_keyslot",
    "unlock_keyslot",
    "DeviceSigningKey",
    "DeviceVerifyKey",
    "Envelope",
    "EnvelopeError",
    "EnvelopeHeader",
    "EnvelopeSuite",
    "KeyFormatError",
    "OpenedRecord",
    "RecipientPrivateKey",
    "RecipientPublicKey",
    "SealedRecord",
    "Sealer",
    "open_envelope",
    "parse_envelope",
    "verify_envelope",
]
