"""Suite-wide settings: hypothesis profiles (CI-sized by default, unbounded for `make fuzz`),
and the TPM: no test touches the machine's own TPM (`KIOSK_TPM_TCTI=none` for the whole run);
a test that needs one takes `tpm_tcti`, a fresh swtpm of its own."""

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from tests.swtpm import running_swtpm

settings.register_profile("ci", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "fuzz",
    max_examples=1_000_000,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Why: `kiosk init` takes control of a TPM's lockout; a developer's own TPM is not the tests'.
os.environ["KIOSK_TPM_TCTI"] = "none"


@pytest.fixture
def tpm_tcti(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh software TPM, as a new machine ships it, that the kiosk is pointed at."""
    with running_swtpm() as tcti:
        monkeypatch.setenv("KIOSK_TPM_TCTI", tcti)
        yield tcti
