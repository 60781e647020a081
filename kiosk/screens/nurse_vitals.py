"""Pre-infusion vitals for one check-in: typed or keyed in, checked as they are typed, then signed.

A value outside the plausibility limits is refused on its own line with the limit named; a value
past a clinic hold threshold is accepted and its flag shows at once beside it. Temperature takes
C or F and weight kg or lb (stored in C and kg). Sign-off asks for the nurse's PIN again. A
correction of signed vitals is a new record that supersedes the earlier one; both remain.
"""

from __future__ import annotations

from datetime import UTC, datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Select, Static

from kiosk.desk.staff_shift import StaffShift
from kiosk.intake.measures import MEASURES
from kiosk.intake.measures import measure as measure_named
from kiosk.intake.records import Flag, PregnancyAnswer, PregnancyTest, Vitals
from kiosk.intake.rules import pregnancy_test_needed, screen_vitals
from kiosk.intake.validation import Invalid, Unit, validate_diastolic, validate_vital
from kiosk.locale import translate
from kiosk.locale.staff import staff_text
from kiosk.screens.nurse_signoff import DecisionGrounds, NurseSignOffScreen
from kiosk.screens.staff_screen import StaffScreen
from kiosk.widgets.staff_display import VITAL_UNITS, flag_badge
from kiosk.widgets.staff_shift_bar import StaffShiftBar

_TYPED_UNITS: dict[str, Unit] = {"C": "C", "F": "F", "kg": "kg", "lb": "lb"}
#: Checked together: a diastolic at or above its systolic is refused.
_PRESSURES = ("systolic", "diastolic")

# Neutral stand-ins for measures not typed yet, so one value's hold flag shows on its own.
_NEUTRAL: dict[str, float] = {
    "systolic": 120,
    "diastolic": 75,
    "heart_rate": 70,
    "spo2": 98,
    "temperature": 36.8,
    "respiratory_rate": 14,
    "weight": 70.0,
    "pain_now": 0,
}


def build_vitals(
    checkin_id: str,
    nurse_id: str,
    values: dict[str, float],
    pregnancy: PregnancyTest,
    taken_at: datetime,
) -> Vitals:
    """A Vitals record from checked values (C, kg), neutral stand-ins for any missing."""
    given = {**_NEUTRAL, **values}
    readings = {m.field: int(given[m.id]) if m.whole else float(given[m.id]) for m in MEASURES}
    return Vitals(
        checkin_id=checkin_id,
        nurse_id=nurse_id,
        taken_at=taken_at,
        pregnancy_test=pregnancy,
        **readings,  # type: ignore[arg-type]
    )


def _measure_of(flag: Flag) -> str:
    """`vitals.systolic` -> `systolic`: which line a vitals flag belongs beside."""
    return flag.code.removeprefix("vitals.")


class NurseVitalsScreen(StaffScreen):
    """The vitals form: each measure checked on every keystroke, flags shown beside it."""

    BINDINGS = [Binding("escape", "back", "Back", show=False)]

    DEFAULT_CSS = """
    NurseVitalsScreen { background: $background; }
    NurseVitalsScreen .vital-row { height: 3; }
    NurseVitalsScreen .vital-row Label { width: 26; padding: 1 1; }
    NurseVitalsScreen .vital-row Input { width: 12; }
    NurseVitalsScreen .vital-row .vital-unit { width: 8; min-width: 8; }
    NurseVitalsScreen .vital-row Static.vital-unit { padding: 1 1; }
    NurseVitalsScreen .vital-row .vital-note { width: 1fr; padding: 1 1; }
    NurseVitalsScreen .vital-problem { color: $error; text-style: bold; }
    NurseVitalsScreen #vitals-pregnancy { width: 30; }
    NurseVitalsScreen #vitals-status { padding: 0 1; height: auto; text-style: bold; }
    NurseVitalsScreen #vitals-actions { dock: bottom; height: 3; }
    NurseVitalsScreen #vitals-actions Button { margin: 0 1; }
    """

    def __init__(
        self,
        shift: StaffShift,
        checkin_id: str,
        earlier: tuple[str, Vitals] | None = None,
        grounds: DecisionGrounds | None = None,
        pregnancy_answer: PregnancyAnswer | None = None,
    ) -> None:
        super().__init__(shift)
        self.checkin_id = checkin_id
        self.earlier = earlier
        self.grounds = grounds
        #: The patient's answer to the pregnancy question, which with the clinic's rule says
        #: whether a test result is needed (None: not known, so it is).
        self.pregnancy_answer = pregnancy_answer
        self.pregnancy_test_needed = pregnancy_test_needed(pregnancy_answer, shift.kiosk.config)
        self.units = {measure: units[0] for measure, units in VITAL_UNITS.items()}
        self.values: dict[str, float] = {}
        self.problems: dict[str, str] = {}
        #: Sign off was pressed with readings missing: keep the list of what is left current.
        self.asked_to_sign = False

    def compose(self) -> ComposeResult:
        yield StaffShiftBar(self.shift)
        with VerticalScroll(id="vitals-form"):
            title = "vitals.title_correct" if self.earlier else "vitals.title"
            yield Static(staff_text(title), id="vitals-title")
            for measure in MEASURES:
                units = VITAL_UNITS[measure.id]
                with Horizontal(classes="vital-row", id=f"row-{measure.id}"):
                    yield Label(measure.label)
                    yield Input(id=f"vital-{measure.id}")
                    if len(units) > 1:
                        yield Button(units[0], id=f"unit-{measure.id}", classes="vital-unit")
                    else:
                        yield Static(units[0], classes="vital-unit", markup=False)
                    yield Static("", id=f"note-{measure.id}", classes="vital-note")
            with Horizontal(classes="vital-row"):
                yield Label(staff_text("vitals.pregnancy_test"))
                yield Select(
                    [(staff_text(f"vitals.pregnancy.{p.value}"), p) for p in PregnancyTest],
                    id="vitals-pregnancy",
                    allow_blank=True,
                    prompt=staff_text("vitals.pregnancy.choose"),
                )
                yield Static("", id="note-pregnancy_test", classes="vital-note")
            yield Static("", id="vitals-status")
        with Horizontal(id="vitals-actions"):
            yield Button(staff_text("common.back"), id="vitals-back")
            yield Button(staff_text("vitals.sign_off"), id="vitals-sign", variant="primary")

    def on_mount(self) -> None:
        super().on_mount()
        if self.earlier is not None:
            self._fill_from(self.earlier[1])
        self.show_flags()
        self.query_one(f"#vital-{MEASURES[0].id}", Input).focus()

    def _fill_from(self, vitals: Vitals) -> None:
        for measure in MEASURES:
            value = float(getattr(vitals, measure.field))
            self.query_one(f"#vital-{measure.id}", Input).value = f"{value:g}"
        self.query_one("#vitals-pregnancy", Select).value = vitals.pregnancy_test

    @on(Input.Changed, ".vital-row Input")
    def _typed(self, event: Input.Changed) -> None:
        if event.input.id is not None:
            self.check(event.input.id.removeprefix("vital-"))

    @on(Input.Submitted, ".vital-row Input")
    def _next_box(self, event: Input.Submitted) -> None:
        """Enter moves on to the next reading (then the pregnancy test), as on the other forms."""
        ids = [f"vital-{m.id}" for m in MEASURES]
        position = ids.index(event.input.id) if event.input.id in ids else len(ids) - 1
        following = f"#{ids[position + 1]}" if position + 1 < len(ids) else "#vitals-pregnancy"
        self.query_one(following).focus()

    @on(Select.Changed, "#vitals-pregnancy")
    def _pregnancy_chosen(self) -> None:
        self.show_flags()

    @on(Button.Pressed, ".vital-unit")
    def _switch_unit(self, event: Button.Pressed) -> None:
        measure = (event.button.id or "").removeprefix("unit-")
        units = VITAL_UNITS[measure]
        self.switch_unit(measure, units[(units.index(self.units[measure]) + 1) % len(units)])

    def switch_unit(self, measure: str, unit: str) -> None:
        """Read this measure in `unit` from now on (C/F, kg/lb) and check it again."""
        self.units[measure] = unit
        if len(VITAL_UNITS[measure]) > 1:
            self.query_one(f"#unit-{measure}", Button).label = unit
        self.check(measure)

    def check(self, measure: str) -> None:
        """Check one measure as typed (the two pressures together), then redraw every flag."""
        for checked in _PRESSURES if measure in _PRESSURES else (measure,):
            self._check_one(checked)
        systolic, diastolic = (self.values.get(m) for m in _PRESSURES)
        if systolic is not None and diastolic is not None:
            paired = validate_diastolic(diastolic, systolic)
            if isinstance(paired, Invalid):
                del self.values["diastolic"]
                problem = paired.problem
                self.problems["diastolic"] = translate(problem.code, "en", **problem.params)
        self.show_flags()

    def _check_one(self, measure: str) -> None:
        raw = self.query_one(f"#vital-{measure}", Input).value
        self.values.pop(measure, None)
        self.problems.pop(measure, None)
        if raw.strip():
            result = validate_vital(
                raw, measure_named(measure), _TYPED_UNITS.get(self.units[measure])
            )
            if isinstance(result, Invalid):
                problem = result.problem
                self.problems[measure] = translate(problem.code, "en", **problem.params)
            else:
                self.values[measure] = result.value

    def pregnancy(self) -> PregnancyTest | None:
        chosen = self.query_one("#vitals-pregnancy", Select).value
        return chosen if isinstance(chosen, PregnancyTest) else None

    def vitals_now(self) -> Vitals:
        """The vitals as typed so far, taken now (missing measures count as unremarkable)."""
        return build_vitals(
            self.checkin_id,
            self.shift.staff_id,
            self.values,
            self.pregnancy() or PregnancyTest.NOT_APPLICABLE,
            datetime.now(UTC),
        )

    def current_flags(self) -> tuple[Flag, ...]:
        """Flags the values typed so far raise (missing measures count as unremarkable)."""
        return screen_vitals(self.vitals_now(), self.shift.kiosk.config)

    def show_flags(self) -> None:
        by_measure = {_measure_of(flag): flag for flag in self.current_flags()}
        for measure in [m.id for m in MEASURES] + ["pregnancy_test"]:
            note = self.query_one(f"#note-{measure}", Static)
            note.set_class(measure in self.problems, "vital-problem")
            if measure in self.problems:
                note.update(Text(self.problems[measure]))
            elif measure in by_measure:
                flag = by_measure[measure]
                note.update(flag_badge(flag.severity, flag.urgent) + Text(f" {flag.reason}"))
            else:
                note.update(self._quiet_note(measure))
        if self.asked_to_sign:
            self.show_missing()

    def _quiet_note(self, measure: str) -> str:
        """A measure's note when it raises no flag: why no pregnancy test is needed, if so."""
        if measure != "pregnancy_test" or self.pregnancy_test_needed:
            return ""
        answered = self.pregnancy_answer or PregnancyAnswer.NOT_APPLICABLE
        words = translate(f"questions.answer.{answered.value}", "en")
        return staff_text("vitals.pregnancy_not_needed", answer=words)

    def show_missing(self) -> None:
        """Say which readings are still needed, or nothing once every one is in."""
        missing = self.missing()
        status = staff_text("vitals.missing", fields=", ".join(missing)) if missing else ""
        self.query_one("#vitals-status", Static).update(status)

    def missing(self) -> list[str]:
        """The labels of every measure not yet given a valid value."""
        labels = [m.label for m in MEASURES if m.id not in self.values]
        if self.pregnancy_test_needed and self.pregnancy() is None:
            labels.append(staff_text("vitals.pregnancy_test"))
        return labels

    def forget(self) -> None:
        self.earlier = None
        self.grounds = None
        self.values.clear()
        super().forget()

    @on(Button.Pressed, "#vitals-back")
    def action_back(self) -> None:
        self.dismiss()

    @on(Button.Pressed, "#vitals-sign")
    def sign_off(self) -> None:
        """Go to sign-off, or say which readings are still missing."""
        self.asked_to_sign = True
        self.show_missing()
        if self.missing():
            return
        vitals = self.vitals_now()
        supersedes = self.earlier[0] if self.earlier else None
        self.app.push_screen(NurseSignOffScreen(self.shift, vitals, supersedes, self.grounds))
