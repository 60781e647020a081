"""The physical exam before the infusion: a finding for each of the clinic's exam items (normal
by default), and what was found where it is abnormal."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from textual.widget import Widget
from textual.widgets import Input, Select, Static

from kiosk.intake.chair.records import (
    ChairLogRecord,
    ExamFinding,
    ExamItemResult,
    PhysicalExam,
)
from kiosk.locale import translate
from kiosk.locale.staff import STAFF_LANGUAGE, chair_text
from kiosk.screens.chair_entry import ChairEntryScreen


class ChairExamScreen(ChairEntryScreen):
    """Each exam item's finding and note."""

    TITLE = "exam.title"

    def fields(self) -> Iterable[Widget]:
        findings = [
            (translate(f"chair.exam_finding.{f.value}", STAFF_LANGUAGE), f.value)
            for f in ExamFinding
        ]
        for item in self.shift.kiosk.config.chair.exam_items:
            yield Static(item.label.get(STAFF_LANGUAGE, item.id), classes="chair-field")
            yield Select[str](
                findings,
                id=f"chair-exam-{item.id}",
                value=ExamFinding.NORMAL.value,
                allow_blank=False,
            )
            yield Input(
                id=f"chair-exam-note-{item.id}",
                placeholder=chair_text("exam.note"),
                max_length=500,
            )

    def fill(self, record: ChairLogRecord) -> None:
        assert isinstance(record, PhysicalExam)
        for item in record.items:
            if self.query(f"#chair-exam-{item.item_id}"):  # an item the clinic still examines
                self.fill_choice(f"#chair-exam-{item.item_id}", item.finding.value)
                self.query_one(f"#chair-exam-note-{item.item_id}", Input).value = item.note

    def build(self, happened_at: datetime, entered_at: datetime) -> PhysicalExam:
        items = tuple(
            ExamItemResult(
                item.id,
                ExamFinding(str(self.query_one(f"#chair-exam-{item.id}", Select).value)),
                self.query_one(f"#chair-exam-note-{item.id}", Input).value,
            )
            for item in self.shift.kiosk.config.chair.exam_items
        )
        return PhysicalExam(
            checkin_id=self.checkin_id,
            nurse_id=self.shift.staff_id,
            happened_at=happened_at,
            entered_at=entered_at,
            items=items,
        )
