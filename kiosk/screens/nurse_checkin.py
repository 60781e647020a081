"""One check-in in full for the nurse: every flag with its reason and answer, then every answer.

Opened from today's list. For a complete check-in the nurse goes on to vitals (or corrects the
vitals already signed); for an interrupted draft the nurse can hand the kiosk back to the patient
at the step where they stopped.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Static

from kiosk.desk.nurse_answers import AnswerSection, answer_sections
from kiosk.desk.staff_shift import StaffShift
from kiosk.intake.checkin_steps import STEPS
from kiosk.intake.config import ClinicConfig
from kiosk.intake.records import (
    CheckIn,
    DecisionOutcome,
    Draft,
    Flag,
    NurseDecision,
    StopOverride,
    Vitals,
)
from kiosk.intake.rules import open_flags, screen_checkin, screen_draft
from kiosk.locale.staff import chair_text, staff_text
from kiosk.messages import ResumeDraftRequested
from kiosk.screens.chair import ChairScreen
from kiosk.screens.nurse_signoff import DecisionGrounds, NurseSignOffScreen, open_flags_text
from kiosk.screens.nurse_vitals import NurseVitalsScreen
from kiosk.screens.staff_screen import StaffScreen
from kiosk.store.nurse_table import CheckInSummary
from kiosk.widgets.staff_display import inert
from kiosk.widgets.staff_shift_bar import StaffShiftBar


def step_title(step: str) -> str:
    """A draft's step as the nurse reads it ("Migraine history"), never the internal id."""
    return staff_text(f"step.{step}" if step in STEPS else "step.unknown")


def section_text(section: AnswerSection) -> Text:
    """A section's question/answer pairs, the answers drawn inertly."""
    text = Text()
    for question, answer in section.rows:
        text.append(f"{question}\n", style="dim")
        text.append("  ")
        text.append_text(inert(answer or "-"))
        text.append("\n")
    return text


@dataclass(frozen=True)
class OpenedCheckIn:
    """A check-in or draft opened with the staff key, its own flags, its latest signed vitals,
    the clinicians' overrides of its STOP flags and the nurse's latest decision."""

    record_id: str
    record: CheckIn | Draft
    flags: tuple[Flag, ...]
    vitals: tuple[str, Vitals] | None
    overrides: tuple[tuple[str, StopOverride], ...] = ()
    decision: tuple[str, NurseDecision] | None = None

    def open_flags(self, config: ClinicConfig) -> tuple[Flag, ...]:
        """Every open flag: the check-in's and its latest vitals', as the sign-off shows them."""
        return open_flags(self.flags, None if self.vitals is None else self.vitals[1], config)

    def grounds(self) -> DecisionGrounds:
        """What the sign-off needs from this check-in besides the vitals."""
        return DecisionGrounds(self.flags, self.overrides, self.decision)


def open_checkin(shift: StaffShift, summary: CheckInSummary) -> OpenedCheckIn:
    """Open one row's record (and its latest vitals) for the nurse, with its flags now."""
    config = shift.kiosk.config
    record = shift.session.open_record(summary.record_id)
    if isinstance(record, Draft):
        return OpenedCheckIn(summary.record_id, record, screen_draft(record, config), None)
    if not isinstance(record, CheckIn):
        raise ValueError(f"record {summary.record_id} is not a check-in or a draft")
    vitals = decision = None
    if summary.vitals_record_id is not None:
        signed = shift.session.open_record(summary.vitals_record_id)
        if isinstance(signed, Vitals):
            vitals = (summary.vitals_record_id, signed)
    if summary.decision_record_id is not None:
        decided = shift.session.open_record(summary.decision_record_id)
        if isinstance(decided, NurseDecision):
            decision = (summary.decision_record_id, decided)
    overrides = []
    for record_id in summary.override_record_ids:
        override = shift.session.open_record(record_id)
        if isinstance(override, StopOverride):
            overrides.append((record_id, override))
    flags = screen_checkin(record, config)
    return OpenedCheckIn(summary.record_id, record, flags, vitals, tuple(overrides), decision)


class NurseCheckInScreen(StaffScreen):
    """Flags first, then every answer grouped as the patient saw them."""

    BINDINGS = [Binding("escape", "back", "Back", show=False)]

    DEFAULT_CSS = """
    NurseCheckInScreen { background: $background; }
    NurseCheckInScreen .nurse-section-title { text-style: bold underline; padding: 1 1 0 1; }
    NurseCheckInScreen .nurse-section { padding: 0 2; }
    NurseCheckInScreen #nurse-checkin-flags { padding: 0 2; border: heavy $error; }
    NurseCheckInScreen #nurse-checkin-actions { dock: bottom; height: 3; }
    NurseCheckInScreen #nurse-checkin-actions Button { margin: 0 1; }
    """

    def __init__(self, shift: StaffShift, opened: OpenedCheckIn) -> None:
        super().__init__(shift)
        self.opened: OpenedCheckIn | None = opened

    def compose(self) -> ComposeResult:
        opened = self.opened
        if opened is None:
            return
        record = opened.record
        zone = ZoneInfo(self.shift.kiosk.config.time_zone)
        yield StaffShiftBar(self.shift)
        with VerticalScroll(id="nurse-checkin-body"):
            yield Static(self._heading(opened), classes="nurse-section-title", markup=False)
            yield Static(staff_text("checkin.flags"), classes="nurse-section-title")
            overrides = [override for _, override in opened.overrides]
            yield Static(
                open_flags_text(opened.open_flags(self.shift.kiosk.config), overrides),
                id="nurse-checkin-flags",
            )
            for section in answer_sections(record, zone, self.shift.kiosk.config.consent):
                yield Static(section.title, classes="nurse-section-title", markup=False)
                yield Static(section_text(section), classes="nurse-section")
        with Horizontal(id="nurse-checkin-actions"):
            yield Button(staff_text("common.back"), id="nurse-checkin-back")
            if isinstance(record, CheckIn):
                label = "checkin.correct_vitals" if opened.vitals else "checkin.enter_vitals"
                yield Button(staff_text(label), id="nurse-checkin-vitals", variant="primary")
                if opened.vitals:
                    yield Button(staff_text("checkin.decide"), id="nurse-checkin-decide")
                if opened.decision and opened.decision[1].outcome is DecisionOutcome.CLEARED:
                    yield Button(
                        chair_text("checkin.to_chair"), id="nurse-checkin-chair", variant="success"
                    )
            else:
                yield Button(
                    staff_text("checkin.resume", step=step_title(record.step)),
                    id="nurse-checkin-resume",
                    variant="primary",
                )

    @staticmethod
    def _heading(opened: OpenedCheckIn) -> str:
        record = opened.record
        if isinstance(record, Draft):
            return staff_text("checkin.heading_draft", step=step_title(record.step))
        if opened.decision is not None:
            decision = opened.decision[1]
            return staff_text(f"checkin.heading_{decision.outcome.value}", reason=decision.reason)
        key = "checkin.heading_signed" if opened.vitals else "checkin.heading_unsigned"
        return staff_text(key)

    def forget(self) -> None:
        self.opened = None
        super().forget()

    @on(Button.Pressed, "#nurse-checkin-back")
    def action_back(self) -> None:
        self.opened = None
        self.dismiss()

    @on(Button.Pressed, "#nurse-checkin-vitals")
    def _enter_vitals(self) -> None:
        if self.opened is not None:
            opened = self.opened
            answer = None
            if isinstance(opened.record, CheckIn):
                answer = opened.record.checklist.may_be_pregnant
            self.app.push_screen(
                NurseVitalsScreen(
                    self.shift, opened.record_id, opened.vitals, opened.grounds(), answer
                )
            )

    @on(Button.Pressed, "#nurse-checkin-decide")
    def _decide(self) -> None:
        """Decide again on the vitals already signed (after a clinician's override, say)."""
        opened = self.opened
        if opened is not None and opened.vitals is not None:
            vitals_id, vitals = opened.vitals
            self.app.push_screen(
                NurseSignOffScreen(
                    self.shift, vitals, None, opened.grounds(), signed_vitals_id=vitals_id
                )
            )

    @on(Button.Pressed, "#nurse-checkin-chair")
    def _to_chair(self) -> None:
        """A cleared patient's chair: the exam, the order and the log from there."""
        if self.opened is not None:
            self.app.push_screen(ChairScreen(self.shift, self.opened.record_id))

    @on(Button.Pressed, "#nurse-checkin-resume")
    def _resume(self) -> None:
        opened = self.opened
        if opened is None or not isinstance(opened.record, Draft):
            return
        self.shift.kiosk.store.append_audit(
            self.shift.staff_id,
            "staff.draft_resumed",
            opened.record_id,
            f"step={opened.record.step}",
        )
        app = self.app
        self.opened = None
        self.end_shift("resume")
        app.post_message(ResumeDraftRequested(opened.record_id, opened.record))
