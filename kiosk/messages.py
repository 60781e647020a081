"""What the kiosk's screens tell the App, and its workers tell the screens: small past-tense
messages, every one of them here.

Kept apart from the screens so the App handles them without importing every step screen at
start-up (the steps are built after the welcome screen is up). A widget's own messages stay
on the widget, as Textual's do (`ChoiceList.Changed`, `TickBox.Toggled`). A message with
fields is a `@dataclass(repr=False, eq=False)`: Textual prints a crash with its locals, and a
message's repr must never show a patient's answers (the base repr names the message only);
messages compare and hash by identity, as Textual's own do. Sealing results carry ids only.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from typing import Generic, TypeVar

from textual import events
from textual.message import Message

from kiosk.intake.records import Draft, Phq9

T = TypeVar("T")


def is_activity(event: events.Event) -> bool:
    """A key, a touch or a paste: someone is at the kiosk (the idle clocks start again)."""
    return isinstance(event, events.Key | events.MouseDown | events.Paste)


# ---- the patient's check-in ---------------------------------------------------------------


class CheckInPressed(Message):
    """The patient pressed "Check in" on the welcome screen."""


@dataclass(repr=False, eq=False)
class LanguageChosen(Message):
    """The patient chose a language on the welcome screen."""

    language: str


@dataclass(repr=False, eq=False)
class DisplayToggled(Message):
    """Larger text or high contrast was switched on the welcome screen."""

    larger_text: bool
    high_contrast: bool


@dataclass(repr=False, eq=False)
class ReadAloudToggled(Message):
    """Read aloud was switched on or off on the welcome screen."""

    read_aloud: bool


class ReadAgainPressed(Message):
    """The patient tapped "Read again" on a step: say the current question again."""


@dataclass(repr=False, eq=False)
class StepDone(Message, Generic[T]):
    """The patient pressed Next on a step whose answers all pass."""

    step: str
    section: T


@dataclass(repr=False, eq=False)
class StepBack(Message):
    """The patient pressed Back."""

    step: str


@dataclass(repr=False, eq=False)
class EditPressed(Message):
    """On the review, the patient wants to change a section."""

    step: str


class SubmitPressed(Message):
    """The patient pressed Submit on the review."""


class ConsentDeclinePressed(Message):
    """The patient declined the consent."""


@dataclass(repr=False, eq=False)
class SelfHarmAnswered(Message):
    """PHQ-9 item 9 was answered above 0; carries the answers so far (unanswered as 0)."""

    answers_so_far: Phq9


class PatientActivity(Message):
    """The patient pressed a key, touched or pasted: the App restarts its idle clock."""


class FinishPressed(Message):
    """The patient tapped Finish on the Done screen: back to welcome now."""


# ---- sealing (posted by the App's seal worker) --------------------------------------------


@dataclass(repr=False, eq=False)
class DraftSealed(Message):
    """A draft is stored (the id only: messages must not carry a patient's answers)."""

    record_id: str


@dataclass(repr=False, eq=False)
class CheckInSealed(Message):
    """The check-in (or the declined consent) is stored: the patient may go."""

    declined: bool


@dataclass(repr=False, eq=False)
class SealFailed(Message):
    """Storing failed; the reason names a place, never a patient value."""

    reason: str


# ---- staff --------------------------------------------------------------------------------


class StaffLineTapped(Message):
    """Someone tapped the welcome screen's staff line: a tablet has no F12 key."""


@dataclass(repr=False, eq=False)
class ShiftLocked(Message):
    """A staff shift ended and the staff screens are gone."""

    staff_id: str
    reason: str


@dataclass(repr=False, eq=False)
class ResumeDraftRequested(Message):
    """Posted after the nurse's shift ends: continue this draft in patient mode."""

    record_id: str
    draft: Draft


class SyncNowRequested(Message):
    """IT asked for a sync run now (the App's sync worker does it)."""


@dataclass(repr=False, eq=False)
class SyncFinished(Message):
    """The sync worker finished one run; the IT console (if showing) redraws its status and,
    after "Sync now" (`forced`), says how the run ended. Sync handles sealed envelopes only:
    its error names no patient data."""

    outcome: str
    _: KW_ONLY
    forced: bool = False
    error: str | None = None
    delivered: int = 0
    quarantined: int = 0
