"""Sign-off: every open flag of the check-in and the vitals, the nurse's decision, the PIN.

The nurse reads the vitals and every flag once more, with each STOP's state (waiting for a
clinician's override, or cleared by whom and why), records a clinician's override of a STOP if
one was given, and decides: cleared for the infusion, or hold with a reason. "Cleared" waits
until every STOP has an override. Only a correct PIN for the signed-in nurse seals, in order,
the vitals (unless already signed), each new override (its own record) and the decision. Wrong
PINs count toward the same lockout as unlock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Select, Static

from kiosk.desk.errors import KioskError
from kiosk.desk.staff_shift import StaffShift
from kiosk.intake.measures import MEASURES
from kiosk.intake.records import (
    DecisionOutcome,
    Flag,
    NurseDecision,
    Severity,
    StopOverride,
    Vitals,
)
from kiosk.intake.rules import open_flags
from kiosk.intake.validation import Invalid, validate_detail, validate_person_name
from kiosk.locale import translate
from kiosk.locale.staff import counted, staff_text
from kiosk.screens.staff_screen import (
    PinRefused,
    StaffScreen,
    pin_signature,
    unlock_with_pin,
)
from kiosk.widgets.decision_choice import DecisionButton, DecisionChoice
from kiosk.widgets.staff_display import VITAL_UNITS, flag_words, flags_text, inert
from kiosk.widgets.staff_pin_pad import PinPadForm
from kiosk.widgets.staff_shift_bar import StaffShiftBar

#: How long a hold or override reason may be (a few sentences).
REASON_MAX = 500


@dataclass(frozen=True)
class DecisionGrounds:
    """What a decision rests on besides the vitals: the check-in's own flags, the clinicians'
    overrides already sealed for it, and the earlier decision a new one replaces."""

    checkin_flags: tuple[Flag, ...] = ()
    overrides: tuple[tuple[str, StopOverride], ...] = ()
    decision: tuple[str, NurseDecision] | None = None


def vitals_text(vitals: Vitals) -> Text:
    """The values about to be signed, one per line, in the units they are stored in."""
    lines = [f"{m.label:<28} {getattr(vitals, m.field):g} {VITAL_UNITS[m.id][0]}" for m in MEASURES]
    pregnancy = staff_text(f"vitals.pregnancy.{vitals.pregnancy_test.value}")
    lines.append(f"{staff_text('vitals.pregnancy_test'):<28} {pregnancy}")
    return Text("\n".join(lines))


def open_flags_text(
    flags: Sequence[Flag], overrides: Sequence[StopOverride], pending: Sequence[StopOverride] = ()
) -> Text:
    """Every flag with its reason and answer; under each STOP, who cleared it and why, or that
    it waits for a clinician's override."""
    if not flags:
        return flags_text(flags)
    cleared = {o.flag.code: (o, False) for o in overrides} | {
        o.flag.code: (o, True) for o in pending
    }
    text = Text()
    for flag in flags:
        text.append_text(flags_text([flag]))
        if flag.severity is not Severity.STOP:
            continue
        if flag.code not in cleared:
            text.append(f"    {staff_text('signoff.needs_override')}\n", style="bold")
            continue
        override, is_pending = cleared[flag.code]
        key = "signoff.override_pending" if is_pending else "signoff.overridden"
        text.append(f"    {staff_text(key)} ", style="bold")
        text.append_text(inert(override.clinician_name))
        text.append(": ")
        text.append_text(inert(override.reason))
        text.append("\n")
    return text


def _problem_words(problem: Invalid) -> str:
    return translate(problem.problem.code, "en", **problem.problem.params)


class NurseSignOffScreen(StaffScreen):
    """Shows the vitals and every open flag; the nurse's decision and PIN seal them."""

    BINDINGS = [Binding("escape", "back", "Back", show=False)]

    DEFAULT_CSS = """
    NurseSignOffScreen { background: $background; }
    NurseSignOffScreen #signoff-box { height: 1fr; padding: 0 2; }
    NurseSignOffScreen .nurse-section-title { text-style: bold underline; padding: 1 0 0 0; }
    NurseSignOffScreen #signoff-problem { color: $error; text-style: bold; height: auto; }
    NurseSignOffScreen #signoff-override { height: auto; border: round $warning; padding: 0 1; }
    NurseSignOffScreen #signoff-override Input { width: 80; }
    NurseSignOffScreen #override-flag { width: 80; }
    NurseSignOffScreen #signoff-hold-reason { width: 80; }
    NurseSignOffScreen #signoff-pin { width: 30; }
    NurseSignOffScreen #signoff-actions { dock: bottom; height: 3; }
    NurseSignOffScreen #signoff-actions Button { margin: 0 1; }
    """

    def __init__(
        self,
        shift: StaffShift,
        vitals: Vitals,
        supersedes: str | None,
        grounds: DecisionGrounds | None = None,
        signed_vitals_id: str | None = None,
    ) -> None:
        super().__init__(shift)
        self.vitals: Vitals | None = vitals
        self.supersedes = supersedes
        self.grounds: DecisionGrounds | None = grounds or DecisionGrounds()
        #: The vitals record once sealed (given when deciding on vitals signed earlier).
        self.signed_vitals_id = signed_vitals_id
        #: Overrides added on this screen, sealed when the nurse signs.
        self.pending: list[StopOverride] = []
        self.flags: tuple[Flag, ...] = open_flags(
            self.grounds.checkin_flags, vitals, shift.kiosk.config
        )

    # ---- what is on screen ------------------------------------------------------------

    def compose(self) -> ComposeResult:
        vitals = self.vitals
        if vitals is None:
            return
        yield StaffShiftBar(self.shift)
        with PinPadForm(id="signoff-box"):
            title = "signoff.title_signed" if self.signed_vitals_id else "signoff.title"
            yield Static(staff_text(title), classes="nurse-section-title")
            yield Static(vitals_text(vitals))
            yield Static(staff_text("signoff.flags"), classes="nurse-section-title")
            yield Static(self._flags_text(), id="signoff-flags")
            with Vertical(id="signoff-override"):
                yield Static(staff_text("signoff.override_title"), classes="nurse-section-title")
                yield Select[str](
                    self._override_choices(),
                    id="override-flag",
                    prompt=staff_text("signoff.override_flag"),
                )
                yield Input(
                    id="override-clinician",
                    placeholder=staff_text("signoff.override_clinician"),
                    max_length=100,
                )
                yield Input(
                    id="override-reason",
                    placeholder=staff_text("signoff.override_reason"),
                    max_length=REASON_MAX,
                )
                yield Button(staff_text("signoff.override_add"), id="override-add")
            yield Static(staff_text("signoff.decision"), classes="nurse-section-title")
            with DecisionChoice(id="signoff-decision"):
                yield DecisionButton(staff_text("signoff.cleared"), id="decision-cleared")
                yield DecisionButton(staff_text("signoff.hold"), id="decision-hold")
            yield Input(
                id="signoff-hold-reason",
                placeholder=staff_text("signoff.hold_reason"),
                max_length=REASON_MAX,
            )
            yield from pin_signature(self.shift.staff_id, "signoff")
        yield Static("", id="signoff-problem", markup=False)
        with Horizontal(id="signoff-actions"):
            yield Button(staff_text("common.back"), id="signoff-back")
            yield Button(staff_text("signoff.sign"), id="signoff-sign", variant="success")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#signoff-override").display = bool(self._uncovered_stops())
        # Why: the page opens at its top, on the vitals and flags, scrolled by arrow keys.
        self.query_one("#signoff-box", VerticalScroll).focus()

    def _overrides(self) -> list[StopOverride]:
        return [] if self.grounds is None else [o for _, o in self.grounds.overrides]

    def _flags_text(self) -> Text:
        return open_flags_text(self.flags, self._overrides(), self.pending)

    def _uncovered_stops(self) -> list[Flag]:
        """The STOP flags no clinician's override (sealed or about to be) clears yet."""
        cleared = {o.flag.code for o in [*self._overrides(), *self.pending]}
        return [f for f in self.flags if f.severity is Severity.STOP and f.code not in cleared]

    def _override_choices(self) -> list[tuple[Text, str]]:
        """Each STOP waiting, in the nurse's words (its reason and the answer), never its code."""
        return [(flag_words(flag), flag.code) for flag in self._uncovered_stops()]

    def _say(self, words: str) -> None:
        self.query_one("#signoff-problem", Static).update(words)

    def forget(self) -> None:
        self.vitals = None
        self.grounds = None
        self.pending.clear()
        self.flags = ()
        super().forget()

    @on(Button.Pressed, "#signoff-back")
    def action_back(self) -> None:
        self.query_one("#signoff-pin", Input).value = ""
        self.dismiss()

    # ---- a clinician's override -------------------------------------------------------

    @on(Button.Pressed, "#override-add")
    @on(Input.Submitted, "#override-reason")
    def add_override(self) -> None:
        """Keep a clinician's override of the chosen STOP, to be sealed when the nurse signs."""
        chosen = self.query_one("#override-flag", Select).value
        flag = next((f for f in self._uncovered_stops() if f.code == chosen), None)
        if flag is None:
            self._say(staff_text("signoff.override_which"))
            return
        name_box = self.query_one("#override-clinician", Input)
        reason_box = self.query_one("#override-reason", Input)
        name = validate_person_name(name_box.value, "clinician_name")
        if isinstance(name, Invalid):
            self._say(staff_text("signoff.override_bad_name", problem=_problem_words(name)))
            return
        reason = validate_detail(reason_box.value, "override_reason", REASON_MAX)
        if isinstance(reason, Invalid) or not reason.value:
            self._say(staff_text("signoff.override_needs_reason"))
            return
        self.pending.append(
            StopOverride(
                checkin_id=self._checkin_id(),
                flag=flag,
                clinician_name=name.value,
                reason=reason.value,
                nurse_id=self.shift.staff_id,
                recorded_at=datetime.now(UTC),
            )
        )
        name_box.value = reason_box.value = ""
        self._say("")
        self.query_one("#signoff-flags", Static).update(self._flags_text())
        self.query_one("#override-flag", Select).set_options(self._override_choices())
        more_stops = bool(self._uncovered_stops())
        self.query_one("#signoff-override").display = more_stops
        # Why: the focus was on the box now hidden; on to the next STOP, or to the decision.
        self.query_one("#override-flag" if more_stops else "#signoff-decision").focus()

    def _checkin_id(self) -> str:
        return "" if self.vitals is None else self.vitals.checkin_id

    # ---- the decision and the PIN -----------------------------------------------------

    def outcome(self) -> DecisionOutcome | None:
        """What the nurse chose: cleared, hold, or nothing yet."""
        pressed = self.query_one("#signoff-decision", DecisionChoice).pressed_button
        if pressed is None:
            return None
        return DecisionOutcome.CLEARED if pressed.id == "decision-cleared" else DecisionOutcome.HOLD

    @on(Input.Submitted, "#signoff-pin")
    @on(Button.Pressed, "#signoff-sign")
    def _sign_pressed(self) -> None:
        self.sign()

    def _decision_problem(self, outcome: DecisionOutcome | None, reason: str) -> str | None:
        """Why the decision cannot be signed as it stands, or None."""
        if outcome is None:
            return staff_text("signoff.choose")
        if outcome is DecisionOutcome.HOLD and not reason:
            return staff_text("signoff.hold_needs_reason")
        uncovered = self._uncovered_stops()
        if outcome is DecisionOutcome.CLEARED and uncovered:
            named = "; ".join(flag_words(flag).plain for flag in uncovered)
            return staff_text("signoff.stop_needs_override", flags=named)
        return None

    def sign(self) -> None:
        """Check the decision and the PIN, seal vitals, overrides and decision, go back."""
        pin_input = self.query_one("#signoff-pin", Input)
        pin = pin_input.value
        pin_input.value = ""
        outcome = self.outcome()
        checked = validate_detail(
            self.query_one("#signoff-hold-reason", Input).value, "hold_reason", REASON_MAX
        )
        if isinstance(checked, Invalid):
            self._say(_problem_words(checked))
            return
        problem = self._decision_problem(outcome, checked.value)
        if problem is not None or outcome is None:
            self._say(problem or "")
            return
        if not pin:
            self._say(staff_text("signoff.pin_missing"))
            return
        shift = self.shift
        try:
            unlock_with_pin(shift.kiosk, shift.staff_id, pin, datetime.now(UTC), "signoff").lock()
        except PinRefused as refused:
            self._say(str(refused))
            return
        try:
            record_id = self._seal(outcome, checked.value)
        except KioskError as refused:
            self._say(str(refused))
            return
        self.return_to_queue(record_id, outcome, len(self.flags))

    def _seal(self, outcome: DecisionOutcome, reason: str) -> str:
        """Seal the vitals (once), each new override, then the decision; its record id."""
        session = self.shift.session
        if self.vitals is None or self.grounds is None:
            raise KioskError("this sign-off was closed")
        if self.signed_vitals_id is None:
            self.signed_vitals_id, _ = session.record_vitals(
                self.vitals, supersedes=self.supersedes
            )
        sealed = list(self.grounds.overrides)
        while self.pending:
            override = self.pending[0]
            sealed.append((session.record_override(override), override))
            self.pending.pop(0)  # Why: a retry after a refusal must not seal it twice.
            self.grounds = replace(self.grounds, overrides=tuple(sealed))
        earlier = self.grounds.decision
        decision = NurseDecision(
            checkin_id=self.vitals.checkin_id,
            vitals_id=self.signed_vitals_id,
            nurse_id=self.shift.staff_id,
            decided_at=datetime.now(UTC),
            outcome=outcome,
            reason=reason,
            flags=self.flags,
            overrides=tuple(record_id for record_id, _ in sealed),
        )
        return session.record_decision(decision, supersedes=earlier[0] if earlier else None)

    def return_to_queue(self, record_id: str, outcome: DecisionOutcome, flag_count: int) -> None:
        self.return_home()
        self.app.notify(
            staff_text(
                f"signoff.done_{outcome.value}",
                record_id=record_id[:8],
                flags=counted(flag_count, "flag"),
            )
        )
