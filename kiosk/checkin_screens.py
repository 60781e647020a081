"""The set of step screens one check-in uses, built fresh (empty) for each patient."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from kiosk.intake.checkin_steps import STEPS
from kiosk.intake.config import ClinicConfig
from kiosk.screens.checklist import ChecklistScreen
from kiosk.screens.consent import ConsentScreen
from kiosk.screens.history import HistoryScreen
from kiosk.screens.identity import IdentityScreen
from kiosk.screens.medications import MedicationsScreen
from kiosk.screens.migraine import MigraineScreen
from kiosk.screens.mood import MoodScreen
from kiosk.screens.review import ReviewScreen
from kiosk.screens.step_screen import StepScreen

#: The screen that shows each step (its `STEP`); the order is the steps' own.
_STEP_SCREENS: dict[str, type[StepScreen]] = {
    screen.STEP: screen
    for screen in (
        IdentityScreen,
        MedicationsScreen,
        HistoryScreen,
        MigraineScreen,
        MoodScreen,
        ChecklistScreen,
        ConsentScreen,
        ReviewScreen,
    )
}


def build_step_screens(
    language: str, clock: Callable[[], datetime], config: ClinicConfig
) -> dict[str, StepScreen]:
    """One new screen per step, in the order of the check-in's steps."""
    return {step: _STEP_SCREENS[step].for_clinic(language, clock, config) for step in STEPS}
