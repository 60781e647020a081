"""What the check-in screens tell the App: small past-tense messages, never a widget.

Kept apart from the screens so the App can handle them without importing every step screen
at start-up (the steps are built after the welcome screen is up).
"""

from __future__ import annotations

from typing import Generic, TypeVar

from textual.message import Message

from kiosk.intake.records import Phq9

T = TypeVar("T")


class StepDone(Message, Generic[T]):
    """The patient pressed Next on a step whose answers all pass."""

    def __init__(self, step: str, section: T) -> None:
        super().__init__()
        self.step = step
        self.section = section


class StepBack(Message):
    """The patient pressed Back."""

    def __init__(self, step: str) -> None:
        super().__init__()
        self.step = step


class EditPressed(Message):
    """On the review, the patient wants to change a section."""

    def __init__(self, step: str) -> None:
        super().__init__()
        self.step = step


class SubmitPressed(Message):
    """The patient pressed Submit on the review."""


class ConsentDeclinePressed(Message):
    """The patient declined the consent."""


class SelfHarmAnswered(Message):
    """PHQ-9 item 9 was answered above 0; carries the answers so far (unanswered as 0)."""

    def __init__(self, answers_so_far: Phq9) -> None:
        super().__init__()
        self.answers_so_far = answers_so_far


class PatientActivity(Message):
    """The patient pressed a key, touched or pasted: the App restarts its idle clock."""
