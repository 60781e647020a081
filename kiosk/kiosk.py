"""The kiosk facade: what the screens, the `kiosk` command and the sync engine call.

`Kiosk` owns the data directory (device secret, database, clinic configuration). The patient
side gets a `PatientDesk`, which holds public keys and the device signing key only: it writes
records it cannot read back. A nurse's PIN opens a `StaffSession`, the only holder of the staff
private key, until `lock()`.

Data directory layout: `device-secret` (0600, outside the database), `kiosk.db`, `clinic.toml`,
and for `--demo` only `demo-clinic-key` (the clinic's private key: a real clinic never puts it
on a kiosk).
"""

from __future__ import annotations

import os
import re
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.intake.codec import SCHEMA_VERSION, PayloadError, from_payload, kind_of, to_payload
from kiosk.intake.config import DEFAULTS_PATH, ClinicConfig, ConfigError, load_config
from kiosk.intake.records import (
    CheckIn,
    ConsentDeclined,
    DecisionOutcome,
    Draft,
    Flag,
    Identity,
    NurseDecision,
    RecordKind,
    Severity,
    StopOverride,
    Vitals,
)
from kiosk.intake.rules import highest_severity, screen_checkin, screen_draft, screen_vitals
from kiosk.intake.validation import (
    Invalid,
    Validation,
    validate_detail,
    validate_diastolic,
    validate_person_name,
    validate_signature,
)
from kiosk.locale import translate
from kiosk.store import KioskStore, OutboxState, StoreError
from kiosk.store.errors import DiskFull
from kiosk.store.nurse_table import SUMMARY_KIND, CheckInSummary, DigestRow, RecordDigest
from kiosk.store.nurse_table import build_table as _build_table
from kiosk.vault import (
    Argon2Cost,
    DeviceSecret,
    DeviceSecretError,
    DeviceSigningKey,
    DeviceVerifyKey,
    EnvelopeError,
    EnvelopeSuite,
    KeyFormatError,
    KeyslotError,
    PinGateError,
    PinGateLocked,
    PinProtection,
    RecipientPrivateKey,
    RecipientPublicKey,
    SealedRecord,
    Sealer,
    StaffKeyslot,
    WrongPin,
    choose_keyslot_cost,
    complete_pending,
    configured_tcti,
    create_keyslot,
    create_pending_keyslot,
    open_envelope,
    unlock_keyslot,
)
from kiosk.vault.summary_chain import SummaryChain, SummaryError, SummaryReader

__all__ = [
    "CheckInSummary",
    "Kiosk",
    "KioskError",
    "MAX_PIN_LENGTH",
    "ROLES",
    "LockedOut",
    "NewStaff",
    "PatientDesk",
    "StaffSession",
    "SubmittedCheckIn",
    "WrongPin",
    "check_new_staff",
]

#: Every record kind a nurse opens with the staff key.
OpenedRecord = CheckIn | Draft | ConsentDeclined | Vitals | NurseDecision | StopOverride
#: The records a staff session writes (the nurse's own).
NurseRecord = Vitals | NurseDecision | StopOverride

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

_STAFF_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}")
MIN_PIN_LENGTH = 6
#: The longest PIN: enrolment refuses more, the unlock screen's PIN box holds this many, and an
#: unlock attempt with more is a wrong PIN without running the key derivation.
MAX_PIN_LENGTH = 128
ROLES = ("nurse", "it")
# Undelivered records are sealed to the pinned clinic key: another key could never open them.
_UNDELIVERED = (OutboxState.QUEUED, OutboxState.SENDING, OutboxState.QUARANTINED)


class KioskError(Exception):
    """Something a person can fix: the message is one line naming the place and what to do."""


class LockedOut(Exception):
    """Wrong PINs in a row at this kiosk: its next try waits until `until` (any staff id; the
    right PIN opens once the wait is over). `pin_checked`: this try's PIN was checked (and
    wrong); False when it came during the wait and was not looked at."""

    def __init__(self, staff_id: str, until: datetime, pin_checked: bool = False) -> None:
        super().__init__(f"the next unlock try at this kiosk waits until {until:%H:%M:%S} UTC")
        self.staff_id = staff_id
        self.until = until
        self.pin_checked = pin_checked


@dataclass(frozen=True)
class NewStaff:
    """A staff member to enrol: id, name for the screens, role ('nurse' or 'it'), PIN."""

    staff_id: str
    display_name: str
    role: str
    pin: str

    def __repr__(self) -> str:
        return f"NewStaff({self.staff_id!r}, role={self.role!r}, pin=<hidden>)"


@dataclass(frozen=True)
class SubmittedCheckIn:
    """A check-in durably stored: its record id and the flags it raised for the nurse."""

    record_id: str
    flags: tuple[Flag, ...]


def check_staff_id(staff_id: str) -> str:
    """A staff id as the keypad and the audit log can carry it; KioskError otherwise."""
    if not isinstance(staff_id, str) or not _STAFF_ID.fullmatch(staff_id):
        raise KioskError("staff id: use 1-32 letters, digits, '.', '_' or '-', starting alnum")
    return staff_id


def check_staff_name(name: str) -> str:
    """A staff name by the same rule as a patient's name (letters, marks, ' - . ,); the name
    as validated, or KioskError saying what to fix."""
    if not isinstance(name, str):
        raise KioskError("staff name: type the person's name")
    checked = validate_person_name(name, "staff_name")
    if isinstance(checked, Invalid):
        problem = checked.problem
        raise KioskError(f"staff name: {translate(problem.code, 'en', **problem.params)}")
    return checked.value


def check_pin(pin: str) -> str:
    """A new PIN the on-screen keypad can type: 6 to 128 ASCII digits; KioskError otherwise
    (never echoed)."""
    if not isinstance(pin, str) or not (pin.isascii() and pin.isdigit()):
        raise KioskError("PIN: digits only, so it can be typed on the keypad")
    if not MIN_PIN_LENGTH <= len(pin) <= MAX_PIN_LENGTH:
        raise KioskError(f"PIN: use {MIN_PIN_LENGTH} to {MAX_PIN_LENGTH} digits")
    if _guessable(pin):
        raise KioskError("PIN: too easy to guess (one digit repeated, or counting up or down)")
    return pin


def _guessable(pin: str) -> bool:
    """The PINs tried first by anyone guessing: 000000, 123456, 987654 and the like."""
    steps = {(int(b) - int(a)) % 10 for a, b in zip(pin, pin[1:], strict=False)}
    return steps in ({0}, {1}, {9})


def check_new_staff(staff_id: str, display_name: str, role: str, pin: str) -> NewStaff:
    """The one rule for enrolling a person (the first nurse at init, IT's Add and PIN reset):
    the person as they will be stored, or KioskError naming the field to fix."""
    if role not in ROLES:
        raise KioskError("role: choose nurse or it")
    return NewStaff(check_staff_id(staff_id), check_staff_name(display_name), role, check_pin(pin))


class Kiosk:
    """One kiosk's data directory, opened."""

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
    def init(
        cls,
        data_dir: Path,
        *,
        demo: bool = False,
        suite: EnvelopeSuite = EnvelopeSuite.MLKEM768_X25519,
        clinic_public_key: RecipientPublicKey | None = None,
        first_nurse: NewStaff | None = None,
        keyslot_cost: Argon2Cost | None = None,
    ) -> Kiosk:
        """Create a kiosk: device secret, device key, staff key pair, kiosk id, config file.

        The staff private key exists only inside nurse keyslots, so a first nurse is required
        (`demo` makes N100 / 246810 and IT1 / 135790, and a demo clinic key pair). The device
        secret is sealed to the machine's TPM where there is one (`KIOSK_TPM_TCTI`); without,
        the keyslots' Argon2id cost is calibrated here unless `keyslot_cost` is given.
        """
        data_dir = Path(data_dir)
        if (data_dir / DATABASE_NAME).exists():
            raise KioskError(f"{data_dir} already holds a kiosk; use another --data directory")
        nurses = [first_nurse] if first_nurse is not None else []
        named = [NewStaff(*entry) for entry in DEMO_STAFF] if demo else nurses
        if not any(member.role == "nurse" for member in named):
            raise KioskError(
                "name the first nurse (kiosk init --nurse ID --name NAME): the staff key that "
                "opens records exists only inside nurse keyslots"
            )
        staff = [_checked_member(member) for member in named]
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
        kiosk = cls(data_dir, secret, store, device_key, _load_config(data_dir))
        store.append_audit("init", "kiosk.created", None, f"kiosk={kiosk.kiosk_id} demo={demo}")
        for member in staff:
            kiosk._enrol(member, staff_key, actor="init")
        return kiosk

    @classmethod
    def open(cls, data_dir: Path) -> Kiosk:
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

    # ---- the two sides ------------------------------------------------------------------

    def patient_desk(self) -> PatientDesk:
        """The patient side: seals and stores, cannot open anything."""
        return PatientDesk(self)

    def unlock(self, staff_id: str, pin: str, now: datetime | None = None) -> StaffSession:
        """Open a staff member's keyslot; WrongPin, or LockedOut(until) after repeated failures.

        Every attempt is written down (failure counter, audit); when that write is refused
        (a full disk) the unlock is refused with one line, the same whether the PIN was right.
        """
        try:
            return self._unlock(staff_id, pin, now or datetime.now(UTC))
        except DiskFull:
            raise KioskError(
                "unlock refused: the kiosk's disk is full, so the unlock cannot be recorded; "
                "ask IT to free space"
            ) from None
        except StoreError:
            raise KioskError(
                "unlock refused: the kiosk's database cannot record the unlock; ask IT to check "
                "it (kiosk audit verify)"
            ) from None

    def _unlock(self, staff_id: str, pin: str, when: datetime) -> StaffSession:
        next_try = self.store.next_unlock_try()
        if next_try is not None and next_try > when:
            raise LockedOut(str(staff_id), next_try)  # the PIN is not even looked at
        if not isinstance(staff_id, str) or not _STAFF_ID.fullmatch(staff_id):
            raise WrongPin("unknown staff id or wrong PIN")
        row = self.store.get_staff(staff_id)
        try:
            if row is None:
                raise WrongPin("unknown staff id or wrong PIN")
            slot = self._open_slot(staff_id, row.keyslot)
            if not isinstance(pin, str) or len(pin) > MAX_PIN_LENGTH:
                # No PIN this long was ever accepted: skip the key derivation, count the failure.
                raise WrongPin("unknown staff id or wrong PIN")
            credential = unlock_keyslot(slot, staff_id, pin, gate=self._secret.pin_gate())
        except WrongPin:
            until = self.store.record_failed_unlock(staff_id, when)
            if until is not None:
                raise LockedOut(staff_id, until, pin_checked=True) from None
            raise
        except PinGateLocked as locked:
            # The TPM's own lockout: this PIN was not checked; the pad says when to try again.
            raise LockedOut(staff_id, when + timedelta(seconds=locked.retry_after_s)) from None
        except PinGateError as error:
            raise KioskError(f"unlock refused: {error}") from None
        except KeyslotError as error:
            raise KioskError(
                f"the keyslot of {staff_id} is damaged ({error}); reset the PIN"
            ) from None
        staff_key = credential.staff_key
        if staff_key is not None and staff_key.public_key().to_bytes() != (
            self.staff_public_key.to_bytes()
        ):
            # A planted slot would hand its own key to every nurse enrolled or completed here.
            self.store.append_audit(
                staff_id, "staff.unlock_refused", None, "keyslot holds another staff key"
            )
            raise KioskError(
                f"the keyslot of {staff_id} holds a key that is not this kiosk's staff key; "
                "IT must reset this PIN"
            )
        self.store.reset_failures(staff_id)
        if credential.upgraded_slot is not None:
            self._save_slot(
                staff_id, row.display_name, row.role, credential.upgraded_slot, staff_id
            )
        self.store.append_audit(staff_id, "staff.unlocked", None, f"role={row.role}")
        if staff_key is not None:
            self._complete_pending_slots(staff_key, staff_id)
        return StaffSession(self, staff_id, row.role, staff_key)

    # ---- staff ----------------------------------------------------------------------------

    def add_staff(
        self, member: NewStaff, *, actor: str, session: StaffSession | None = None
    ) -> None:
        """Enrol a person. A nurse added without an unlocked nurse's session gets a pending slot
        that is completed the next time any nurse unlocks."""
        member = _checked_member(member)
        if self.store.get_staff(member.staff_id) is not None:
            raise KioskError(f"{member.staff_id} is already enrolled; remove them first")
        staff_key = session.staff_key_for_enrolment() if session is not None else None
        self._enrol(member, staff_key, actor=actor)

    def remove_staff(self, staff_id: str, *, actor: str) -> None:
        try:
            self.store.remove_staff(staff_id, actor=actor)
        except StoreError as error:
            raise KioskError(str(error)) from None

    def _enrol(
        self, member: NewStaff, staff_key: RecipientPrivateKey | None, *, actor: str
    ) -> None:
        try:
            cost, gate = self.keyslot_cost, self._secret.pin_gate()
            if member.role == "it":
                slot = create_keyslot(member.staff_id, "it", member.pin, None, cost=cost, gate=gate)
            elif staff_key is not None:
                slot = create_keyslot(
                    member.staff_id, "nurse", member.pin, staff_key, cost=cost, gate=gate
                )
            else:
                slot = create_pending_keyslot(
                    member.staff_id, member.pin, suite=self.suite, cost=cost, gate=gate
                )
        except (KeyslotError, PinGateError) as error:
            raise KioskError(f"cannot enrol {member.staff_id}: {error}") from None
        self._save_slot(member.staff_id, member.display_name, member.role, slot, actor)

    def _save_slot(self, staff_id: str, name: str, role: str, slot: bytes, actor: str) -> None:
        sealed = self._secret.seal_at_rest(slot, _slot_purpose(staff_id))
        try:
            self.store.put_staff(staff_id, name, role, sealed, actor=actor)
        except StoreError as error:
            raise KioskError(str(error)) from None

    def _open_slot(self, staff_id: str, sealed: bytes) -> bytes:
        try:
            return self._secret.open_at_rest(sealed, _slot_purpose(staff_id))
        except DeviceSecretError as error:
            raise KioskError(f"the keyslot of {staff_id} does not open here ({error})") from None

    def _complete_pending_slots(self, staff_key: RecipientPrivateKey, actor: str) -> None:
        """Seal the staff key to every nurse slot IT created while no nurse was unlocked."""
        for row in self.store.list_staff():
            slot = self._open_slot(row.staff_id, row.keyslot)
            try:
                if not StaffKeyslot.from_bytes(slot).awaits_staff_key:
                    continue
                completed = complete_pending(slot, staff_key)
            except KeyslotError:
                continue  # a damaged slot stays as it is; its owner's unlock reports it
            self._save_slot(row.staff_id, row.display_name, row.role, completed, actor)

    # ---- nurse table ----------------------------------------------------------------------

    def start_of_today(self, now: datetime | None = None) -> datetime:
        """Midnight today in the clinic's zone (daylight saving included), as UTC."""
        zone = ZoneInfo(self.config.time_zone)
        local = (now or datetime.now(UTC)).astimezone(zone)
        return datetime.combine(local.date(), time(0), tzinfo=zone).astimezone(UTC)


class RecordWriter:
    """Seals a record and its digest and stores both in one transaction. Public keys only."""

    __slots__ = ("_record_sealer", "_staff_sealer", "_store", "_summaries")

    def __init__(self, kiosk: Kiosk) -> None:
        clinic_key = kiosk.clinic_public_key()
        staff_key = kiosk.staff_public_key
        self._staff_sealer = Sealer(kiosk.kiosk_id, kiosk.device_key, [staff_key])
        self._summaries = kiosk.summary_chain()
        # Before enrolment there is no clinic key: only drafts (staff key alone) can be written.
        self._record_sealer = (
            None
            if clinic_key is None
            else Sealer(kiosk.kiosk_id, kiosk.device_key, [clinic_key, staff_key])
        )
        self._store = kiosk.store

    def write(
        self,
        payload: EncodedRecord,
        digest: RecordDigest,
        supersedes: str | None,
        *,
        to_clinic: bool,
        action: str,
        actor: str,
        finishes_draft: str | None = None,
    ) -> str:
        """Encode exactly, seal the record and its digest, and store both in one commit (which
        also purges the draft it supersedes and `finishes_draft`)."""
        sealer = self._record_sealer if to_clinic else self._staff_sealer
        if sealer is None:
            raise KioskError(
                "this kiosk has no clinic key yet: enrol it with the clinic server first"
            )
        try:
            sealed = sealer.seal(
                payload.kind, payload.data, supersedes=supersedes, schema=SCHEMA_VERSION
            )
            summary = self._summaries.seal(sealed.record_id, digest.to_bytes())
            self._store.add_record(
                sealed, actor=actor, action=action, summary=summary, finishes_draft=finishes_draft
            )
        except (EnvelopeError, StoreError) as error:
            raise KioskError(str(error)) from None
        return sealed.record_id


class PatientDesk:
    """What the patient screens may do: seal and store. Holds public keys and the device key."""

    __slots__ = ("_config", "_open_drafts", "_writer")

    def __init__(self, kiosk: Kiosk) -> None:
        self._writer = RecordWriter(kiosk)
        self._config = kiosk.config
        # Random check-in id -> its latest draft id (ids only): the draft a submit finishes.
        self._open_drafts: dict[str, str] = {}

    def save_draft(self, draft: Draft, supersedes: str | None = None) -> str:
        """Seal an interrupted check-in to the staff key only, so a nurse can resume it; it
        stays on the kiosk (never sent) and the draft it supersedes is purged."""
        payload = EncodedRecord.of(draft)
        digest, _ = screened(draft, self._config)
        record_id = self._writer.write(
            payload, digest, supersedes, to_clinic=False, action="draft.saved", actor="patient"
        )
        self._open_drafts[draft.patient_id] = record_id
        return record_id

    def submit_checkin(self, checkin: CheckIn, supersedes: str | None = None) -> SubmittedCheckIn:
        """Validate, screen, seal to the clinic and staff keys, sign, commit durably; the
        patient's draft from this desk is purged in the same commit."""
        payload = EncodedRecord.of(checkin)
        if not checkin.consent.accepted:
            raise KioskError("consent: a check-in needs accepted consent; record a decline instead")
        signature = validate_signature(checkin.consent.typed_name, checkin.identity.legal_name)
        if isinstance(signature, Invalid):
            raise KioskError(f"consent.typed_name: {signature.problem.code}")
        digest, flags = screened(checkin, self._config)
        action = "checkin.corrected" if supersedes else "checkin.submitted"
        record_id = self._writer.write(
            payload,
            digest,
            supersedes,
            to_clinic=True,
            action=action,
            actor="patient",
            finishes_draft=self._open_drafts.get(checkin.patient_id),
        )
        self._open_drafts.pop(checkin.patient_id, None)
        return SubmittedCheckIn(record_id, flags)

    def record_consent_declined(
        self, declined: ConsentDeclined, supersedes: str | None = None
    ) -> str:
        """The patient declined consent: recorded, the check-in ends and its draft is purged."""
        payload = EncodedRecord.of(declined)
        digest, _ = screened(declined, self._config)
        record_id = self._writer.write(
            payload,
            digest,
            supersedes,
            to_clinic=True,
            action="consent.declined",
            actor="patient",
            finishes_draft=self._open_drafts.get(declined.patient_id),
        )
        self._open_drafts.pop(declined.patient_id, None)
        return record_id


def screened(record: OpenedRecord, config: ClinicConfig) -> tuple[RecordDigest, tuple[Flag, ...]]:
    """A record's flags under `config`, and the digest the nurse's table shows for it."""
    if isinstance(record, Vitals):
        flags = screen_vitals(record, config)
        return _flagged(RecordDigest(RecordKind.VITALS, checkin_id=record.checkin_id), flags)
    if isinstance(record, NurseDecision):
        digest = RecordDigest(
            RecordKind.NURSE_DECISION, checkin_id=record.checkin_id, outcome=record.outcome
        )
        return digest, ()
    if isinstance(record, StopOverride):
        return RecordDigest(RecordKind.STOP_OVERRIDE, checkin_id=record.checkin_id), ()
    if isinstance(record, ConsentDeclined):
        return RecordDigest(RecordKind.CONSENT_DECLINED, patient_id=record.patient_id), ()
    if isinstance(record, CheckIn):
        identity: Identity | None = record.identity
        flags = screen_checkin(record, config)
        kind, step = RecordKind.CHECKIN, None
    else:
        identity = record.identity
        flags = screen_draft(record, config)
        kind, step = RecordKind.DRAFT, record.step
    digest = RecordDigest(
        kind=kind,
        patient_id=record.patient_id,
        legal_name=None if identity is None else identity.legal_name,
        preferred_name=None if identity is None else identity.preferred_name,
        date_of_birth=None if identity is None else identity.date_of_birth,
        step=step,
    )
    return _flagged(digest, flags)


def _flagged(
    digest: RecordDigest, flags: tuple[Flag, ...]
) -> tuple[RecordDigest, tuple[Flag, ...]]:
    """The digest carrying its flags' highest severity, urgency and codes."""
    flagged = replace(
        digest,
        highest=highest_severity(flags),
        urgent=any(flag.urgent for flag in flags),
        flag_codes=tuple(flag.code for flag in flags),
    )
    return flagged, flags


@dataclass(frozen=True)
class EncodedRecord:
    """A record's kind and canonical payload (the codec checks every field's type as it goes,
    so the payload reads back as the very same record)."""

    kind: str
    data: bytes

    @classmethod
    def of(cls, record: OpenedRecord) -> EncodedRecord:
        """Encode first, before any rule looks at it: a malformed record is refused here."""
        try:
            data = to_payload(record)
        except PayloadError as error:
            raise KioskError(f"{type(record).__name__}: {error}") from None
        except (AttributeError, TypeError, ValueError):
            raise KioskError(f"{type(record).__name__}: a field has the wrong type") from None
        return cls(kind_of(record), data)


class StaffSession:
    """An unlocked staff member. The staff private key lives here only, until lock()."""

    def __init__(
        self,
        kiosk: Kiosk,
        staff_id: str,
        role: str,
        staff_key: RecipientPrivateKey | None,
    ) -> None:
        self.kiosk = kiosk
        self.staff_id = staff_id
        self.role = role
        self._staff_key = staff_key

    @property
    def locked(self) -> bool:
        return self._staff_key is None

    @property
    def can_read_records(self) -> bool:
        return self._staff_key is not None

    def lock(self) -> None:
        """Drop the staff key: nothing in this session can open a record afterwards."""
        self._staff_key = None

    def _key(self) -> RecipientPrivateKey:
        if self._staff_key is None:
            if self.role == "it":
                raise KioskError("IT credentials cannot open patient records")
            raise KioskError(
                f"{self.staff_id}: this session is locked or its access is still pending "
                "(another nurse must unlock once first)"
            )
        return self._staff_key

    def staff_key_for_enrolment(self) -> RecipientPrivateKey:
        """The staff key, to wrap into a new nurse's slot while this nurse is present."""
        return self._key()

    def open_record(self, record_id: str) -> OpenedRecord:
        """Open one stored record with the staff key, checking the device signature; audited."""
        record, kind = self._open(record_id)
        try:
            self.kiosk.store.append_audit(self.staff_id, "record.opened", record_id, kind)
        except StoreError as error:
            raise KioskError(f"record {record_id} not shown: {error}") from None
        return record

    def _open(self, record_id: str) -> tuple[OpenedRecord, str]:
        key = self._key()
        try:
            envelope = self.kiosk.store.get_envelope(record_id)
            opened = open_envelope(envelope, key, self.kiosk.device_verify_key)
            record = from_payload(opened.payload)
        except (StoreError, EnvelopeError, PayloadError) as error:
            raise KioskError(str(error)) from None
        if (
            not isinstance(record, OpenedRecord)
            or opened.record_id != record_id
            or opened.kind != kind_of(record)
        ):
            raise KioskError(f"record {record_id}: stored under another id or kind")
        return record, opened.kind

    def todays_summaries(self, now: datetime | None = None) -> list[CheckInSummary]:
        """Today's check-ins and unfinished drafts, opened from their staff-sealed digests; a
        record stored before summaries existed (schema version 1) is opened whole instead."""
        key = self._key()
        store = self.kiosk.store
        since = self.kiosk.start_of_today(now)
        try:
            stored_rows = store.summaries(since=since)
            unsummarised = store.records_without_summary(since=since)
            chains = store.summary_chains(
                {chain for row in stored_rows if (chain := SummaryReader.chain_id_of(row.summary))}
            )
        except StoreError as error:
            raise KioskError(f"today's check-ins cannot be read: {error}") from None
        reader = SummaryReader(key, self.kiosk.device_verify_key, chains)
        rows = []
        for stored in stored_rows:
            try:
                plain = reader.open(stored.record_id, stored.summary, SUMMARY_KIND)
                digest = RecordDigest.from_bytes(plain)
            except (SummaryError, StoreError):
                continue  # a damaged digest hides one row; the full record is still there
            rows.append(DigestRow(stored.record_id, stored.created_at, stored.supersedes, digest))
        for stored in unsummarised:
            try:
                digest, _ = screened(self._open(stored.record_id)[0], self.kiosk.config)
            except KioskError:
                continue  # a record that does not open is IT's to see, not a table row
            rows.append(DigestRow(stored.record_id, stored.created_at, stored.supersedes, digest))
        return _build_table(rows)

    def record_vitals(
        self, vitals: Vitals, supersedes: str | None = None
    ) -> tuple[str, tuple[Flag, ...]]:
        """Screen and seal the nurse's vitals (to the clinic and staff keys)."""
        paired = validate_diastolic(vitals.diastolic_mmhg, vitals.systolic_mmhg)
        if isinstance(paired, Invalid):
            problem = paired.problem
            raise KioskError(f"vitals: {translate(problem.code, 'en', **problem.params)}")
        action = "vitals.corrected" if supersedes else "vitals.recorded"
        return self._write_own(vitals, vitals.nurse_id, action, supersedes)

    def record_override(self, override: StopOverride) -> str:
        """Seal a named clinician's override of one STOP flag, as its own record."""
        if override.flag.severity is not Severity.STOP:
            raise KioskError("override: only a STOP flag needs a clinician's override")
        _required_text(
            validate_person_name(override.clinician_name, "clinician_name"), "clinician name"
        )
        _required_text(validate_detail(override.reason, "override_reason"), "override reason")
        record_id, _ = self._write_own(override, override.nurse_id, "override.recorded", None)
        return record_id

    def record_decision(self, decision: NurseDecision, supersedes: str | None = None) -> str:
        """Seal the nurse's decision. A hold needs its reason; "cleared" is refused while a
        STOP flag among those seen has no clinician's override (of the ones named) for it."""
        if decision.outcome is DecisionOutcome.HOLD:
            _required_text(validate_detail(decision.reason, "hold_reason"), "hold reason")
        else:
            cleared = {
                override.flag.code
                for override in self._overrides(decision.overrides)
                if override.checkin_id == decision.checkin_id
            }
            for flag in decision.flags:
                if flag.severity is Severity.STOP and flag.code not in cleared:
                    raise KioskError(
                        f"decision: {flag.code} is a STOP; it needs a clinician's override first"
                    )
        action = f"decision.{decision.outcome.value}"
        record_id, _ = self._write_own(decision, decision.nurse_id, action, supersedes)
        return record_id

    def _overrides(self, record_ids: tuple[str, ...]) -> list[StopOverride]:
        overrides = []
        for record_id in record_ids:
            record, _ = self._open(record_id)
            if not isinstance(record, StopOverride):
                raise KioskError(f"decision: record {record_id} is not a clinician's override")
            overrides.append(record)
        return overrides

    def _write_own(
        self, record: NurseRecord, signer: str, action: str, supersedes: str | None
    ) -> tuple[str, tuple[Flag, ...]]:
        """Seal a record this nurse signs (to the clinic and staff keys), audited as `action`."""
        self._key()
        payload = EncodedRecord.of(record)
        if signer != self.staff_id:
            kind = payload.kind.replace("_", " ")
            raise KioskError(f"{kind}: signed by {self.staff_id}, not by {signer}")
        digest, flags = screened(record, self.kiosk.config)
        record_id = RecordWriter(self.kiosk).write(
            payload, digest, supersedes, to_clinic=True, action=action, actor=self.staff_id
        )
        return record_id, flags


def _required_text(checked: Validation[str], field_id: str) -> str:
    """The checked text, or KioskError naming the field (empty counts as missing)."""
    if isinstance(checked, Invalid):
        problem = checked.problem
        raise KioskError(f"{field_id}: {translate(problem.code, 'en', **problem.params)}")
    if not checked.value:
        raise KioskError(f"{field_id}: {translate('text.required', 'en')}")
    return checked.value


def _checked_member(member: NewStaff) -> NewStaff:
    return check_new_staff(member.staff_id, member.display_name, member.role, member.pin)


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
