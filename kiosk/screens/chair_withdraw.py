"""An entry entered in error, withdrawn: which entry (those in force, as the log shows them) and
why. The withdrawal is its own sealed entry naming the one it withdraws (`supersedes`); the
entry stays in the log, struck through, and counts for nothing (docs/chair.md, the records)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from textual.widget import Widget
from textual.widgets import Input, Select, Static

from kiosk.intake.chair.log import entries_in_force
from kiosk.intake.chair.records import EnteredInError
from kiosk.intake.records import StopOverride
from kiosk.locale.staff import chair_text
from kiosk.screens.chair_entry import ChairEntryScreen, EntryProblem
from kiosk.widgets.chair_display import entry_text


class ChairWithdrawScreen(ChairEntryScreen):
    """One entry of the log withdrawn as entered in error, with the reason."""

    TITLE = "withdraw.title"
    TIMED = False

    def fields(self) -> Iterable[Widget]:
        desk = self.desk
        desk.chair(self.checkin_id, desk.clock())
        in_force = [
            entry
            for entry in entries_in_force(desk.log(self.checkin_id))
            if not isinstance(entry.record, StopOverride)  # an override stays on record
        ]
        yield Static(chair_text("withdraw.which"), classes="chair-field")
        yield Select[str](
            [(entry_text(e, False, self.zone), e.record_id) for e in reversed(in_force)],
            id="chair-withdraw-entry",
            prompt=chair_text("withdraw.choose"),
        )
        yield Static(chair_text("withdraw.reason"), classes="chair-field")
        yield Input(id="chair-withdraw-reason", max_length=500)

    def seal(self, happened_at: datetime, entered_at: datetime) -> str:
        chosen = self.query_one("#chair-withdraw-entry", Select).value
        if not isinstance(chosen, str):
            raise EntryProblem(chair_text("withdraw.none"))
        withdrawal = EnteredInError(
            checkin_id=self.checkin_id,
            nurse_id=self.shift.staff_id,
            happened_at=happened_at,
            entered_at=entered_at,
            reason=self.query_one("#chair-withdraw-reason", Input).value,
        )
        return self.desk.write(withdrawal, entered_at, supersedes=chosen)
