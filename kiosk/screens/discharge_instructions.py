"""The discharge instructions, shown to the patient on the kiosk's screen in their language and
acknowledged there with one button (also in their language). The acknowledgement is sealed
with the SHA-256 of the exact text shown, as for the consent. The screen shows nothing of the
nurse's: no shift bar, no other patient; the staff lock still closes it."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Button, Static

from kiosk.desk.errors import KioskError
from kiosk.desk.staff_shift import StaffShift
from kiosk.intake.chair.records import InstructionsAcknowledged
from kiosk.locale import translate
from kiosk.locale.staff import chair_text
from kiosk.screens.staff_screen import StaffScreen


class DischargeInstructionsScreen(StaffScreen):
    """The instructions in the patient's language, and the patient's acknowledgement."""

    DEFAULT_CSS = """
    DischargeInstructionsScreen { background: $background; align: center top; }
    DischargeInstructionsScreen #instructions-box { width: 76; height: 1fr; padding: 1 2; }
    DischargeInstructionsScreen #instructions-title { text-style: bold; padding-bottom: 1; }
    DischargeInstructionsScreen #instructions-problem { color: $error; height: auto; }
    DischargeInstructionsScreen #instructions-acknowledge { width: 100%; margin: 1 0; }
    """

    def __init__(self, shift: StaffShift, checkin_id: str) -> None:
        super().__init__(shift)
        self.checkin_id = checkin_id
        self.shown = shift.chairs.instructions(checkin_id, shift.chairs.clock())

    def compose(self) -> ComposeResult:
        language = self.shown.language
        with VerticalScroll(id="instructions-box"):
            yield Static(translate("chair.instructions.title", language), id="instructions-title")
            yield Static(self.shown.text, id="instructions-text", markup=False)
            yield Static("", id="instructions-problem", markup=False)
            yield Button(
                translate("chair.instructions.acknowledge", language),
                id="instructions-acknowledge",
                variant="success",
            )

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#instructions-acknowledge").focus()

    @on(Button.Pressed, "#instructions-acknowledge")
    def acknowledge(self) -> None:
        desk = self.shift.chairs
        now = desk.clock()
        config = self.shift.kiosk.config
        try:
            desk.write(
                InstructionsAcknowledged(
                    checkin_id=self.checkin_id,
                    nurse_id=self.shift.staff_id,
                    happened_at=now,
                    entered_at=now,
                    language=self.shown.language,
                    text_sha256=config.chair.instructions_sha256(self.shown.language),
                ),
                now,
            )
        except KioskError as refused:
            self.query_one("#instructions-problem", Static).update(str(refused))
            return
        self.app.notify(chair_text("discharge.instructions_acknowledged"))
        self.dismiss()
