"""Drives one complete check-in through the real screens, fast: fills each step's widgets in
place (the benchmarks measure switching and memory, not typing), lets the step redraw as it
would have while the patient typed and moved to Next, then presses Next with Enter.

Shared by bench/screen_switch.py and bench/rss_growth.py; not a benchmark itself.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from textual import events
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input

from kiosk.app import KioskApp
from kiosk.intake.checkin_steps import STEPS
from kiosk.intake.questions import HISTORY_TOPICS
from kiosk.messages import CheckInSealed
from kiosk.screens.step_screen import StepScreen
from kiosk.widgets.choice_list import ChoiceList
from kiosk.widgets.tick_box import TickBox

TEXT: dict[str, str] = {
    "legal_name": "Dana Example",
    "date_of_birth": "07/02/1984",
    "phone": "555 010 2030",
    "emergency_contact_name": "Sam Example",
    "emergency_contact_phone": "555 010 4050",
    "headache_days_per_month": "12",
    "migraine_days_per_month": "6",
    "typical_pain": "7",
    "preventives_tried": "topiramate",
    "last_food": "7:30",
    "last_clear_liquid": "2",
    "driver_name": "Sam Example",
    "driver_phone": "555 010 4050",
    "signature": "Dana Example",
}
MIDAS = {"midas_item1": "3", "midas_item2": "2", "midas_item3": "1", "midas_item4": "0"}
MIDAS |= {"midas_item5": "1", "midas_headache_days_3_months": "20", "midas_average_pain": "6"}
ANSWERS: dict[str, dict[str, str]] = {
    "history-questions": {t: "no" for t in HISTORY_TOPICS},
    "migraine-questions": {"aura": "no", "earlier_ketamine": "no"},
    "phq9-questions": {f"item{n}": "0" for n in range(1, 10)},
    "driver-question": {"has_driver": "yes"},
    "today-questions": {
        "took_regular_medications": "yes",
        "alcohol_or_drugs_24h": "no",
        "feeling_unwell": "no",
    },
    "pregnancy-question": {"may_be_pregnant": "not_applicable"},
}
TICKS = ("#no-medications", "#no-allergies")
#: Pauses after filling a step: its re-layout may take a second pass (answers change heights).
_SETTLE_PAUSES = 2


def fill(screen: StepScreen) -> None:
    """Answer everything on a step the way a patient would have by the time they press Next."""
    for choices in screen.query(ChoiceList):
        choices.answers.update(ANSWERS.get(choices.id or "", {}))
        for choice in choices.choices:  # follow-ups left hidden stay unanswered
            if choice.follow_up_of is not None:
                choices.answers.pop(choice.id, None)
    for box in screen.query(TickBox):
        if box.id in {t[1:] for t in TICKS} or (box.id or "").startswith("ack-"):
            box.disabled = False
            box.set_ticked(True)
    for field in screen.query(Input):
        value = (TEXT | MIDAS).get(field.id or "")
        if value is not None:
            field.value = value
    if hasattr(screen, "read_to_end"):
        screen.read_to_end = True
    screen.refresh_state()


async def press_next_and_time(
    app: KioskApp, pilot: Pilot[None], record: Callable[[float], None]
) -> None:
    """Move to Next, let the step redraw, press Enter: the milliseconds until the next screen
    is drawn are recorded (not the redraw of what was typed, which a patient has already seen).
    """
    before = app.screen
    app.set_focus(before.query_one("#next"))
    for _ in range(_SETTLE_PAUSES):
        await pilot.pause()
    # Why: a patient spends seconds on a step, long enough for the last draft to be sealed and
    # the review to be drawn ahead; this switch's own sealing stays inside the measurement.
    await app.seals_settled()
    await app.workers.wait_for_complete([w for w in app.workers if w.group == "review"])
    drawn: asyncio.Future[float] = asyncio.get_running_loop().create_future()
    app.screen_drawn, app.pressed_on = drawn, before
    started = time.perf_counter()
    app.post_message(events.Key("enter", "\r"))
    finished = await asyncio.wait_for(drawn, timeout=30)
    assert app.screen is not before, f"{before} did not go on"
    record((finished - started) * 1000)


class TimedKioskApp(KioskApp):
    """The kiosk, telling the benchmark when a newly shown screen has been drawn."""

    screen_drawn: asyncio.Future[float] | None = None
    pressed_on: Screen[None] | None = None

    async def show_step(self, step: str) -> None:
        await super().show_step(step)
        self.call_after_refresh(self._drawn)

    async def on_check_in_sealed(self, message: CheckInSealed) -> None:
        await super().on_check_in_sealed(message)
        self.call_after_refresh(self._drawn)

    def _drawn(self) -> None:
        # Why the screen check: a refresh queued by the previous switch must not count.
        waiting = self.screen_drawn is not None and not self.screen_drawn.done()
        if waiting and self.screen is not self.pressed_on:
            assert self.screen_drawn is not None
            self.screen_drawn.set_result(time.perf_counter())


async def one_checkin(
    app: TimedKioskApp,
    pilot: Pilot[None],
    record_switch: Callable[[float], None],
    record_submit: Callable[[float], None],
) -> None:
    """Welcome -> every step -> submit -> Done -> back to welcome (the wipe included)."""
    await app.steps_built()
    await app.on_check_in_pressed()
    for step in STEPS:
        screen = app.steps[step]
        assert app.screen is screen, f"expected {step}, on {app.screen}"
        fill(screen)
        await press_next_and_time(app, pilot, record_submit if step == "review" else record_switch)
    await app.seals_settled()
    await app.end_session()
    await app.steps_built()
