"""A stand-in kiosk that crashes while a patient's answer is in a local variable."""

import sys

from textual.app import App

from kiosk.browser.tab_session import run_withholding_errors

PATIENT_ANSWER = "CANARY-PATIENT-ANSWER-7731"


class CrashingKioskApp(App[None]):
    def on_mount(self) -> None:
        typed_answer = PATIENT_ANSWER
        raise RuntimeError(f"could not store {typed_answer}")


if __name__ == "__main__":
    sys.exit(run_withholding_errors(CrashingKioskApp()))
