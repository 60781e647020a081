"""A named clinician's override of a chair's STOP (a rate outside the clinic's range): which
STOP, in the nurse's words, who cleared it and why. Sealed as the sign-off seals one (its own
`StopOverride` record); it clears that rate for this chair."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from textual.widget import Widget
from textual.widgets import Input, Select, Static

from kiosk.intake.records import Flag, Severity, StopOverride
from kiosk.locale.staff import chair_text
from kiosk.screens.chair_entry import ChairEntryScreen, EntryProblem


class ChairOverrideScreen(ChairEntryScreen):
    """The clinician's override of one of the chair's open STOP flags."""

    TITLE = "override.title"
    TIMED = False
    #: The chair's open STOP flags when the screen opened, by their code and answer.
    stops: dict[str, Flag]

    def fields(self) -> Iterable[Widget]:
        state = self.desk.chair(self.checkin_id, self.desk.clock())
        stops = [f.flag for f in state.open_flags if f.flag.severity is Severity.STOP]
        self.stops = {flag.code + flag.answer: flag for flag in stops}
        yield Static(chair_text("override.which"), classes="chair-field")
        yield Select[str](
            [(flag.reason, key) for key, flag in self.stops.items()],
            id="chair-override-flag",
            prompt=chair_text("override.choose"),
        )
        yield Static(chair_text("override.clinician"), classes="chair-field")
        yield Input(id="chair-override-clinician", max_length=100)
        yield Static(chair_text("override.reason"), classes="chair-field")
        yield Input(id="chair-override-reason", max_length=500)

    def on_mount(self) -> None:
        super().on_mount()
        if self.stops:  # Why: most often one STOP is open; it is the one meant.
            self.query_one("#chair-override-flag", Select).value = next(iter(self.stops))

    def seal(self, happened_at: datetime, entered_at: datetime) -> str:
        chosen = self.query_one("#chair-override-flag", Select).value
        flag = self.stops.get(str(chosen))
        if flag is None:
            raise EntryProblem(chair_text("override.none"))
        return self.desk.record_override(
            StopOverride(
                checkin_id=self.checkin_id,
                flag=flag,
                clinician_name=self.query_one("#chair-override-clinician", Input).value,
                reason=self.query_one("#chair-override-reason", Input).value,
                nurse_id=self.shift.staff_id,
                recorded_at=entered_at,
            )
        )
