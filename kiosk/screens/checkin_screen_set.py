"""The set of step screens one check-in uses, built fresh (empty) for each patient."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

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


def build_step_screens(
    language: str, clock: Callable[[], datetime], config: ClinicConfig
) -> dict[str, StepScreen]:
    """One new screen per step, in the order of `checkin_session.STEPS`."""
    order = config.date_order
    return {
        "identity": IdentityScreen(language, clock, order, config.minimum_age),
        "medications": MedicationsScreen(language, clock, order),
        "history": HistoryScreen(language, clock, order),
        "migraine": MigraineScreen(language, clock, order),
        "mood": MoodScreen(language, clock, order),
        "checklist": ChecklistScreen(language, clock, order),
        "consent": ConsentScreen(language, clock, order, config.consent),
        "review": ReviewScreen(language, clock, order),
    }
