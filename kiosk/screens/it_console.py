# Over 400 lines: every IT job on one screen (sync, quarantine, staff, audit, export, languages).
"""The IT console: the kiosk's identity, enrolment, records by state, sync, quarantine, staff,
the audit chain check, the sealed-queue export, and the languages patients are offered (each with
whether it is read aloud, its translation record, and a word on the law where a translation has
no clinical review). IT
never sees a patient record here.

Times are in the clinic's zone, one format; removing a person asks for a second press of Remove.

Every operation goes through `kiosk.desk.staff_console.StaffConsole`, which the `kiosk` command uses
too; this screen only lays it out and reports each result in words.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, DataTable, Input, Select, Static

from kiosk.desk.staff_console import KioskOverview, StaffConsole, StaffConsoleError
from kiosk.desk.staff_rules import MAX_PIN_LENGTH, MIN_PIN_LENGTH
from kiosk.desk.staff_shift import StaffShift
from kiosk.intake.languages import LanguageState, LanguageStatus, language_status, text_sha256
from kiosk.locale import LANGUAGE_NAMES, LANGUAGES
from kiosk.locale.staff import counted, staff_text, staff_time
from kiosk.messages import SyncNowRequested
from kiosk.screens.staff_screen import StaffScreen
from kiosk.speech.voices import installed_voices, voice_for
from kiosk.store.rows import OutboxState
from kiosk.store.timestamps import parse_utc_text
from kiosk.widgets.staff_display import display_text, inert
from kiosk.widgets.staff_shift_bar import StaffShiftBar


class ITConsoleScreen(StaffScreen):
    """Everything IT manages at the kiosk, on one scrolling page."""

    DEFAULT_CSS = """
    ITConsoleScreen { background: $background; }
    ITConsoleScreen .it-title { text-style: bold underline; padding: 1 1 0 1; }
    ITConsoleScreen .it-body { padding: 0 2; height: auto; }
    ITConsoleScreen .it-row { height: 3; }
    ITConsoleScreen .it-row Input { width: 1fr; }
    ITConsoleScreen .it-row Select { width: 16; }
    ITConsoleScreen .it-row Button { margin: 0 1; }
    ITConsoleScreen DataTable { height: auto; max-height: 12; margin: 0 2; }
    ITConsoleScreen .it-result { padding: 0 2; height: auto; text-style: bold; }
    """

    def __init__(
        self, shift: StaffShift, wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        super().__init__(shift)
        self.wall_clock = wall_clock
        self.console = StaffConsole(shift.kiosk, actor=shift.staff_id)
        #: The staff id Remove was pressed for once: a second press for the same id removes it.
        self.removing: str | None = None

    def compose(self) -> ComposeResult:
        yield StaffShiftBar(self.shift)
        with VerticalScroll(id="it-console"):
            yield Static(staff_text("it.kiosk"), classes="it-title")
            yield Static("", id="it-identity", classes="it-body", markup=False)
            yield Static(staff_text("it.records"), classes="it-title")
            yield Static("", id="it-counts", classes="it-body", markup=False)
            yield Static(staff_text("it.sync"), classes="it-title")
            yield Static("", id="it-sync", classes="it-body", markup=False)
            with Horizontal(classes="it-row"):
                yield Button(staff_text("it.sync_now"), id="it-sync-now")
                yield Button(staff_text("it.refresh"), id="it-refresh")
            yield Static("", id="it-sync-result", classes="it-result", markup=False)
            yield Static(staff_text("it.quarantine"), classes="it-title")
            quarantine: DataTable[Text] = DataTable(id="it-quarantine", cursor_type="row")
            yield quarantine
            with Horizontal(classes="it-row"):
                yield Button(staff_text("it.retry_selected"), id="it-requeue")
            yield Static("", id="it-quarantine-result", classes="it-result", markup=False)
            yield Static(staff_text("it.staff"), classes="it-title")
            staff: DataTable[Text] = DataTable(id="it-staff", cursor_type="row")
            yield staff
            with Horizontal(classes="it-row"):
                yield Input(placeholder=staff_text("it.staff_id"), id="it-staff-id", max_length=64)
                yield Input(
                    placeholder=staff_text("it.staff_name"), id="it-staff-name", max_length=100
                )
                yield Select(
                    [(staff_text("it.role_nurse"), "nurse"), (staff_text("it.role_it"), "it")],
                    value="nurse",
                    allow_blank=False,
                    id="it-staff-role",
                )
            with Horizontal(classes="it-row"):
                yield Input(
                    placeholder=staff_text("it.staff_pin", low=MIN_PIN_LENGTH, high=MAX_PIN_LENGTH),
                    id="it-staff-pin",
                    password=True,
                    max_length=MAX_PIN_LENGTH,
                )
                yield Button(staff_text("it.add"), id="it-staff-add", variant="primary")
                yield Button(staff_text("it.reset_pin"), id="it-staff-reset")
                yield Button(staff_text("it.remove"), id="it-staff-remove", variant="error")
            yield Static("", id="it-staff-result", classes="it-result", markup=False)
            yield Static(staff_text("it.audit"), classes="it-title")
            with Horizontal(classes="it-row"):
                yield Button(staff_text("it.check_audit"), id="it-audit")
            yield Static("", id="it-audit-result", classes="it-result", markup=False)
            yield Static(staff_text("it.export"), classes="it-title")
            with Horizontal(classes="it-row"):
                yield Input(placeholder=staff_text("it.export_path"), id="it-export-path")
                yield Button(staff_text("it.export_button"), id="it-export")
            yield Static("", id="it-export-result", classes="it-result", markup=False)
            yield Static(staff_text("it.languages"), classes="it-title")
            yield Static("", id="it-languages", classes="it-body", markup=False)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#it-quarantine", DataTable).add_columns(
            *(staff_text(f"it.column.{c}") for c in ("record", "kind", "attempts", "reason"))
        )
        self.query_one("#it-staff", DataTable).add_columns(
            *(staff_text(f"it.column.{c}") for c in ("staff_id", "name", "role", "state"))
        )
        self.refresh_all()

    def _when(self, moment: datetime | None, seconds: bool = False) -> str:
        if moment is None:
            return staff_text("it.never")
        return staff_time(moment, ZoneInfo(self.shift.kiosk.config.time_zone), seconds=seconds)

    def _next_retry(self, moment: datetime) -> str:
        """When the next retry is due, to the second and counted down ("in 40 s")."""
        left = (moment - self.wall_clock()).total_seconds()
        if left < 1:
            countdown = staff_text("it.due_now")
        elif left < 120:
            countdown = staff_text("it.in_seconds", seconds=round(left))
        else:
            countdown = staff_text("it.in_minutes", minutes=round(left / 60))
        return f"{self._when(moment, seconds=True)} ({countdown})"

    def _stored_when(self, stored: str) -> str:
        """A time the store kept as UTC text, shown like every other time (or as kept if odd)."""
        try:
            return self._when(parse_utc_text(stored))
        except ValueError:
            return stored

    def refresh_all(self) -> None:
        """Read everything again from the kiosk and redraw."""
        overview = self.console.overview()
        identity = [
            staff_text("it.kiosk_id", value=overview.kiosk_id),
            staff_text("it.device_fingerprint", value=overview.device_fingerprint),
            staff_text("it.pin_protection", value=overview.pin_protection),
        ]
        if overview.enrolment is None:
            identity.append(staff_text("it.not_enrolled"))
        else:
            identity += [
                staff_text("it.server", value=overview.enrolment.server_url),
                staff_text("it.clinic_fingerprint", value=overview.clinic_fingerprint),
                staff_text(
                    "it.enrolled_at", value=self._stored_when(overview.enrolment.enrolled_at)
                ),
            ]
        self.query_one("#it-identity", Static).update("\n".join(identity))
        self.query_one("#it-counts", Static).update(
            "   ".join(f"{state}: {count}" for state, count in overview.counts.items())
        )
        self.query_one("#it-sync", Static).update(self._sync_text(overview))
        self._fill_quarantine()
        self._fill_staff()
        self.query_one("#it-languages", Static).update(self._languages_text())

    def _languages_text(self) -> str:
        """Each language: offered or not and why, its translation record and text SHA-256; then,
        where any translation lacks a clinical review, what the law asks of the clinic."""
        config = self.shift.kiosk.config
        statuses = [language_status(language, config) for language in LANGUAGES]
        lines: list[str] = []
        for status in statuses:
            lines.append(_language_line(status))
            record, outdated = status.record, status.outdated_review
            if record is None or status.state is LanguageState.MISSING_TEXT:
                continue
            translated = staff_text(
                "it.language_translated",
                who=record.translated_by,
                date=record.translated_on.isoformat(),
                method=staff_text(f"it.method_{record.method}"),
            )
            lines.append("  " + translated)
            if outdated is not None:
                changed = staff_text(
                    "it.language_outdated",
                    reviewer=outdated.reviewed_by,
                    date=outdated.reviewed_on.isoformat(),
                )
                lines.append("  " + changed)
            digest = text_sha256(status.language, config)
            lines.append("  " + staff_text("it.language_sha256", sha256=digest))
            lines.append("  " + _read_aloud_line(status.language))
        unreviewed = {LanguageState.DRAFT, LanguageState.UNREVIEWED}
        if any(status.state in unreviewed for status in statuses):
            lines += ["", staff_text("it.drafts_need_review")]
        return "\n".join(lines)

    def _sync_text(self, overview: KioskOverview) -> str:
        if overview.enrolment is None:
            return staff_text("it.sync_not_enrolled")
        sync, counts = overview.sync, overview.counts
        waiting = counts.get(OutboxState.QUEUED, 0) + counts.get(OutboxState.SENDING, 0)
        if sync.next_attempt_at is not None:
            next_retry = self._next_retry(sync.next_attempt_at)
        else:
            next_retry = staff_text("it.next_run" if waiting else "it.nothing_waiting")
        lines = [
            staff_text("it.last_attempt", value=self._when(sync.last_attempt_at, seconds=True)),
            staff_text("it.last_success", value=self._when(sync.last_success_at, seconds=True)),
            staff_text("it.last_error", value=self._last_error(overview)),
            staff_text("it.next_retry", value=next_retry),
        ]
        quarantined = counts.get(OutboxState.QUARANTINED, 0)
        if quarantined:  # Why: "Last error: none" must not read as "nothing is wrong".
            lines.append(staff_text("it.in_quarantine", records=counted(quarantined, "record")))
        return "\n".join(lines)

    def _last_error(self, overview: KioskOverview) -> str:
        """The last error's reason; once a run has succeeded since, it says so with its time."""
        sync = overview.sync
        if not sync.last_error:
            return staff_text("it.none")
        failed, succeeded = sync.last_error_at, sync.last_success_at
        if failed is not None and succeeded is not None and succeeded >= failed:
            when = self._when(failed, seconds=True)
            return staff_text("it.error_before_success", error=sync.last_error, when=when)
        return sync.last_error

    def _fill_quarantine(self) -> None:
        table: DataTable[Text] = self.query_one("#it-quarantine", DataTable)
        table.clear()
        for row in self.console.quarantined():
            table.add_row(
                Text(row.record_id),
                Text(row.kind),
                Text(str(row.attempts)),
                inert(row.last_error or ""),
                key=row.record_id,
            )

    def _fill_staff(self) -> None:
        table: DataTable[Text] = self.query_one("#it-staff", DataTable)
        table.clear()
        for member in self.console.staff():
            state = staff_text("it.state_ok")
            if member.locked_until is not None:
                state = staff_text("it.state_locked", until=self._when(member.locked_until))
            table.add_row(
                Text(member.staff_id),
                inert(member.display_name),
                Text(member.role),
                Text(state),
                key=member.staff_id,
            )

    def _result(self, target: str, ok: bool, message: str) -> None:
        shown = self.query_one(target, Static)
        shown.update(("\u2714 " if ok else "\u2716 ") + message)

    @on(Button.Pressed, "#it-refresh")
    def _refresh_pressed(self) -> None:
        self.refresh_all()

    @on(Button.Pressed, "#it-sync-now")
    def _sync_now(self) -> None:
        self.app.post_message(SyncNowRequested())
        self.query_one("#it-sync-result", Static).update("\u2026 " + staff_text("it.syncing"))

    def show_sync_outcome(
        self, outcome: str, error: str | None, delivered: int, quarantined: int
    ) -> None:
        """How the run "Sync now" asked for ended, in words (the engine's own reason on failure)."""
        if outcome == "delivered":
            done = staff_text(
                "it.sync_delivered",
                delivered=counted(delivered, "record"),
                quarantined=quarantined,
            )
            self._result("#it-sync-result", True, done)
        elif outcome == "nothing_due":
            self._result("#it-sync-result", True, staff_text("it.sync_nothing_due"))
        else:  # failed, or not enrolled: the engine says why
            reason = error or staff_text("it.sync_no_reason")
            self._result("#it-sync-result", False, staff_text("it.sync_failed", reason=reason))

    @on(Button.Pressed, "#it-requeue")
    def _requeue(self) -> None:
        table: DataTable[Text] = self.query_one("#it-quarantine", DataTable)
        if table.row_count == 0:
            self._result("#it-quarantine-result", False, staff_text("it.quarantine_empty"))
            return
        record_id = str(table.get_row_at(table.cursor_row)[0])
        self._run("#it-quarantine-result", lambda: self.console.requeue(record_id))

    def _staff_form(self) -> tuple[str, str, str, str]:
        role = self.query_one("#it-staff-role", Select).value
        return (
            self.query_one("#it-staff-id", Input).value.strip(),
            self.query_one("#it-staff-name", Input).value,
            role if isinstance(role, str) else "nurse",
            self.query_one("#it-staff-pin", Input).value,
        )

    @on(Button.Pressed, "#it-staff-add")
    def _add(self) -> None:
        staff_id, name, role, pin = self._staff_form()
        self._run("#it-staff-result", lambda: self.console.add_staff(staff_id, name, role, pin))

    @on(Button.Pressed, "#it-staff-reset")
    def _reset(self) -> None:
        staff_id, _, _, pin = self._staff_form()
        self._run("#it-staff-result", lambda: self.console.reset_pin(staff_id, pin))

    @on(Button.Pressed, "#it-staff-remove")
    def _remove(self) -> None:
        """The first press names who would be removed; a second press for the same id removes."""
        staff_id = self._staff_form()[0]
        if not staff_id:
            self.removing = None
            self._result("#it-staff-result", False, staff_text("it.remove_which"))
            return
        if self.removing != staff_id:
            self.removing = staff_id
            self.query_one("#it-staff-result", Static).update(
                "\u26a0 " + staff_text("it.remove_confirm", staff_id=display_text(staff_id))
            )
            return
        self.removing = None
        self._run("#it-staff-result", lambda: self.console.remove_staff(staff_id))

    @on(Input.Changed, "#it-staff-id")
    def _staff_id_changed(self, event: Input.Changed) -> None:
        # Why: compare, not just reset: a late Changed for the id already pressed is no change.
        if event.value.strip() != self.removing:
            self.removing = None

    @on(Button.Pressed, "#it-staff-add, #it-staff-reset")
    def _forget_removal(self) -> None:
        # Why: another action must not let a stale first press count.
        self.removing = None

    @on(Button.Pressed, "#it-audit")
    def _audit(self) -> None:
        check = self.console.check_audit()
        if check.ok:
            self._result("#it-audit-result", True, staff_text("it.audit_ok", entries=check.entries))
        else:
            self._result(
                "#it-audit-result", False, staff_text("it.audit_broken", problem=check.problem)
            )

    @on(Button.Pressed, "#it-export")
    def _export(self) -> None:
        raw = self.query_one("#it-export-path", Input).value.strip()
        self._run("#it-export-result", lambda: self.console.export_queue(Path(raw)))

    def _run(self, target: str, operation: Callable[[], str]) -> None:
        """Run one console operation and say what happened; a refusal changes nothing."""
        try:
            message = operation()
        except StaffConsoleError as refused:
            self._result(target, False, str(refused))
            return
        self.query_one("#it-staff-pin", Input).value = ""
        self._result(target, True, message)
        self.refresh_all()


def _read_aloud_line(language: str) -> str:
    """Whether patients choosing `language` can have it read aloud on this host."""
    voice = voice_for(language)
    if voice is None:
        return staff_text("it.language_no_voice")
    if voice not in installed_voices():
        return staff_text("it.language_voice_missing", voice=voice)
    return staff_text("it.language_read_aloud", voice=voice)


def _language_line(status: LanguageStatus) -> str:
    """One language's headline: whether patients are offered it, and why."""
    name = LANGUAGE_NAMES[status.language]
    if status.state is LanguageState.REVIEWED and status.review is not None:
        review = status.review
        return staff_text(
            "it.language_reviewed",
            name=name,
            reviewer=review.reviewed_by,
            date=review.reviewed_on.isoformat(),
        )
    if status.state is LanguageState.DRAFT:
        shown = "shown" if status.offered else "hidden"
        return staff_text(f"it.language_draft_{shown}", name=name)
    return staff_text(f"it.language_{status.state.value}", name=name)
