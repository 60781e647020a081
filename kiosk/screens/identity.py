"""Who you are: legal name, preferred name, date of birth, phone and an emergency contact.

The date of birth's hint and the examples in its messages follow the clinic's date order, in the
patient's letters (DD/MM/AAAA in Spanish for a day-first clinic).

Back on this first step returns to the welcome screen through the App's wipe (nothing typed here
survives); it is offered only while nothing of this check-in has been sealed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Literal, Self

from textual.app import ComposeResult
from textual.widgets import Button, Static

from kiosk.intake.checkin_session import CheckInSession
from kiosk.intake.config import ClinicConfig
from kiosk.intake.records import Identity
from kiosk.intake.validation import (
    FieldProblem,
    validate_date_of_birth,
    validate_person_name,
    validate_phone,
)
from kiosk.screens.step_screen import StepScreen


class IdentityScreen(StepScreen):
    """The first step: the details that say who the check-in belongs to."""

    STEP = "identity"

    def __init__(
        self, language: str, clock: Callable[[], datetime], date_order: str, minimum_age: int
    ) -> None:
        super().__init__(language, clock, date_order)
        #: The clinic's youngest age for the kiosk; a younger date of birth is sent to the desk.
        self.minimum_age = minimum_age

    @classmethod
    def for_clinic(cls, language: str, clock: Callable[[], datetime], config: ClinicConfig) -> Self:
        return cls(language, clock, config.date_order, config.minimum_age)

    def title_text(self) -> str:
        return self.text("screens.identity.title")

    @property
    def order(self) -> Literal["MDY", "DMY"]:
        return "DMY" if self.date_order == "DMY" else "MDY"

    @property
    def date_hint(self) -> str:
        """How to write a date in the clinic's order, in the patient's language."""
        return self.text(f"screens.identity.date_hint_{self.order.lower()}")

    def problem_text(self, problem: FieldProblem) -> str:
        # Why: the validator's example is the English form (MM/DD/YYYY); the patient reads theirs.
        if "example" in problem.params:
            return self.text(problem.code, **{**problem.params, "example": self.date_hint})
        return super().problem_text(problem)

    def body(self) -> ComposeResult:
        text = self.text
        order = self.order
        yield Static(text("screens.identity.intro"), classes="intro", markup=False)
        yield from self.field(
            "legal_name",
            text("screens.identity.legal_name"),
            lambda raw: validate_person_name(raw, "legal_name"),
        )
        yield from self.field(
            "preferred_name",
            text("screens.identity.preferred_name"),
            lambda raw: validate_person_name(raw, "preferred_name", required=False),
        )
        yield from self.field(
            "date_of_birth",
            text("screens.identity.date_of_birth"),
            lambda raw: validate_date_of_birth(
                raw, self.clock().date(), order, minimum_age=self.minimum_age
            ),
            placeholder=self.date_hint,
            keypad=True,
        )
        yield from self.field(
            "phone",
            text("screens.identity.phone"),
            lambda raw: validate_phone(raw, "phone"),
            keypad=True,
        )
        yield from self.field(
            "emergency_contact_name",
            text("screens.identity.emergency_contact_name"),
            lambda raw: validate_person_name(raw, "emergency_contact_name"),
        )
        yield from self.field(
            "emergency_contact_phone",
            text("screens.identity.emergency_contact_phone"),
            lambda raw: validate_phone(raw, "emergency_contact_phone"),
            keypad=True,
        )

    def before_show(self, session: CheckInSession) -> None:
        # Why: Back here goes to welcome through the wipe; once a draft is sealed (the patient
        # went on and came back, or came from review) one press would throw answers away.
        nothing_sealed = session.draft_number == 0 and session.last_draft_id is None
        self.query_one("#back", Button).display = nothing_sealed

    def fill(self, session: CheckInSession) -> None:
        who = session.identity
        if who is None:
            return
        born = who.date_of_birth
        order = "%d/%m/%Y" if self.date_order == "DMY" else "%m/%d/%Y"
        for field_id, value in (
            ("legal_name", who.legal_name),
            ("preferred_name", who.preferred_name),
            ("date_of_birth", born.strftime(order)),
            ("phone", who.phone),
            ("emergency_contact_name", who.emergency_contact_name),
            ("emergency_contact_phone", who.emergency_contact_phone),
        ):
            self.put(field_id, value)
        self.refresh_state()

    def collect(self) -> Identity:
        return Identity(
            legal_name=self.valid("legal_name"),
            preferred_name=self.valid("preferred_name"),
            date_of_birth=self.valid("date_of_birth"),
            phone=self.valid("phone"),
            emergency_contact_name=self.valid("emergency_contact_name"),
            emergency_contact_phone=self.valid("emergency_contact_phone"),
        )
