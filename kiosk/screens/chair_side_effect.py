"""A side effect at the chair: which (the clinic's list), what it was like, the action taken
(watched, rate lowered, a drug given, other) with its words and the time it was taken. A
lowered rate is also its own rate change on the pump screen, so the pump's rate stays in one
place."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from textual.widget import Widget
from textual.widgets import Input, Select, Static

from kiosk.intake.chair.records import ChairLogRecord, SideEffect, SideEffectAction
from kiosk.locale import translate
from kiosk.locale.staff import STAFF_LANGUAGE, chair_text
from kiosk.screens.chair_entry import ChairEntryScreen, EntryProblem


class ChairSideEffectScreen(ChairEntryScreen):
    """One side effect and what was done about it."""

    TITLE = "side_effect.title"

    def fields(self) -> Iterable[Widget]:
        effects = self.shift.kiosk.config.chair.side_effects
        yield Static(chair_text("side_effect.which"), classes="chair-field")
        yield Select[str](
            [(effect.label.get(STAFF_LANGUAGE, effect.id), effect.id) for effect in effects],
            id="chair-effect",
            prompt=chair_text("side_effect.choose"),
        )
        yield Input(
            id="chair-effect-detail", placeholder=chair_text("side_effect.detail"), max_length=500
        )
        yield Static(chair_text("side_effect.action"), classes="chair-field")
        yield Select[str](
            [
                (translate(f"chair.side_effect_action.{a.value}", STAFF_LANGUAGE), a.value)
                for a in SideEffectAction
            ],
            id="chair-effect-action",
            prompt=chair_text("side_effect.choose"),
        )
        yield Input(
            id="chair-effect-action-detail",
            placeholder=chair_text("side_effect.action_detail"),
            max_length=500,
        )
        yield Input(
            id="chair-effect-action-time", placeholder=chair_text("side_effect.action_time")
        )
        yield Static(chair_text("side_effect.began"), classes="chair-field")

    def fill(self, record: ChairLogRecord) -> None:
        assert isinstance(record, SideEffect)
        self.fill_choice("#chair-effect", record.effect_id)
        self.query_one("#chair-effect-detail", Input).value = record.detail
        self.fill_choice("#chair-effect-action", record.action.value)
        self.query_one("#chair-effect-action-detail", Input).value = record.action_detail
        if record.action_at is not None:
            self.fill_time("#chair-effect-action-time", record.action_at)

    def build(self, happened_at: datetime, entered_at: datetime) -> SideEffect:
        effect = self.query_one("#chair-effect", Select).value
        action = self.query_one("#chair-effect-action", Select).value
        if not isinstance(effect, str):
            raise EntryProblem(chair_text("side_effect.which_missing"))
        if not isinstance(action, str):
            raise EntryProblem(chair_text("side_effect.action_missing"))
        chosen = SideEffectAction(action)
        action_time = self.query_one("#chair-effect-action-time", Input).value
        action_at = (
            None
            if chosen is SideEffectAction.NONE and not action_time.strip()
            else self.typed_moment("#chair-effect-action-time", entered_at)
        )
        return SideEffect(
            checkin_id=self.checkin_id,
            nurse_id=self.shift.staff_id,
            happened_at=happened_at,
            entered_at=entered_at,
            effect_id=effect,
            detail=self.query_one("#chair-effect-detail", Input).value,
            action=chosen,
            action_detail=self.query_one("#chair-effect-action-detail", Input).value,
            action_at=action_at,
        )
