"""One kiosk's data folder, opened: the device secret, the database, the device key, the clinic
configuration, and the keys every record is sealed to.

Data folder layout: `device-secret` (0600, outside the database), `kiosk.db`, `clinic.toml`,
and for `--demo` only `demo-clinic-key` (the clinic's private key: a real clinic never puts it
on a kiosk). The device key and the staff keyslots are kept in the database sealed at rest under
the device secret, so a copy of the database alone opens nothing.
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Self
from zoneinfo import ZoneInfo

from kiosk.desk.errors import KioskError
from kiosk.intake.config import DEFAULTS_PATH, ClinicConfig, ConfigError, load_config
from kiosk.store import KioskStore, OutboxState, StoreError
from kiosk.vault import (
    Argon2Cost,
    DeviceSecret,
    DeviceSecretError,
    DeviceSigningKey,
    DeviceVerifyKey,
    EnvelopeSuite,
    KeyFormatError,
    PinGateError,
    PinProtection,
    RecipientPrivateKey,
    RecipientPublicKey,
    SealedRecord,
    Sealer,
    choose_keyslot_cost,
    configured_tcti,
)
from kiosk.vault.summary_chain import SummaryChain
from kiosk.vault.tpm import TpmPinGate

DATABASE_NAME = "kiosk.db"
SECRET_NAME = "device-secret"
CONFIG_NAME = "clinic.toml"
DEMO_CLINIC_KEY_NAME = "demo-clinic-key"
DEMO_STAFF = (("N100", "Demo Nurse", "nurse", "246810"), ("IT1", "Demo IT", "it", "135790"))

_KIOSK_ID = "kiosk.id"
_DEVICE_KEY = "kiosk.device_key"
_STAFF_PUBLIC_KEY = "kiosk.staff_public_key"
_CLINIC_PUBLIC_KEY = "kiosk.clinic_public_key"
_SUITE = "kiosk.suite"
_KEYSLOT_COST = "kiosk.keyslot_cost"
_KEYSLOT_SECONDS = "kiosk.keyslot_seconds"  # one guess at that cost, measured at init
_DEVICE_KEY_PURPOSE = "device signing key"

# Undelivered records are sealed to the pinned clinic key: another key could never open them.
_UNDELIVERED = (OutboxState.QUEUED, OutboxState.SENDING, OutboxState.QUARANTINED)


class DataFolder:
    """One kiosk's data folder, opened."""

    def __init__(
        self,
        data_dir: Path,
        secret: DeviceSecret,
        store: KioskStore,
        device_key: DeviceSigningKey,
        config: ClinicConfig,
        config_problem: str | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.store = store
        self.config = config
        #: Why the clinic's published configuration was refused at open (None when it was not).
        self.config_problem = config_problem
        self._secret = secret
        self._device_key = device_key
        self.kiosk_id = _required(store, _KIOSK_ID)
        self.suite = EnvelopeSuite(_required(store, _SUITE))
        self.staff_public_key = RecipientPublicKey.from_bytes(
            bytes.fromhex(_required(store, _STAFF_PUBLIC_KEY))
        )
        self.keyslot_cost = _cost_from_text(_required(store, _KEYSLOT_COST))
        self._summary_chain: SummaryChain | None = None

    # ---- creating and opening -----------------------------------------------------------

    @classmethod
    def create(
        cls,
        data_dir: Path,
        *,
        demo: bool,
        suite: EnvelopeSuite,
        clinic_public_key: RecipientPublicKey | None,
        keyslot_cost: Argon2Cost | None = None,
    ) -> tuple[Self, RecipientPrivateKey]:
        """Create the folder: device secret, device key, staff key pair, kiosk id, config file
        (and for `demo` a demo clinic key pair). Returns the opened folder and the staff private
        key, which the caller seals into the first staff keyslots and then forgets.

        The device secret is sealed to the machine's TPM where there is one (`KIOSK_TPM_TCTI`);
        without, the keyslots' Argon2id cost is calibrated here unless `keyslot_cost` is given.
        """
        tpm_tcti = configured_tcti()
        try:
            pin_cost = choose_keyslot_cost(tpm_tcti, keyslot_cost)
        except PinGateError as error:
            raise KioskError(f"{error}; set KIOSK_TPM_TCTI=none to use Argon2id alone") from None
        _make_private_dir(data_dir)
        try:
            secret = DeviceSecret.create(data_dir / SECRET_NAME, tpm_tcti)
        except DeviceSecretError as error:
            raise KioskError(str(error)) from None
        if demo and clinic_public_key is None:
            clinic_private = RecipientPrivateKey.generate(suite)
            _write_private_file(data_dir / DEMO_CLINIC_KEY_NAME, clinic_private.to_bytes())
            clinic_public_key = clinic_private.public_key()
        device_key = DeviceSigningKey.generate()
        staff_key = RecipientPrivateKey.generate(suite)
        _write_private_file(data_dir / CONFIG_NAME, DEFAULTS_PATH.read_bytes())
        store = _open_store(data_dir / DATABASE_NAME, device_key)
        sealed_device_key = secret.seal_at_rest(device_key.to_bytes(), _DEVICE_KEY_PURPOSE)
        settings = {
            _KIOSK_ID: f"kiosk-{uuid.uuid4().hex[:16]}",
            _SUITE: suite.value,
            _KEYSLOT_COST: _cost_text(pin_cost.cost),
            _KEYSLOT_SECONDS: f"{pin_cost.seconds:.3f}",
            _DEVICE_KEY: sealed_device_key.hex(),
            _STAFF_PUBLIC_KEY: staff_key.public_key().to_bytes().hex(),
        }
        if clinic_public_key is not None:
            settings[_CLINIC_PUBLIC_KEY] = clinic_public_key.to_bytes().hex()
        store.set_settings(settings)
        folder = cls(data_dir, secret, store, device_key, _load_config(data_dir))
        store.append_audit("init", "kiosk.created", None, f"kiosk={folder.kiosk_id} demo={demo}")
        return folder, staff_key

    @classmethod
    def open(cls, data_dir: Path) -> Self:
        """Open an existing kiosk; KioskError with one line if it is missing or unreadable."""
        data_dir = Path(data_dir)
        if not (data_dir / DATABASE_NAME).is_file():
            raise KioskError(f"no kiosk in {data_dir}: run `kiosk init` (or pass --data DIR)")
        secret = _load_secret(data_dir)
        try:
            reader = KioskStore.open(data_dir / DATABASE_NAME)
        except StoreError as error:
            raise KioskError(f"{data_dir}: {error}") from None
        try:
            device_key = _device_key(data_dir, secret, reader)
        finally:
            reader.close()
        store = _open_store(data_dir / DATABASE_NAME, device_key)
        try:
            config, problem = _clinic_config(data_dir, store)
            return cls(data_dir, secret, store, device_key, config, problem)
        except BaseException:
            store.close()
            raise

    @staticmethod
    def read_device_verify_key(data_dir: Path) -> DeviceVerifyKey:
        """The device's verify key, read without writing anything (checks of a read-only
        kiosk.db use it: `kiosk audit verify`, `kiosk check`)."""
        data_dir = Path(data_dir)
        if not (data_dir / DATABASE_NAME).is_file():
            raise KioskError(f"no kiosk in {data_dir}: run `kiosk init` (or pass --data DIR)")
        secret = _load_secret(data_dir)
        try:
            reader = KioskStore.open(data_dir / DATABASE_NAME, read_only=True)
        except StoreError as error:
            raise KioskError(f"{data_dir}: {error}") from None
        try:
            return _device_key(data_dir, secret, reader).verify_key()
        finally:
            reader.close()

    def open_store(self) -> KioskStore:
        """A second connection to this kiosk's database for another thread (the sync worker)."""
        return _open_store(self.data_dir / DATABASE_NAME, self._device_key)

    def close(self) -> None:
        self.store.close()

    # ---- keys -----------------------------------------------------------------------------

    @property
    def device_key(self) -> DeviceSigningKey:
        """Signs envelopes, the audit head and sync requests."""
        return self._device_key

    @property
    def device_verify_key(self) -> DeviceVerifyKey:
        return self._device_key.verify_key()

    def clinic_public_key(self) -> RecipientPublicKey | None:
        text = self.store.get_setting(_CLINIC_PUBLIC_KEY)
        return None if text is None else RecipientPublicKey.from_bytes(bytes.fromhex(text))

    def set_clinic_key(self, key: RecipientPublicKey, *, actor: str) -> None:
        """Pin the clinic server's public key (enrolment): new records are sealed to it.

        Refused while records sealed to another clinic key (a demo kiosk's own) wait to be
        sent: that server could never open them, and they would only fill IT's quarantine.
        """
        if key.suite is not self.suite:
            raise KioskError(
                f"the clinic key uses {key.suite.value} but this kiosk seals with "
                f"{self.suite.value}; initialise the kiosk with the clinic's suite"
            )
        pinned = self.clinic_public_key()
        if pinned is not None and pinned.to_bytes() != key.to_bytes():
            waiting = [row for row in self.store.records() if row.state in _UNDELIVERED]
            if waiting:
                raise KioskError(
                    f"{len(waiting)} records here are sealed to clinic key {pinned.fingerprint}, "
                    "which this server cannot open; enrol a freshly initialised kiosk instead"
                )
        self.store.set_setting(_CLINIC_PUBLIC_KEY, key.to_bytes().hex())
        self.store.append_audit(actor, "kiosk.clinic_key_pinned", None, key.fingerprint)

    def device_fingerprint(self) -> str:
        return self._device_key.fingerprint

    def pin_protection(self) -> PinProtection:
        """What a thief with this kiosk's disk would face per PIN guess (for IT's eyes)."""
        seconds = self.store.get_setting(_KEYSLOT_SECONDS)
        return PinProtection.of(
            self._secret, self.keyslot_cost, None if seconds is None else float(seconds)
        )

    def clinic_fingerprint(self) -> str | None:
        key = self.clinic_public_key()
        return None if key is None else key.fingerprint

    def summary_chain(self) -> SummaryChain:
        """This process's sealer of nurse's-table summaries (one chain shared by every writer)."""
        if self._summary_chain is None:
            staff_sealer = Sealer(self.kiosk_id, self._device_key, [self.staff_public_key])
            self._summary_chain = SummaryChain(staff_sealer, self._keep_summary_chain)
        return self._summary_chain

    def _keep_summary_chain(self, sealed: SealedRecord) -> None:
        self.store.add_summary_chain(sealed.record_id, sealed.created_at, sealed.envelope)

    # ---- staff keyslots at rest ------------------------------------------------------------

    def pin_gate(self) -> TpmPinGate | None:
        """The TPM that checks staff PINs: the one the device secret is sealed to (None: none)."""
        return self._secret.pin_gate()

    def save_staff_slot(self, staff_id: str, name: str, role: str, slot: bytes, actor: str) -> None:
        """Store a person's keyslot sealed at rest under the device secret."""
        sealed = self._secret.seal_at_rest(slot, _slot_purpose(staff_id))
        try:
            self.store.put_staff(staff_id, name, role, sealed, actor=actor)
        except StoreError as error:
            raise KioskError(str(error)) from None

    def open_staff_slot(self, staff_id: str, sealed: bytes) -> bytes:
        """A person's keyslot as stored, opened from its sealing at rest (not unlocked)."""
        try:
            return self._secret.open_at_rest(sealed, _slot_purpose(staff_id))
        except DeviceSecretError as error:
            raise KioskError(f"the keyslot of {staff_id} does not open here ({error})") from None

    # ---- the clinic's day -----------------------------------------------------------------

    def start_of_today(self, now: datetime | None = None) -> datetime:
        """Midnight today in the clinic's zone (daylight saving included), as UTC."""
        zone = ZoneInfo(self.config.time_zone)
        local = (now or datetime.now(UTC)).astimezone(zone)
        return datetime.combine(local.date(), time(0), tzinfo=zone).astimezone(UTC)


def _load_secret(data_dir: Path) -> DeviceSecret:
    try:
        return DeviceSecret.load(data_dir / SECRET_NAME)
    except DeviceSecretError as error:
        raise KioskError(str(error)) from None


def _device_key(data_dir: Path, secret: DeviceSecret, store: KioskStore) -> DeviceSigningKey:
    """The device signing key, sealed at rest in the store's settings under the device secret."""
    try:
        sealed = _required(store, _DEVICE_KEY)
        return DeviceSigningKey.from_bytes(
            secret.open_at_rest(bytes.fromhex(sealed), _DEVICE_KEY_PURPOSE)
        )
    except (StoreError, DeviceSecretError, KeyFormatError, ValueError) as error:
        raise KioskError(f"{data_dir}: {error}") from None


def _required(store: KioskStore, key: str) -> str:
    value = store.get_setting(key)
    if value is None:
        raise KioskError(f"{store.path}: the setting {key} is missing; this kiosk is incomplete")
    return value


def _open_store(path: Path, device_key: DeviceSigningKey) -> KioskStore:
    try:
        return KioskStore.open(path, signer=device_key.sign)
    except StoreError as error:
        raise KioskError(str(error)) from None


def _load_config(data_dir: Path) -> ClinicConfig:
    try:
        return load_config(data_dir / CONFIG_NAME)
    except ConfigError as error:
        raise KioskError(str(error)) from None


def _clinic_config(data_dir: Path, store: KioskStore) -> tuple[ClinicConfig, str | None]:
    """The configuration the clinic server published and signed, verified now; else clinic.toml.

    A stored configuration that fails verification is refused, never used: it is set aside
    (its hash audited) so the next sync pulls the server's own again, and until then the kiosk
    runs on clinic.toml and says why in `Kiosk.config_problem`.
    """
    # Why here: the kiosk core must not load the sync package (or anything it loads) at import.
    from sync.client.clinic_config import CONFIG_SETTING, verified_clinic_config
    from sync.client.errors import SyncError

    try:
        published = verified_clinic_config(store)
    except SyncError as refused:
        problem = f"{refused}; using {CONFIG_NAME} until the next sync pulls it again"
        try:
            store.discard_setting(CONFIG_SETTING, actor="kiosk", action="config.refused")
        except StoreError:
            pass  # a full disk: the refused configuration stays refused at every open
        return _load_config(data_dir), problem
    return (published or _load_config(data_dir)), None


def _slot_purpose(staff_id: str) -> str:
    return f"staff keyslot {staff_id}"


def _cost_text(cost: Argon2Cost) -> str:
    return f"{cost.memory_kib},{cost.iterations},{cost.lanes}"


def _cost_from_text(text: str) -> Argon2Cost:
    memory, iterations, lanes = (int(part) for part in text.split(","))
    return Argon2Cost(memory_kib=memory, iterations=iterations, lanes=lanes)


def _make_private_dir(path: Path) -> None:
    """The data directory belongs to the kiosk's user alone (0700)."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(path, 0o700)
    except OSError as error:
        raise KioskError(f"cannot create {path}: {error.strerror}") from None


def _write_private_file(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
