# Over 400 lines: the two lists (medications, allergies) share one add, edit and remove flow.
"""Medications and allergies: add, edit and remove rows, or say there are none.

Each kind has a list of what was added (shown once it has a row) and, under it, a small form
(its boxes and an "Add" button); after adding, the new row shows right above the emptied form.
Choosing a row in a list (Enter or a tap) takes it back into the form to edit; "Remove" drops
the highlighted row. Drug names are suggested from the bundled list as the patient types: the
best match completes inline (Right arrow accepts it) and up to three show under the box, each
whole, one under the other. A suggestion is taken only when the patient picks it: a tap, or Down
onto it and Enter; Enter alone keeps the name as typed and moves on to the dose.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.geometry import Region
from textual.suggester import Suggester
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from kiosk.intake.checkin_session import CheckInSession
from kiosk.intake.drugs import read_as, suggest
from kiosk.intake.records import Allergy, Medication, MedicationList
from kiosk.intake.rules import says_as_needed
from kiosk.intake.validation import (
    Invalid,
    Valid,
    validate_detail,
    validate_short_text,
    validate_substance_name,
    validate_time_taken,
)
from kiosk.screens.step_screen import StepBody, StepScreen
from kiosk.widgets.patient_input import visible_text
from kiosk.widgets.suggested_input import SuggestedInput
from kiosk.widgets.tick_box import TickBox

#: How many drug names are offered as buttons under the name box (for touch).
SUGGESTIONS = 3
#: Each added row is drawn three rows high (`_row`), big enough to tap.
ROW_ROWS = 3
#: Refreshes to wait at most for a list just grown to be laid out before showing its new row.
LAYOUT_ROUNDS = 5
MEDICATION_FIELDS = ("med_name", "med_dose", "med_frequency", "med_last_dose")
ALLERGY_FIELDS = ("allergy_substance", "allergy_reaction")


class DrugNameSuggester(Suggester):
    """Completes a drug name from the bundled list; keeps no cache of what was typed."""

    def __init__(self, language: str) -> None:
        super().__init__(use_cache=False, case_sensitive=False)
        self.language = language

    async def get_suggestion(self, value: str) -> str | None:
        for name in suggest(value, limit=1, language=self.language):
            if name.casefold().startswith(value.casefold()):
                return name.casefold()
        return None


class MedicationsScreen(StepScreen):
    """The medication list and the allergy list."""

    STEP = "medications"

    DEFAULT_CSS = """
    MedicationsScreen OptionList {
        height: auto; background: $kiosk-field; color: $kiosk-text;
        margin-bottom: 1;
    }
    MedicationsScreen OptionList:focus { border: tall $kiosk-focus; }
    MedicationsScreen OptionList > .option-list--option-highlighted {
        background: $kiosk-focus; color: $kiosk-focus-text;
    }
    MedicationsScreen .form-buttons { height: 3; margin-bottom: 1; }
    MedicationsScreen .form-buttons Button { margin-right: 2; }
    MedicationsScreen .section { text-style: bold; margin-top: 1; height: auto; }
    MedicationsScreen #suggestions { height: auto; }
    MedicationsScreen .suggestion {
        /* Why full width: a button sized to its first label keeps that width (cut "acetamin"). */
        display: none; width: 100%; height: auto; min-height: 3; text-align: left;
    }
    MedicationsScreen .suggestion.-shown { display: block; }
    MedicationsScreen .suggestion.-picked { background: $kiosk-focus; color: $kiosk-focus-text; }
    MedicationsScreen #med_last_dose { display: none; }
    MedicationsScreen #med_last_dose.-shown { display: block; }
    """

    def title_text(self) -> str:
        return self.text("screens.medications.title")

    def body(self) -> ComposeResult:
        self.medications: list[Medication] = []
        self.allergies: list[Allergy] = []
        text = self.text
        yield Static(text("screens.medications.intro"), classes="intro", markup=False)
        yield TickBox(text("screens.medications.none"), box_id="no-medications")
        yield _rows("medication-list")
        yield from self.field(
            "med_name",
            text("screens.medications.name"),
            lambda raw: validate_substance_name(raw, "med_name"),
            box=SuggestedInput,
            suggester=DrugNameSuggester(self.language),
        )
        with Vertical(id="suggestions"):
            for index in range(SUGGESTIONS):
                offered = Button("", id=f"suggestion-{index}", classes="suggestion")
                offered.can_focus = False  # picked by a tap, or by Down from the name box
                yield offered
        yield from self.field(
            "med_dose",
            text("screens.medications.dose"),
            lambda raw: validate_short_text(raw, "med_dose"),
        )
        yield from self.field(
            "med_frequency",
            text("screens.medications.frequency"),
            lambda raw: validate_short_text(raw, "med_frequency"),
        )
        yield TickBox(text("screens.medications.as_needed"), box_id="as-needed")
        yield from self.field(
            "med_last_dose",
            text("screens.medications.last_dose"),
            self._check_last_dose,
            placeholder=text("screens.checklist.time_hint"),
            keypad=True,
        )
        with Horizontal(classes="form-buttons"):
            yield Button(text("screens.medications.add"), id="add-medication")
            yield Button(text("screens.medications.remove"), id="remove-medication")
        yield Static(text("screens.medications.allergies"), classes="section", markup=False)
        yield TickBox(text("screens.medications.no_allergies"), box_id="no-allergies")
        yield _rows("allergy-list")
        yield from self.field(
            "allergy_substance",
            text("screens.medications.allergy_substance"),
            lambda raw: validate_substance_name(raw, "allergy_substance"),
        )
        yield from self.field(
            "allergy_reaction",
            text("screens.medications.allergy_reaction"),
            lambda raw: validate_detail(raw, "allergy_reaction", 200),
        )
        with Horizontal(classes="form-buttons"):
            yield Button(text("screens.medications.add_allergy"), id="add-allergy")
            yield Button(text("screens.medications.remove_allergy"), id="remove-allergy")

    def _check_last_dose(self, raw: str) -> Valid[Any] | Invalid:
        if not raw.strip():
            return validate_short_text(raw, "med_last_dose")
        return validate_time_taken(raw, self.clock(), "med_last_dose")

    # ---- what counts now ------------------------------------------------------------------

    def _typed_in(self, fields: tuple[str, ...]) -> bool:
        return any(self.value_of(field_id).strip() for field_id in fields)

    def active_fields(self) -> list[str]:
        active: list[str] = []
        if self._typed_in(MEDICATION_FIELDS):
            active += ["med_name", "med_dose", "med_frequency"]
            if self.query_one("#as-needed", TickBox).ticked:
                active.append("med_last_dose")
        if self._typed_in(ALLERGY_FIELDS):
            active += list(ALLERGY_FIELDS)
        return active

    def extra_problems(self) -> list[tuple[str, str]]:
        text = self.text
        problems: list[tuple[str, str]] = []
        no_meds = self.query_one("#no-medications", TickBox).ticked
        no_allergies = self.query_one("#no-allergies", TickBox).ticked
        if self._typed_in(MEDICATION_FIELDS):
            problems.append(
                (text("screens.medications.name"), text("screens.medications.not_added"))
            )
        elif no_meds and self.medications:
            problems.append((text("screens.medications.none"), text("screens.medications.both")))
        elif not no_meds and not self.medications:
            problems.append((text("screens.medications.title"), text("screens.medications.empty")))
        if self._typed_in(ALLERGY_FIELDS):
            problems.append(
                (
                    text("screens.medications.allergy_substance"),
                    text("screens.medications.not_added"),
                )
            )
        elif no_allergies and self.allergies:
            problems.append(
                (text("screens.medications.no_allergies"), text("screens.medications.both"))
            )
        elif not no_allergies and not self.allergies:
            problems.append(
                (text("screens.medications.allergies"), text("screens.medications.empty_allergies"))
            )
        return problems

    @on(Input.Changed, "#med_name")
    def _offer_names(self, event: Input.Changed) -> None:
        """Show up to three matching drug names as buttons a finger can tap."""
        typed = event.value.strip()
        names = suggest(typed, SUGGESTIONS, self.language) if len(typed) >= 2 else []
        names = [name for name in names if name.casefold() != typed.casefold()]
        for index in range(SUGGESTIONS):
            button = self.query_one(f"#suggestion-{index}", Button)
            button.set_class(index < len(names), "-shown")
            button.label = Content(names[index]) if index < len(names) else Content("")
        self.query_one("#med_name", SuggestedInput).offer(names)

    @on(SuggestedInput.PointedAt)
    def _point_at_name(self, event: SuggestedInput.PointedAt) -> None:
        for index in range(SUGGESTIONS):
            offered = self.query_one(f"#suggestion-{index}", Button)
            offered.set_class(index == event.index, "-picked")

    @on(Button.Pressed, ".suggestion")
    def _use_name(self, event: Button.Pressed) -> None:
        event.stop()
        self.put("med_name", str(event.button.label))
        self.query_one("#med_dose", Input).focus()

    @on(TickBox.Toggled, "#as-needed")
    def _as_needed(self, event: TickBox.Toggled) -> None:
        self.query_one("#med_last_dose", Input).set_class(event.box.ticked, "-shown")

    # ---- adding, editing, removing --------------------------------------------------------

    def _form_problem(self, fields: tuple[str, ...]) -> bool:
        """Show the problems of a form's boxes; True if any."""
        self.touched.update(fields)
        self.refresh_state()
        return any(
            isinstance(self.checked(field_id), Invalid)
            for field_id in fields
            if field_id in self.active_fields() or field_id in ("med_name", "allergy_substance")
        )

    @on(Button.Pressed, "#add-medication")
    def _add_medication(self, event: Button.Pressed) -> None:
        event.stop()
        as_needed = self.query_one("#as-needed", TickBox).ticked
        fields = MEDICATION_FIELDS if as_needed else MEDICATION_FIELDS[:3]
        if self._form_problem(fields):
            return
        last = self.value_of("med_last_dose").strip()
        name = self.valid("med_name")
        self.medications.append(
            Medication(
                name=name,
                dose=self.valid("med_dose"),
                frequency=self.valid("med_frequency"),
                as_needed=as_needed,
                last_dose_at=self.valid("med_last_dose") if as_needed and last else None,
                read_as=read_as(name),
            )
        )
        self._clear(MEDICATION_FIELDS)
        self.query_one("#as-needed", TickBox).set_ticked(False)
        self.query_one("#med_last_dose", Input).remove_class("-shown")
        self.query_one("#no-medications", TickBox).set_ticked(False)
        self._show_lists()
        self._show_added("#medication-list", "#med_name")

    @on(Button.Pressed, "#add-allergy")
    def _add_allergy(self, event: Button.Pressed) -> None:
        event.stop()
        if self._form_problem(ALLERGY_FIELDS):
            return
        self.allergies.append(
            Allergy(self.valid("allergy_substance"), self.valid("allergy_reaction"))
        )
        self._clear(ALLERGY_FIELDS)
        self.query_one("#no-allergies", TickBox).set_ticked(False)
        self._show_lists()
        self._show_added("#allergy-list", "#allergy_substance")

    @on(Button.Pressed, "#remove-medication")
    def _remove_medication(self, event: Button.Pressed) -> None:
        event.stop()
        index = self.query_one("#medication-list", OptionList).highlighted
        if index is not None and 0 <= index < len(self.medications):
            del self.medications[index]
            self._show_lists()

    @on(Button.Pressed, "#remove-allergy")
    def _remove_allergy(self, event: Button.Pressed) -> None:
        event.stop()
        index = self.query_one("#allergy-list", OptionList).highlighted
        if index is not None and 0 <= index < len(self.allergies):
            del self.allergies[index]
            self._show_lists()

    @on(OptionList.OptionSelected, "#medication-list")
    def _edit_medication(self, event: OptionList.OptionSelected) -> None:
        medication = self.medications.pop(event.option_index)
        self.put("med_name", medication.name)
        self.put("med_dose", medication.dose)
        self.put("med_frequency", medication.frequency)
        self.query_one("#as-needed", TickBox).set_ticked(medication.as_needed)
        self.query_one("#med_last_dose", Input).set_class(medication.as_needed, "-shown")
        if medication.last_dose_at is not None:
            local = medication.last_dose_at.astimezone(self.clock().tzinfo)
            self.put("med_last_dose", local.strftime("%H:%M"))
        self._show_lists()
        self.query_one("#med_name", Input).focus()

    @on(OptionList.OptionSelected, "#allergy-list")
    def _edit_allergy(self, event: OptionList.OptionSelected) -> None:
        allergy = self.allergies.pop(event.option_index)
        self.put("allergy_substance", allergy.substance)
        self.put("allergy_reaction", allergy.reaction)
        self._show_lists()
        self.query_one("#allergy_substance", Input).focus()

    def _show_added(self, list_id: str, box_id: str) -> None:
        """Put the focus back in the form's first box; once the list has grown, scroll the row
        just added (right above the box) and the box into view together, only as far as needed
        (where both show already, nothing moves after the row is drawn). Why: on a short
        screen (larger text on a tablet) the form and its list do not fit together, and the
        patient must see what they added as they go on to the next."""
        box = self.query_one(box_id, Input)
        box.focus(scroll_visible=False)
        self.refresh(layout=True)  # (the callback below runs after this layout)
        self.call_after_refresh(self._scroll_to_added, self.query_one(list_id, OptionList), box)

    def _scroll_to_added(self, rows: OptionList, box: Input, rounds: int = 0) -> None:
        # Where the list sits in the step (laid out whether in view or not); Textual lays it out
        # at the next refresh of the screen, which may come after this one.
        region = rows.virtual_region
        if region.height != rows.option_count * ROW_ROWS + rows.styles.gutter.height:
            if rounds < LAYOUT_ROUNDS:
                self.call_after_refresh(self._scroll_to_added, rows, box, rounds + 1)
            return
        inside = region.shrink(rows.styles.gutter)
        last_row = Region(inside.x, inside.bottom - ROW_ROWS, inside.width, ROW_ROWS)
        self.query_one(StepBody).scroll_to_region(
            last_row.union(box.virtual_region), animate=False, immediate=True
        )

    def _clear(self, fields: tuple[str, ...]) -> None:
        for field_id in fields:
            self.put(field_id, "")
            self.touched.discard(field_id)

    def _show_lists(self) -> None:
        """Redraw both lists from the rows kept; every row is drawn inertly, 3 rows to tap."""
        as_needed = self.text("screens.medications.as_needed_short")
        medications = self.query_one("#medication-list", OptionList)
        medications.can_focus = medications.display = bool(self.medications)
        medications.clear_options()
        for medication in self.medications:
            medications.add_option(Option(_row(medication_row(medication, as_needed))))
        allergies = self.query_one("#allergy-list", OptionList)
        allergies.can_focus = allergies.display = bool(self.allergies)
        allergies.clear_options()
        for allergy in self.allergies:
            allergies.add_option(
                Option(_row(" \u00b7 ".join(p for p in (allergy.substance, allergy.reaction) if p)))
            )
        self.refresh_state()

    def fill(self, session: CheckInSession) -> None:
        kept = session.medications
        if kept is None:
            return
        self.medications = list(kept.medications)
        self.allergies = list(kept.allergies)
        self.query_one("#no-medications", TickBox).set_ticked(kept.no_medications)
        self.query_one("#no-allergies", TickBox).set_ticked(kept.no_allergies)
        self._show_lists()

    def collect(self) -> MedicationList:
        return MedicationList(
            no_medications=self.query_one("#no-medications", TickBox).ticked,
            medications=tuple(self.medications),
            no_allergies=self.query_one("#no-allergies", TickBox).ticked,
            allergies=tuple(self.allergies),
        )


def medication_row(medication: Medication, as_needed: str) -> str:
    """A medication as the patient's list shows it ("aspirin · 81 mg · as needed"), `as_needed`
    the patient's words for it, said once; the review reads it back the same way."""
    parts = [medication.name, medication.dose, medication.frequency]
    if medication.as_needed and not says_as_needed(medication.frequency):
        parts.append(as_needed)
    return " \u00b7 ".join(part for part in parts if part)


def _rows(list_id: str) -> OptionList:
    """A list of added rows; no tab stop, and no room taken, until it has a row. It grows with
    its rows: the step scrolls, not a list inside it."""
    rows = OptionList(id=list_id, markup=False)
    rows.can_focus = rows.display = False
    return rows


def _row(words: str) -> Content:
    # Why: a blank line above and below makes each row ROW_ROWS high, big enough to tap.
    return Content(f"\n  {visible_text(words)}\n")
