# Over 400 lines: the one owner of every key binding, the check-in's flow and its sealing.
"""The kiosk App: the patient check-in, locked down, with the staff unlock behind one key.

The App owns every key binding (`inherit_bindings=False`, no command palette): no key quits,
suspends or opens anything but F12, the staff unlock. It holds the one `CheckInSession` in
memory, seals a draft after every step and the check-in at submit (in a worker thread, through
the `PatientDesk`, which can write but never read back), and ends every session the same way:
drop the session, remove every screen that showed it, build fresh empty ones, show welcome.

Switching steps must feel instant (< 50 ms) although Textual 8.2.8 needs 60-150 ms to mount a
form, so the next patient's step screens are built while the welcome screen waits.
"""

from __future__ import annotations

import asyncio
import gc
import os
import signal
import sys
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.geometry import Offset
from textual.message import Message
from textual.scrollbar import ScrollBar
from textual.widgets import Input
from textual.worker import Worker, WorkerCancelled, get_current_worker

from kiosk.intake.checkin_session import CheckInSession, IncompleteCheckIn
from kiosk.intake.checkin_steps import STEPS
from kiosk.intake.config import ClinicConfig, load_config
from kiosk.intake.languages import offered_languages
from kiosk.intake.records import CheckIn, ConsentDeclined, ConsentSignature, Draft
from kiosk.messages import (
    CheckInSealed,
    ConsentDeclinePressed,
    DisplayToggled,
    DraftSealed,
    EditPressed,
    LanguageChosen,
    PatientActivity,
    ReadAgainPressed,
    ReadAloudToggled,
    ResumeDraftRequested,
    SealFailed,
    SelfHarmAnswered,
    StepBack,
    StepDone,
    SubmitPressed,
    SyncFinished,
    is_activity,
)
from kiosk.page_channel import send_to_page
from kiosk.page_mirror import MIRROR_SECONDS, PageMirror
from kiosk.read_aloud import READ_AGAIN_KEY, ReadAloud
from kiosk.screens.done import DoneScreen
from kiosk.screens.still_there import StillThereScreen
from kiosk.screens.welcome import WelcomeScreen
from kiosk.speech.voices import languages_read_aloud
from kiosk.themes import HIGH_CONTRAST_THEME, KIOSK_THEMES, STANDARD_THEME
from kiosk.widgets.choice_list import ChoiceList
from sync.client.retry_policy import SYNC_INTERVAL_SECONDS

if TYPE_CHECKING:
    from kiosk.desk.facade import Kiosk
    from kiosk.desk.patient_desk import PatientDesk
    from kiosk.screens.step_screen import StepScreen

#: The key that opens the staff unlock: a terminal and a browser (textual-serve) both send it.
STAFF_KEY = "f12"
#: The clinic configuration in a kiosk's data directory (the name kiosk/desk/data_folder.py writes).
CLINIC_CONFIG_FILE = "clinic.toml"
DEFAULT_LANGUAGE = "en"
_IDLE_CHECK_SECONDS = 0.5
_BUILD_DELAY_SECONDS = 0.2
#: How often a kiosk on a terminal looks whether its terminal is still there.
_TERMINAL_CHECK_SECONDS = 0.25
_KEYS_FD = 0  # standard input, where Textual's terminal driver reads the keys


@dataclass(frozen=True)
class IdleTimeouts:
    """Seconds of no input before "Are you still there?", before the wipe, and after Done."""

    idle_seconds: float
    warning_seconds: float
    done_seconds: float = 10.0

    @classmethod
    def from_config(cls, config: ClinicConfig) -> IdleTimeouts:
        return cls(float(config.patient_idle_seconds), float(config.patient_warning_seconds))


def _forget_dead_terminal() -> None:
    """Point standard input and output at /dev/null: the terminal is gone, and Textual's
    threads would otherwise fail (and its writer then block) on it while the App closes."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)


class FullCollectionHold:
    """Holds Python's full garbage collection off while a patient is mid-check-in.

    A full collection of the kiosk's heap takes 100-400 ms and would land on some step switch;
    young objects are still collected as usual, and the full collection runs at the wipe,
    when the patient's screens have just been thrown away.
    """

    _HELD = 1_000_000  # full-collection threshold (young collections between full ones)

    def __init__(self) -> None:
        self._saved: tuple[int, int, int] | None = None

    def hold(self) -> None:
        if self._saved is None:
            self._saved = gc.get_threshold()
            gc.set_threshold(self._saved[0], self._saved[1], self._HELD)

    def release(self, collect: bool = True) -> None:
        """Collect now (what was held off) and restore the usual thresholds."""
        if self._saved is not None:
            gc.set_threshold(*self._saved)
            self._saved = None
            if collect:
                gc.collect()


class KioskApp(App[None], inherit_bindings=False):
    """The patient kiosk, given an opened `Kiosk` or its data directory.

    Given the directory, the welcome screen is drawn from the clinic configuration alone and the
    kiosk (keys, database: the slow imports) is opened in a thread just after; "Check in" waits
    for it. Tests pass an opened `Kiosk`, short timeouts and fake clocks.
    """

    ENABLE_COMMAND_PALETTE = False
    ALLOW_SELECT = False
    TITLE = "Check-in"
    BINDINGS = [
        Binding(STAFF_KEY, "staff", show=False, priority=True),
        Binding(READ_AGAIN_KEY, "read_again", show=False, priority=True),
    ]

    CSS = """
    Screen { background: $kiosk-background; color: $kiosk-text; }
    Button {
        height: 3; min-width: 12; background: $kiosk-button; color: $kiosk-button-text;
        border: tall $kiosk-border; text-style: bold;
    }
    Button:hover { background: $kiosk-button; }
    Button.-active { background: $kiosk-button; tint: transparent; }
    Button:focus { background: $kiosk-focus; color: $kiosk-focus-text; }
    Button:disabled { background: $kiosk-disabled; color: $kiosk-disabled-text; }
    Button.-chosen { background: $kiosk-chosen; color: $kiosk-chosen-text; }
    Button.-chosen:focus { background: $kiosk-focus; color: $kiosk-focus-text; }
    /* Why: a statement to tick wraps whole; the app's CSS outranks the widget's own height. */
    TickBox { height: auto; }
    /* Welcome's toggles side by side: two rows of words each, so a wrapped label is never cut
       (an auto height beside 1fr widths is guessed before the width is known). */
    #display-choices TickBox { height: 4; }
    .-larger-text Static { text-style: bold; }
    .-taller-boxes PatientInput { height: 5; padding: 1 1; }
    #read-again { display: none; }
    .-read-aloud #read-again { display: block; }
    """

    def __init__(
        self,
        kiosk: Kiosk | Path,
        *,
        timeouts: IdleTimeouts | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        sync_interval: float | None = SYNC_INTERVAL_SECONDS,
    ) -> None:
        super().__init__()
        # Why no animation: a scroll that glides (a tap on a scrollbar's track pages down over a
        # moment) moves the step under the patient's next tap, which then lands on the box below
        # the one aimed at; and motion on screen is what many people with migraine ask to be
        # spared. Every scroll jumps.
        self.animation_level = "none"
        self.sync_interval = sync_interval
        self.kiosk: Kiosk | None = None
        self._desk: PatientDesk | None = None
        if isinstance(kiosk, Path):
            self.data_dir = kiosk
            self.config = load_config(kiosk / CLINIC_CONFIG_FILE)
        else:
            self._opened(kiosk)
            self.data_dir = kiosk.data_dir
            self.config = kiosk.config
        self._timeouts_given = timeouts
        self.timeouts = timeouts or IdleTimeouts.from_config(self.config)
        self.clock = clock
        self.wall_clock = wall_clock
        self.zone = ZoneInfo(self.config.time_zone)
        self.session: CheckInSession | None = None
        self.steps: dict[str, StepScreen] = {}
        self.language = DEFAULT_LANGUAGE
        self.larger_text = False
        self.last_activity = clock()
        self.done_since: float | None = None
        for theme in KIOSK_THEMES:
            self.register_theme(theme)
        # Why not `self.theme = ...`: once running, that re-parses and re-applies every style
        # (~15 ms of start-up); this starts in the theme the way Textual starts in its default
        # (App.__init__ takes the stylesheet's variables from the theme before any CSS is read).
        self.set_reactive(App.theme, STANDARD_THEME)
        # A step jumps to where it scrolls: a form sliding under a patient's finger takes the
        # tap to another box, and every animation frame costs the kiosk host's shared cores.
        self.animation_level = "none"
        self.stylesheet.set_variables(self.get_css_variables())
        # Read aloud is offered in the languages this host has a voice for: one `espeak-ng
        # --voices` per process (~15 ms; a served kiosk asks once, before forking its tabs).
        self.welcome = WelcomeScreen(
            self.config.clinic_name,
            self.language,
            offered_languages(self.config),
            read_aloud_in=languages_read_aloud(),
        )
        self.done = DoneScreen(self.language)
        self.read_aloud = ReadAloud(self)
        self._steps_language: str | None = None
        self._steps_worker: Worker[None] | None = None
        self._opened_here = False
        #: F12 (or the staff line) before the kiosk had opened: the sign-in shows once it has.
        self._staff_asked = False
        self._stopping = False
        self.full_collections = FullCollectionHold()
        self.page_mirror = PageMirror(self)

    @property
    def cursor_position(self) -> Offset:
        """Where the terminal's cursor is parked at each frame: in the focused box as it is
        drawn now. Textual parks it where the box was when it took focus, but a step moves its
        boxes after that (the keypad comes up, a tapped box scrolls into view), and a browser
        places the tablet's keyboard input and any input method's window at this cursor."""
        focused = self.focused
        if isinstance(focused, Input) and focused.region:
            return focused.cursor_screen_offset
        return self._parked_cursor

    @cursor_position.setter
    def cursor_position(self, offset: Offset) -> None:
        self._parked_cursor = offset

    # ---- start ----------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.screen_change_signal.subscribe(self, self._screen_changed)
        self.install_screen(self.welcome, "welcome")
        self.install_screen(self.done, "done")
        self.push_screen("welcome")
        self.set_interval(_IDLE_CHECK_SECONDS, self.check_patient_idle)
        if self.sync_interval is not None:  # None: the kiosk host syncs (`kiosk serve`)
            self.set_interval(self.sync_interval, self.start_sync)
        if not self.is_headless:  # a real terminal or browser tab, not a Pilot test
            self._stop_when_told_or_orphaned()
        if self.is_web:  # a tablet's page: its screen-reader mirror follows the screen
            self.set_interval(MIRROR_SECONDS, self._mirror_screen)

    def on_ready(self) -> None:
        # Why: build the steps just after the welcome screen is drawn, so start-up stays quick.
        self.set_timer(_BUILD_DELAY_SECONDS, self._first_build)

    def _first_build(self) -> None:
        if self._steps_worker is None:
            self.prepare_steps(self.language)

    def _opened(self, kiosk: Kiosk) -> None:
        self.kiosk = kiosk
        self._desk = kiosk.patient_desk()

    @property
    def desk(self) -> PatientDesk:
        """The patient side of the kiosk: seals and stores, never reads back."""
        if self._desk is None:
            raise RuntimeError("the kiosk is not open yet; wait for steps_built()")
        return self._desk

    async def _open_kiosk(self) -> None:
        """Open the kiosk from its data directory in a thread, once."""
        if self.kiosk is None:
            from kiosk.desk.facade import Kiosk

            kiosk = await asyncio.to_thread(Kiosk.open, self.data_dir)
            self._opened(kiosk)
            self._opened_here = True
            # The welcome screen was drawn from clinic.toml alone; from here on the kiosk runs on
            # what it opened with: the clinic server's published configuration when it verified.
            await self._use_config(kiosk.config)
            if self._staff_asked:
                self._staff_asked = False
                self.action_staff()

    async def _use_config(self, config: ClinicConfig) -> None:
        self.config = config
        self.timeouts = self._timeouts_given or IdleTimeouts.from_config(config)
        self.zone = ZoneInfo(config.time_zone)
        languages = offered_languages(config)
        await self.welcome.offer(config.clinic_name, languages)
        if self.language not in languages and self.session is None:
            self.language = DEFAULT_LANGUAGE
            self.welcome.show(self.language, self.larger_text, self.theme == HIGH_CONTRAST_THEME)
            self.done.show(self.language, declined=False)

    async def on_unmount(self) -> None:
        self.full_collections.release(collect=False)
        if self.kiosk is not None and self._opened_here:
            self.kiosk.close()

    # ---- stopping in order: hang-up, a terminal gone, systemd's stop ------------------------

    def _stop_when_told_or_orphaned(self) -> None:
        """Stop in order on SIGHUP or SIGTERM, and (on a terminal) when the terminal goes.

        Why the watch: a terminal closed without a hang-up reaching this process (the kiosk not
        in the terminal's foreground, or SIGHUP ignored by whoever started it) leaves Textual
        8.2.8's input thread reading end-of-file forever, a core at full speed.
        """
        loop = asyncio.get_running_loop()
        for number in (signal.SIGHUP, signal.SIGTERM):
            loop.add_signal_handler(number, self.stop_in_order)
        # Why: Textual's driver restarts its output on SIGCONT (after a suspend, which the kiosk
        # never allows); a hang-up sends SIGCONT too, and the restarted output dies on the gone
        # terminal, after which the App blocks for ever writing to it.
        signal.signal(signal.SIGTSTP, signal.SIG_IGN)
        signal.signal(signal.SIGCONT, signal.SIG_DFL)
        if not self.is_web and os.isatty(_KEYS_FD):
            self.set_interval(_TERMINAL_CHECK_SECONDS, self._check_terminal)

    def _check_terminal(self) -> None:
        if not self._stopping and not os.isatty(_KEYS_FD):
            self.stop_in_order()

    def stop_in_order(self) -> None:
        """Seal the open check-in's draft, then quit (the store closes as the App unmounts)."""
        if self._stopping:
            return
        self._stopping = True
        if not self.is_web and not os.isatty(_KEYS_FD):
            _forget_dead_terminal()
        self.run_worker(self._seal_and_quit(), group="stop")

    async def _seal_and_quit(self) -> None:
        session = self.session
        if session is not None and session.draft_number > 0:
            # Something is sealed already: seal it again at the step the patient is on, so a
            # nurse resumes there. A half-filled step is not kept (it may read as "none").
            self.seal_draft(session, self._current_step() or STEPS[0])
        # Why only when sealing: given no workers, Textual waits for all, this one too.
        if any(worker.group == "seal" for worker in self.workers):
            await self.seals_settled()
        self.exit()

    def _current_step(self) -> str | None:
        """The step screen the patient is on (under a warning or a staff screen, if any)."""
        steps = set(self.steps.values())
        for screen in reversed(self.screen_stack):
            if screen in steps:
                return str(screen.name)
        return None

    def now_local(self) -> datetime:
        """The wall clock in the clinic's zone (for "today" and clock times typed)."""
        return self.wall_clock().astimezone(self.zone)

    # ---- step screens, built ahead ----------------------------------------------------------

    def prepare_steps(self, language: str) -> None:
        """Throw away any built step screens and build empty ones in `language`."""
        self._steps_worker = self._build_steps(language)

    @work(exclusive=True, group="steps")
    async def _build_steps(self, language: str) -> None:
        # Why imported here: the step screens are not needed to draw the welcome screen.
        from kiosk.checkin_screens import build_step_screens
        from kiosk.offscreen import mount_offscreen

        await self._open_kiosk()
        await self._discard_steps()
        screens = build_step_screens(language, self.now_local, self.config)
        self.steps = screens
        self._steps_language = language
        for name, screen in screens.items():
            self.install_screen(screen, f"step-{name}")
            await mount_offscreen(self, screen)
            if get_current_worker().is_cancelled:
                return
            await screen.lay_out_ahead(self.size)

    async def _discard_steps(self) -> None:
        """Uninstall and remove every step screen: nothing typed survives in a widget."""
        self.workers.cancel_group(self, "review")
        old, self.steps = self.steps, {}
        for name, screen in old.items():
            self.uninstall_screen(f"step-{name}")
            if screen.is_attached:
                await screen.remove()
        self.full_collections.release()

    async def steps_built(self) -> None:
        """Wait until the latest build of step screens has finished (or been given up)."""
        self._first_build()
        while True:
            worker = self._steps_worker
            if worker is None:
                return
            with suppress(WorkerCancelled):
                await worker.wait()
            if worker is self._steps_worker:
                return

    # ---- the patient's way through ------------------------------------------------------

    def on_language_chosen(self, message: LanguageChosen) -> None:
        if self.screen is not self.welcome:
            # A tap that landed just after "Check in": the steps are showing (or the staff
            # unlock); rebuilding them now would pull the current screen from under the patient.
            return
        self.language = message.language
        if not self.welcome.reads_aloud(self.language):
            self._read_aloud(False)  # not offered in a language this host has no voice for
        self.welcome.show(
            self.language, self.larger_text, self.theme == HIGH_CONTRAST_THEME, self.read_aloud.on
        )
        self.done.show(self.language, declined=False)
        self.prepare_steps(self.language)

    def on_read_aloud_toggled(self, message: ReadAloudToggled) -> None:
        self._read_aloud(message.read_aloud)
        if message.read_aloud:
            self.read_aloud.follow()

    def _read_aloud(self, on: bool) -> None:
        self.read_aloud.on = on
        self.set_class(on, "-read-aloud")
        if not on:
            self.read_aloud.stop()

    def on_read_again_pressed(self, _message: ReadAgainPressed) -> None:
        self.action_read_again()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Why: F2 is also the nurse's key to the chair board; on a staff screen read-again
        # steps aside (a binding whose action is not allowed lets the key go on to the screen).
        if action == "read_again":
            return bool(self.screen_stack) and not self._staff_on_top()
        return True

    def action_read_again(self) -> None:
        """Say the current question again (F2, or "Read again" on a step)."""
        self.read_aloud.say_current()

    def on_display_toggled(self, message: DisplayToggled) -> None:
        self._show_larger_text(message.larger_text)
        self.theme = HIGH_CONTRAST_THEME if message.high_contrast else STANDARD_THEME

    async def on_check_in_pressed(self) -> None:
        if self.screen is not self.welcome:
            return  # a second tap on "Check in": the first has started the check-in
        if self._steps_language != self.language or not self.steps:
            self.prepare_steps(self.language)
        await self.steps_built()
        if self.screen is not self.welcome:
            return  # the staff unlock opened on top meanwhile: it must not be switched away
        self.session = CheckInSession(self.language, self.wall_clock().astimezone(UTC))
        self.full_collections.hold()
        self.touch()
        await self.show_step("identity")

    async def show_step(self, step: str) -> None:
        """Make a step the current screen (its widgets keep what the patient typed there)."""
        screen = self.steps[step]
        if self.session is not None:
            screen.before_show(self.session)
        await self.switch_screen(screen)

    async def on_step_done(self, message: StepDone[object]) -> None:
        session = self.session
        if session is None:
            return
        step = message.step
        if step == "consent":
            assert isinstance(message.section, ConsentSignature)
            session.consent = message.section
            following = "review"
        else:
            session.keep(step, message.section)
            following = STEPS[STEPS.index(step) + 1]
            if self.steps[step].editing_from_review:
                following = "review"
            if step == "identity" and not session.signature_matches():
                session.consent = None  # a changed legal name needs the consent signed again
                following = "consent"
        for screen in self.steps.values():
            screen.set_editing_from_review(following == "review" or screen.editing_from_review)
        self.seal_draft(session, following)
        await self.show_step(following)
        if following != "review":
            self.call_after_refresh(self._draw_review_ahead)  # Why: once the step is drawn

    @work(exclusive=True, group="review")
    async def _draw_review_ahead(self) -> None:
        """Draw and lay out the review off-screen, so showing it later costs little."""
        review = self.steps.get("review")
        # Why the session is read here, not passed: a finished worker must not keep answers.
        if self.session is not None and review is not None and review is not self.screen:
            review.before_show(self.session)
            await review.lay_out_ahead(self.size)

    async def on_step_back(self, message: StepBack) -> None:
        index = STEPS.index(message.step)
        if index > 0:
            await self.show_step(STEPS[index - 1])
        else:
            # Back from the first step (offered before anything is sealed): to welcome by the
            # wipe, so nothing typed there survives; the patient's language and display stay.
            await self.end_session(keep_display=True)

    async def on_edit_pressed(self, message: EditPressed) -> None:
        await self.show_step(message.step)

    def on_self_harm_answered(self, message: SelfHarmAnswered) -> None:
        # Why: PHQ-9 item 9 above 0 reaches the nurse's list now, not at submit.
        if self.session is not None:
            self.session.keep("mood", message.answers_so_far)
            self.seal_draft(self.session, "mood")

    def on_submit_pressed(self, _message: SubmitPressed) -> None:
        session = self.session
        if session is None:
            return
        if session.consent is None:
            self.call_next(self.show_step, "consent")
            return
        try:
            checkin = session.checkin(session.consent, self.wall_clock().astimezone(UTC))
        except IncompleteCheckIn as missing:
            self.call_next(self.show_step, str(missing))
            return
        self._seal(partial(self._store_checkin, checkin))

    def on_consent_decline_pressed(self, message: ConsentDeclinePressed) -> None:
        session = self.session
        if session is None:
            return
        consent = self.config.consent
        declined = session.declined(
            consent.document_id, consent.version, self.wall_clock().astimezone(UTC)
        )
        self._seal(partial(self._store_declined, declined))

    # ---- sealing (worker threads; they never touch a widget) ------------------------------

    def seal_draft(self, session: CheckInSession, step: str) -> None:
        """Seal what is done so far, to the staff key, superseding the previous draft."""
        session.draft_number += 1
        draft = session.draft(step)
        self._seal(partial(self._store_draft, session, draft, session.draft_number))

    # Why: an async worker handing the blocking part to asyncio.to_thread, not a thread worker:
    # Textual leaves the last thread worker (and so its arguments, a patient's answers) set in
    # the pool thread's context variables after it finishes, where a wipe cannot reach it.
    @work(group="seal", exit_on_error=False)
    async def _seal(self, store: Callable[[], Message | None]) -> None:
        """Run one blocking store call in a thread; post what it reports, or why it failed."""
        # Why imported here: the facade (and its cryptography) loads after the welcome screen.
        from kiosk.desk.errors import KioskError

        try:
            sealed = await asyncio.to_thread(store)
        except KioskError as error:
            self.post_message(SealFailed(str(error)))
            return
        if sealed is not None:
            self.post_message(sealed)

    def _store_draft(self, session: CheckInSession, draft: Draft, number: int) -> Message | None:
        with session.seal_lock:
            if number < session.sealed_number:
                return None  # a newer draft is already stored
            record_id = self.desk.save_draft(draft, supersedes=session.last_draft_id)
            session.last_draft_id = record_id
            session.sealed_number = number
            return DraftSealed(record_id)

    def _store_checkin(self, checkin: CheckIn) -> Message:
        self.desk.submit_checkin(checkin)
        return CheckInSealed(declined=False)

    def _store_declined(self, declined: ConsentDeclined) -> Message:
        self.desk.record_consent_declined(declined)
        return CheckInSealed(declined=True)

    async def on_check_in_sealed(self, message: CheckInSealed) -> None:
        if self.session is None:
            return
        self.session = None
        self.done.show(self.language, declined=message.declined)
        self.done_since = self.clock()
        await self.switch_screen("done")
        self._discard_after_done()

    @work(exclusive=True, group="steps")
    async def _discard_after_done(self) -> None:
        await self._discard_steps()

    async def on_finish_pressed(self) -> None:
        await self.end_session()

    def on_seal_failed(self, message: SealFailed) -> None:
        for step in self.steps.values():
            if step is self.screen:
                step.show_failure()
        self.log.error(f"sealing failed: {message.reason}")

    async def seals_settled(self) -> None:
        """Wait for every draft and check-in being sealed (tests, and before a wipe)."""
        await self.workers.wait_for_complete([w for w in self.workers if w.group == "seal"])

    # ---- idle, done, wipe -------------------------------------------------------------------

    def touch(self) -> None:
        """The patient did something: restart the idle clock and close the warning."""
        self.last_activity = self.clock()
        if self.screen_stack and isinstance(self.screen, StillThereScreen):
            self.pop_screen()

    async def on_event(self, event: events.Event) -> None:
        if is_activity(event):
            self.touch()
            self.call_after_refresh(self._read_what_is_new)
        if (
            isinstance(event, events.MouseMove)
            and event.button == 0
            and isinstance(self.mouse_captured, ScrollBar)
        ):
            # Why: a tap sends press and release together, and Textual 8.2.8's scrollbar grabs
            # the mouse (an action run after the press) only once the release has gone by, so
            # it stays grabbed and the next tap anywhere would drag the form. A pointer that
            # moves with no button held is not dragging: the grab is over.
            self.capture_mouse(None)
        await super().on_event(event)

    def on_patient_activity(self, _message: PatientActivity) -> None:
        self.touch()
        self.call_after_refresh(self._read_what_is_new)

    def on_descendant_focus(self, _event: events.DescendantFocus) -> None:
        self.call_after_refresh(self._read_what_is_new)

    def on_choice_list_cursor_moved(self, _message: ChoiceList.CursorMoved) -> None:
        self.call_after_refresh(self._read_what_is_new)

    def _screen_changed(self, _screen: object) -> None:
        self.call_after_refresh(self._read_what_is_new)

    def _read_what_is_new(self) -> None:
        """With read aloud on: a new screen or question is said (never a staff screen)."""
        if self.screen_stack and not self._staff_on_top():
            self.read_aloud.follow()

    def check_patient_idle(self) -> None:
        """Warn after the idle time, wipe after the warning, leave Done after its time."""
        if not self.screen_stack:
            return  # starting or closing down
        top = self.screen
        if self._staff_on_top():
            self.last_activity = self.clock()
            return
        now = self.clock()
        if top is self.done and self.done_since is not None:
            if now - self.done_since >= self.timeouts.done_seconds:
                self.call_next(self.end_session)
            return
        if self.session is None:
            return
        quiet = now - self.last_activity
        left = self.timeouts.idle_seconds + self.timeouts.warning_seconds - quiet
        if left <= 0:
            self.call_next(self.end_session)
        elif quiet >= self.timeouts.idle_seconds:
            if isinstance(top, StillThereScreen):
                top.show_seconds(left)
            else:
                self.push_screen(StillThereScreen(self.language, left))

    async def end_session(self, keep_display: bool = False) -> None:
        """Drop the check-in and every screen that showed it; back to welcome with the defaults
        on, or (`keep_display`: the same patient went back) their language and display kept."""
        self.session = None
        self.done_since = None
        if not keep_display:
            self.read_aloud.end()  # nothing is said after the wipe
            self.set_class(False, "-read-aloud")
        while len(self.screen_stack) > 2 and not self._staff_on_top():
            self.pop_screen()
        if self.screen is not self.welcome:
            await self.switch_screen("welcome")
        if not keep_display:
            self.language = DEFAULT_LANGUAGE
            self._show_larger_text(False)
            self.theme = STANDARD_THEME
        self.welcome.show(
            self.language,
            self.larger_text,
            self.theme == HIGH_CONTRAST_THEME,
            self.read_aloud.on,
        )
        self.done.show(self.language, declined=False)
        self.prepare_steps(self.language)

    def _show_larger_text(self, larger: bool) -> None:
        """Larger text on or off: bolder words; in a tablet's page the terminal's font grows
        and the screen reflows to the fewer columns, and in a terminal, whose font the kiosk
        cannot change, the boxes grow taller instead (in the page they are already taller
        with the font, and more rows to each box would push a step's end below the fold)."""
        self.larger_text = larger
        self.set_class(larger, "-larger-text")
        scaled = send_to_page(self, "text_size", {"larger": larger})
        self.set_class(larger and not scaled, "-taller-boxes")

    def _mirror_screen(self) -> None:
        if self.screen_stack:
            self.page_mirror.show(None if self._staff_on_top() else self.screen, self.language)

    # ---- staff --------------------------------------------------------------------------

    def on_staff_line_tapped(self) -> None:
        self.action_staff()

    def action_staff(self) -> None:
        # Why imported here: the staff screens are not needed to draw the welcome screen.
        from kiosk.screens.staff_unlock import StaffUnlockScreen

        if self.kiosk is None:  # opening just after the welcome screen was drawn
            self._staff_asked = True
            self._first_build()
        elif not self._staff_on_top():
            self.push_screen(StaffUnlockScreen(self.kiosk, self.wall_clock))

    def _staff_on_top(self) -> bool:
        """Whether a staff screen is showing (none can be before the staff side is imported)."""
        staff_screen = sys.modules.get("kiosk.screens.staff_screen")
        return staff_screen is not None and isinstance(self.screen, staff_screen.StaffOnly)

    def on_shift_locked(self) -> None:
        self.touch()

    async def on_resume_draft_requested(self, message: ResumeDraftRequested) -> None:
        """A nurse resumed an interrupted check-in: its answers back on screen, at its step."""
        await self.end_session()
        draft = message.draft
        # The patient's own language, even one the clinic has since stopped offering to new
        # patients, as long as its consent can be shown.
        resumable = self.config.consent.in_language(draft.language)
        self.language = draft.language if resumable else DEFAULT_LANGUAGE
        self.prepare_steps(self.language)
        await self.steps_built()
        session = CheckInSession.from_draft(draft, message.record_id)
        self.session = session
        self.full_collections.hold()
        for screen in self.steps.values():
            screen.fill(session)
        step = draft.step if draft.step in STEPS else STEPS[0]
        self.touch()
        await self.show_step(step)

    # ---- sync: a thread worker that posts one message and never touches a widget ----------

    def start_sync(self, force: bool = False) -> None:
        """One sync run in the background: the patient flow never waits for the network."""
        if self.kiosk is not None:
            self._sync(self.kiosk, force)

    @work(thread=True, exclusive=True, exit_on_error=False, group="sync")
    def _sync(self, kiosk: Kiosk, force: bool) -> None:
        from sync.client.engine import SyncOutcome, sync_once

        try:
            report = sync_once(kiosk, force=force)  # its own connection: WAL keeps it apart
        except Exception as error:  # a full disk, say: IT must read why, not wait for ever
            self.post_message(
                SyncFinished(SyncOutcome.FAILED.value, forced=force, error=str(error))
            )
            raise
        self.post_message(
            SyncFinished(
                report.outcome.value,
                forced=force,
                error=report.error,
                delivered=report.acked,
                quarantined=report.quarantined,
            )
        )

    def on_sync_now_requested(self) -> None:
        self.start_sync(force=True)

    def on_sync_finished(self, message: SyncFinished) -> None:
        from kiosk.screens.it_console import ITConsoleScreen

        # A run can finish as the kiosk closes, its screens already gone.
        if self.screen_stack and isinstance(self.screen, ITConsoleScreen):
            self.screen.refresh_all()
            if message.forced:
                self.screen.show_sync_outcome(
                    message.outcome, message.error, message.delivered, message.quarantined
                )

    # ---- lockdown: the actions a stray binding or markup link could name ------------------

    async def action_quit(self) -> None:
        """Never: a patient cannot leave the kiosk."""

    def action_suspend_process(self) -> None:
        """Never: a patient cannot reach the shell."""

    def action_help_quit(self) -> None:
        """Never."""
