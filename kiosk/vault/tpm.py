"""The machine's TPM 2.0: the device secret is sealed to it, and it checks every staff PIN.

Which TPM: `KIOSK_TPM_TCTI` names a TSS TCTI (`device:/dev/tpmrm0`, `swtpm:path=/run/tpm.sock`,
...) or `none`; unset, the kiosk uses `/dev/tpmrm0` when the machine has one. Only this module
talks to the TPM, through `tpm2-pytss` (imported when a TPM is used, so a kiosk without one never
needs it).

What is sealed (each as the public and private parts of a TPM sealed-data object, whose
private part only this TPM can load):
- the device secret: no authorization, exempt from the dictionary-attack lockout (`noDA`), so
  the kiosk starts whatever a guesser did, and a copied disk holds nothing to guess;
- one 32-byte share per staff keyslot, whose authorization is derived from that person's PIN:
  every PIN tried is checked by the TPM, and wrong ones count toward its lockout.

Commands run in a salted HMAC session with parameter encryption, so neither the PIN-derived
authorization nor an unsealed secret crosses the bus in the clear.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final

from kiosk.vault.keyslots import PinGateError, PinGateLocked, WrongPin

if TYPE_CHECKING:
    from tpm2_pytss import ESAPI

TCTI_SETTING: Final = "KIOSK_TPM_TCTI"
NO_TPM: Final = "none"
KERNEL_TPM: Final = Path("/dev/tpmrm0")
#: The lockout the kiosk sets at `kiosk init` when nobody controls the TPM's lockout yet: it
#: matches the PIN pad's pace (a try back every 30 s), so a patient at the pad never trips the
#: TPM, and anyone bypassing the pad gets 32 tries, then one every 30 s.
KIOSK_MAX_TRIES: Final = 32
KIOSK_RECOVERY_S: Final = 30
#: After a wrong lockout authorization (nobody holds the right one): wait a day.
KIOSK_LOCKOUT_RECOVERY_S: Final = 86400
SEALED_MAGIC: Final = b"KTPM"
_BLOB_VERSION: Final = 1
_MAX_BLOB: Final = 2048


class TpmError(PinGateError):
    """The TPM is not installed, not reachable, refused, or a blob is not this TPM's."""


@dataclass(frozen=True)
class TpmLockout:
    """The TPM's dictionary-attack rules as it reports them now."""

    max_tries: int
    recovery_s: int
    failed_tries: int
    kiosk_controls: bool  # the lockout authorization is set (by the kiosk's init, or by IT)

    def describe(self) -> str:
        if self.recovery_s == 0:
            return f"{self.max_tries} wrong PINs, then no lockout at all (recovery time 0)"
        return (
            f"{self.max_tries} wrong PINs, then one every {self.recovery_s} s "
            f"({self.failed_tries} counted now)"
        )


def configured_tcti(environ: Mapping[str, str] = os.environ) -> str | None:
    """The TCTI to use, or None: no TPM configured and none at /dev/tpmrm0."""
    setting = environ.get(TCTI_SETTING, "").strip()
    if setting.lower() == NO_TPM:
        return None
    if setting:
        return setting
    return f"device:{KERNEL_TPM}" if KERNEL_TPM.exists() else None


class Tpm:
    """One connection to the TPM (`with Tpm(tcti) as tpm:`); not shared between threads."""

    def __init__(self, tcti: str) -> None:
        self.tcti = tcti
        self._esapi: ESAPI | None = None
        self._primary: Any = None
        self._session: Any = None

    def __enter__(self) -> Tpm:
        # Why: the TSS prints its own warnings on stderr, which would break one-line errors and
        # draw over the kiosk's screen; every failure reaches this module as an exception.
        os.environ.setdefault("TSS2_LOG", "all+NONE")
        try:
            from tpm2_pytss import ESAPI, TCTILdr
        except ImportError as exc:
            raise TpmError(
                f"a TPM is configured ({self.tcti}) but the kiosk's TPM support is not "
                "installed: pip install 'infusion-kiosk[tpm]' (needs Debian's libtss2-dev), "
                f"or set {TCTI_SETTING}=none"
            ) from exc
        with self._translated("does not answer"):
            self._esapi = ESAPI(TCTILdr.parse(self.tcti))
        try:
            self._primary, self._session = self._open_primary()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._esapi is not None:
            esapi, self._esapi = self._esapi, None
            for handle in (self._session, self._primary):
                if handle is not None:
                    try:
                        esapi.flush_context(handle)
                    except Exception:  # Why: closing must not hide the error that led here.
                        pass
            esapi.close()

    # ---- sealing ----------------------------------------------------------------------------

    def seal(self, secret: bytes, *, pin_auth: bytes | None) -> bytes:
        """Seal `secret` to this TPM. With `pin_auth`, unsealing needs it and a wrong one
        counts toward the lockout; without, anyone on this machine's TPM can unseal it."""
        from tpm2_pytss.types import (
            TPM2B_AUTH,
            TPM2B_PUBLIC,
            TPM2B_SENSITIVE_CREATE,
            TPM2B_SENSITIVE_DATA,
            TPMA_OBJECT,
            TPMS_SENSITIVE_CREATE,
        )

        attributes = TPMA_OBJECT.FIXEDTPM | TPMA_OBJECT.FIXEDPARENT | TPMA_OBJECT.USERWITHAUTH
        if pin_auth is None:
            attributes |= TPMA_OBJECT.NODA
        template = TPM2B_PUBLIC.parse("keyedhash", objectAttributes=attributes)
        sensitive = TPM2B_SENSITIVE_CREATE(
            TPMS_SENSITIVE_CREATE(
                userAuth=TPM2B_AUTH(pin_auth or b""), data=TPM2B_SENSITIVE_DATA(secret)
            )
        )
        with self._translated("refused to seal"):
            private, public, *_ = self._connected().create(
                self._primary, sensitive, template, session1=self._session
            )
        return SEALED_MAGIC + bytes([_BLOB_VERSION]) + bytes(public.marshal() + private.marshal())

    def unseal(self, blob: bytes, *, pin_auth: bytes | None) -> bytes:
        """The sealed secret. WrongPin when the TPM refuses `pin_auth`; PinGateLocked while the
        TPM is in lockout; TpmError when the blob is not this TPM's."""
        from tpm2_pytss import TSS2_Exception
        from tpm2_pytss.constants import TPM2_RC

        public, private = _parse_blob(blob)
        esapi = self._connected()
        with self._translated("cannot load a secret sealed to it (is this the kiosk's TPM?)"):
            handle = esapi.load(self._primary, private, public, session1=self._session)
        try:
            esapi.tr_set_auth(handle, pin_auth or b"")
            return bytes(esapi.unseal(handle, session1=self._session))
        except TSS2_Exception as exc:
            if exc.error == TPM2_RC.AUTH_FAIL:
                raise WrongPin("wrong PIN (the TPM refused it)") from None
            if exc.error == TPM2_RC.LOCKOUT:
                raise PinGateLocked(self.lockout().recovery_s) from None
            raise TpmError(f"the TPM at {self.tcti} refused to unseal ({exc})") from None
        finally:
            with self._translated("cannot unload a sealed secret"):
                esapi.flush_context(handle)

    # ---- the dictionary-attack lockout ------------------------------------------------------

    def lockout(self) -> TpmLockout:
        """The TPM's lockout rules and counter, as it reports them."""
        from tpm2_pytss.constants import TPM2_CAP, TPM2_PT, TPMA_PERMANENT

        esapi = self._connected()
        with self._translated("does not report its lockout"):
            _, found = esapi.get_capability(TPM2_CAP.TPM_PROPERTIES, TPM2_PT.PERMANENT, 1)
            _, rules = esapi.get_capability(TPM2_CAP.TPM_PROPERTIES, TPM2_PT.LOCKOUT_COUNTER, 3)
        values = {item.property: item.value for item in rules.data.tpmProperties}
        permanent = found.data.tpmProperties[0].value
        return TpmLockout(
            max_tries=values[TPM2_PT.MAX_AUTH_FAIL],
            recovery_s=values[TPM2_PT.LOCKOUT_INTERVAL],
            failed_tries=values[TPM2_PT.LOCKOUT_COUNTER],
            kiosk_controls=bool(permanent & TPMA_PERMANENT.LOCKOUTAUTHSET),
        )

    def take_lockout_control(self) -> TpmLockout:
        """Where nobody controls the lockout yet (its authorization is empty, as a new TPM
        ships), set the kiosk's rules and close it with a random authorization kept nowhere:
        nobody, a thief with root included, can reset the counter or loosen the rules. A TPM
        IT already controls keeps its own rules."""
        from tpm2_pytss.constants import ESYS_TR

        current = self.lockout()
        if current.kiosk_controls:
            return current
        esapi = self._connected()
        with self._translated("refused the kiosk's lockout rules"):
            esapi.dictionary_attack_parameters(
                KIOSK_MAX_TRIES, KIOSK_RECOVERY_S, KIOSK_LOCKOUT_RECOVERY_S
            )
            esapi.hierarchy_change_auth(ESYS_TR.LOCKOUT, secrets.token_bytes(32))
        return self.lockout()

    # ---- plumbing ---------------------------------------------------------------------------

    def _connected(self) -> ESAPI:
        if self._esapi is None:
            raise TpmError("the TPM connection is closed")
        return self._esapi

    def _open_primary(self) -> tuple[Any, Any]:
        """The owner hierarchy's storage key (the same key every time from the same template,
        so nothing is kept in the TPM) and a salted session encrypting parameters."""
        from tpm2_pytss.constants import ESYS_TR, TPM2_ALG, TPM2_SE, TPMA_SESSION
        from tpm2_pytss.types import TPM2B_PUBLIC, TPMA_OBJECT

        esapi = self._connected()
        template = TPM2B_PUBLIC.parse(
            "ecc256:aes128cfb",
            objectAttributes=TPMA_OBJECT.RESTRICTED
            | TPMA_OBJECT.DECRYPT
            | TPMA_OBJECT.FIXEDTPM
            | TPMA_OBJECT.FIXEDPARENT
            | TPMA_OBJECT.SENSITIVEDATAORIGIN
            | TPMA_OBJECT.USERWITHAUTH
            | TPMA_OBJECT.NODA,
        )
        with self._translated("refused the kiosk's storage key (does the owner have a password?)"):
            primary, *_ = esapi.create_primary(None, template, ESYS_TR.OWNER)
            session = esapi.start_auth_session(
                primary, ESYS_TR.NONE, TPM2_SE.HMAC, "aes128cfb", TPM2_ALG.SHA256
            )
            esapi.trsess_set_attributes(
                session,
                TPMA_SESSION.CONTINUESESSION | TPMA_SESSION.DECRYPT | TPMA_SESSION.ENCRYPT,
            )
        return primary, session

    def _translated(self, what: str) -> AbstractContextManager[None]:
        return _tss_errors(f"the TPM at {self.tcti} {what}")


@contextmanager
def _tss_errors(message: str) -> Iterator[None]:
    """Turns the TSS's exceptions into one-line TpmErrors naming the step."""
    from tpm2_pytss import TSS2_Exception

    try:
        yield
    except TSS2_Exception as exc:
        raise TpmError(f"{message} ({exc})") from None


def _parse_blob(blob: bytes) -> tuple[Any, Any]:
    """The sealed object's public and private parts; TpmError if the bytes are anything else."""
    from tpm2_pytss.types import TPM2B_PRIVATE, TPM2B_PUBLIC

    header = len(SEALED_MAGIC) + 1
    if (
        not isinstance(blob, bytes)
        or len(blob) > _MAX_BLOB
        or blob[:header] != (SEALED_MAGIC + bytes([_BLOB_VERSION]))
    ):
        raise TpmError("not a secret sealed to a TPM by this kiosk")
    try:
        public, used = TPM2B_PUBLIC.unmarshal(blob[header:])
        private, rest = TPM2B_PRIVATE.unmarshal(blob[header + used :])
    except Exception as exc:  # Why: the unmarshallers raise several types for short input.
        raise TpmError("the TPM-sealed secret is truncated or damaged") from exc
    if header + used + rest != len(blob):
        raise TpmError("the TPM-sealed secret has trailing bytes")
    return public, private


@dataclass(frozen=True)
class TpmPinGate:
    """The keyslots' PIN gate on this TPM: each slot's share unseals only for its PIN."""

    tcti: str

    def seal(self, share: bytes, auth: bytes) -> bytes:
        with Tpm(self.tcti) as tpm:
            return tpm.seal(share, pin_auth=auth)

    def open(self, blob: bytes, auth: bytes) -> bytes:
        with Tpm(self.tcti) as tpm:
            return tpm.unseal(blob, pin_auth=auth)
