"""One chair for the nurse: the order and its working, the pump's rate, the next vitals counting
down (then OVERDUE), the open flags, what the discharge still needs, and the whole log.

Every action is a key and a button (a tap in the browser): exam (e), order (o), start (s), rate
(r), pause (p), resume (u), stop (x), vitals (v), side effect (f), clinician's override (c),
discharge (d), an entry corrected (t: its own form, filled), an entry withdrawn as entered in
error (w), Back (Escape). Each opens its entry screen; the entry is checked and sealed there.
The screen redraws each second from the chair's desk, which opens only records it has not seen.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar
from zoneinfo import ZoneInfo

from rich.cells import cell_len
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Static

from kiosk.desk.staff_shift import StaffShift
from kiosk.intake.chair.log import entries_in_force, happened_at, in_utc
from kiosk.intake.chair.rates import rate_text
from kiosk.intake.chair.records import EnteredInError
from kiosk.intake.chair.state import ChairState
from kiosk.locale import translate
from kiosk.locale.staff import STAFF_LANGUAGE, chair_text, staff_text
from kiosk.screens.chair_correct import ChairCorrectScreen
from kiosk.screens.chair_discharge import ChairDischargeScreen
from kiosk.screens.chair_exam import ChairExamScreen
from kiosk.screens.chair_order import ChairOrderScreen
from kiosk.screens.chair_override import ChairOverrideScreen
from kiosk.screens.chair_pump import ChairPumpScreen, PumpEvent
from kiosk.screens.chair_side_effect import ChairSideEffectScreen
from kiosk.screens.chair_vitals import ChairVitalsScreen
from kiosk.screens.chair_withdraw import ChairWithdrawScreen
from kiosk.screens.staff_screen import StaffScreen
from kiosk.widgets.chair_display import (
    clock,
    due_text,
    entry_text,
    open_flags_text,
    working_text,
)
from kiosk.widgets.staff_shift_bar import StaffShiftBar

#: Each action: (id, key, what it opens).
ACTIONS: tuple[tuple[str, str], ...] = (
    ("exam", "e"),
    ("order", "o"),
    ("start", "s"),
    ("rate", "r"),
    ("pause", "p"),
    ("resume", "u"),
    ("stop", "x"),
    ("vitals", "v"),
    ("side_effect", "f"),
    ("override", "c"),
    ("discharge", "d"),
    ("correct", "t"),
    ("withdraw", "w"),
)


class ChairScreen(StaffScreen):
    """One patient's chair: its state, its log and every action on it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", show=False),
        *(Binding(key, f"open('{name}')", show=False) for name, key in ACTIONS),
    ]

    DEFAULT_CSS = """
    ChairScreen { background: $background; }
    ChairScreen #chair-body { height: 1fr; padding: 0 1; }
    ChairScreen .nurse-section-title { text-style: bold underline; padding: 1 0 0 0; }
    ChairScreen #chair-actions {
        dock: bottom; grid-size: 7 2; grid-gutter: 0 1; height: 6; padding: 0 1;
    }
    ChairScreen #chair-actions Button { width: 100%; min-width: 8; }
    """

    #: A button's border and padding around its label, and the gap between two buttons.
    BUTTON_FRAME = 4
    BUTTON_GAP = 1
    BUTTON_ROWS = 3

    def __init__(self, shift: StaffShift, checkin_id: str) -> None:
        super().__init__(shift)
        self.checkin_id = checkin_id
        self.zone = ZoneInfo(shift.kiosk.config.time_zone)

    def compose(self) -> ComposeResult:
        yield StaffShiftBar(self.shift)
        with VerticalScroll(id="chair-body"):
            yield Static("", id="chair-heading", classes="nurse-section-title", markup=False)
            yield Static("", id="chair-status")
            yield Static(chair_text("chair.order"), classes="nurse-section-title")
            yield Static("", id="chair-order")
            yield Static(chair_text("chair.flags"), classes="nurse-section-title")
            yield Static("", id="chair-flags")
            yield Static(
                chair_text("chair.discharge"), id="chair-discharge", classes="nurse-section-title"
            )
            yield Static("", id="chair-missing")
            yield Static(chair_text("chair.log"), classes="nurse-section-title")
            yield Static("", id="chair-log")
        with Grid(id="chair-actions"):
            for name, key in ACTIONS:
                yield Button(f"{chair_text(f'action.{name}')} ({key})", id=f"chair-{name}")
            yield Button(f"{staff_text('common.back')} (Esc)", id="chair-back")

    def on_mount(self) -> None:
        super().on_mount()
        self.show_chair()
        self.set_interval(1.0, self.show_chair)
        self.query_one("#chair-body", VerticalScroll).focus()

    def on_resize(self, event: events.Resize) -> None:
        """As many buttons to a row as fit with every label whole ("Side effect (f)" was cut to
        "Side effect" at 120 columns): 7 to a row at 160 columns, 5 at 120, 4 at 100."""
        grid = self.query_one("#chair-actions", Grid)
        buttons = list(grid.query(Button))
        widest = max(cell_len(str(button.label)) for button in buttons) + self.BUTTON_FRAME
        room = event.size.width - grid.styles.padding.width + self.BUTTON_GAP
        columns = max(1, min(len(buttons), room // (widest + self.BUTTON_GAP)))
        rows = -(-len(buttons) // columns)
        grid.styles.grid_size_columns = columns
        grid.styles.grid_size_rows = rows
        grid.styles.height = rows * self.BUTTON_ROWS

    def on_screen_resume(self) -> None:
        if self.shift.active:
            self.show_chair()

    def show_chair(self) -> None:
        """Read the chair (only new records are opened) and redraw it at the desk's clock."""
        if not self.shift.active or not self.is_current:
            return
        desk = self.shift.chairs
        now = desk.clock()
        state = desk.chair(self.checkin_id, now)
        patient = desk.patient(self.checkin_id, now)
        self.query_one("#chair-heading", Static).update(
            chair_text("chair.heading", name=patient.name)
        )
        self.query_one("#chair-status", Static).update(self._status(state, now))
        self.query_one("#chair-order", Static).update(self._order(state))
        self.query_one("#chair-flags", Static).update(open_flags_text(state.open_flags, self.zone))
        # Once signed, the part is the discharge itself, no longer what it still needs.
        heading = "chair.discharge" if state.discharged_at is None else "action.discharge"
        self.query_one("#chair-discharge", Static).update(chair_text(heading))
        self.query_one("#chair-missing", Static).update(self._missing(state))
        self.query_one("#chair-log", Static).update(self._log())

    def _status(self, state: ChairState, now: datetime) -> Text:
        status = translate(f"chair.status.{state.course.status.value}", STAFF_LANGUAGE)
        text = Text(f"{chair_text('chair.status')}: {status}")
        if state.time_in is not None:
            text.append(
                f"   {chair_text('board.column.time_in')}: {clock(state.time_in, self.zone)}"
            )
        if state.rate is not None:
            text.append(f"\n{chair_text('chair.rate')}: {rate_text(state.rate)}")
        text.append(f"\n{chair_text('chair.next_vitals')}: ")
        text.append_text(due_text(state.next_vitals_due, now, self.zone))
        if state.minutes_in_recovery is not None:
            text.append(f"\n{chair_text('chair.recovery', minutes=state.minutes_in_recovery)}")
        return text

    def _order(self, state: ChairState) -> Text:
        order, planned = state.course.order, state.course.planned
        if order is None or planned is None:
            return Text(chair_text("chair.no_order"))
        text = Text(f"{order.drug} {order.concentration_mg_per_ml:g} mg/mL, ")
        text.append(chair_text("chair.ordered_by", name=order.clinician_name))
        text.append(f", {order.weight_kg:g} kg\n")
        text.append_text(working_text(planned, None))
        return text

    def _missing(self, state: ChairState) -> Text:
        if state.discharged_at is not None:
            return Text(chair_text("chair.discharged", time=clock(state.discharged_at, self.zone)))
        return Text("\n".join(f"- {m.describe(STAFF_LANGUAGE)}" for m in state.missing))

    def _log(self) -> Text:
        entries = self.shift.chairs.log(self.checkin_id)
        in_force = {entry.record_id for entry in entries_in_force(entries)}
        text = Text()
        # Why not in_time_order: entries of one moment keep the order they were entered in.
        for entry in sorted(entries, key=lambda e: happened_at(in_utc(e).record)):
            text.append_text(entry_text(entry, entry.record_id not in in_force, self.zone))
            if entry.supersedes and not isinstance(entry.record, EnteredInError):
                text.append(f"  ({chair_text('log.correction')})")
            text.append("\n")
        return text or Text(chair_text("chair.empty_log"))

    # ---- actions ----------------------------------------------------------------------

    def _screen_for(self, name: str) -> Screen[None]:
        shift, checkin_id = self.shift, self.checkin_id
        opens: dict[str, Callable[[], Screen[None]]] = {
            "exam": lambda: ChairExamScreen(shift, checkin_id),
            "order": lambda: ChairOrderScreen(shift, checkin_id),
            "vitals": lambda: ChairVitalsScreen(shift, checkin_id),
            "side_effect": lambda: ChairSideEffectScreen(shift, checkin_id),
            "override": lambda: ChairOverrideScreen(shift, checkin_id),
            "discharge": lambda: ChairDischargeScreen(shift, checkin_id),
            "correct": lambda: ChairCorrectScreen(shift, checkin_id),
            "withdraw": lambda: ChairWithdrawScreen(shift, checkin_id),
        }
        if name in opens:
            return opens[name]()
        return ChairPumpScreen(shift, checkin_id, PumpEvent(name))

    def action_open(self, name: str) -> None:
        self.app.push_screen(self._screen_for(name))

    @on(Button.Pressed, "#chair-actions Button")
    def _pressed(self, event: Button.Pressed) -> None:
        name = (event.button.id or "").removeprefix("chair-")
        if name == "back":
            self.action_back()
        else:
            self.action_open(name)

    def action_back(self) -> None:
        self.dismiss()
