"""Read aloud at the terminal kiosk, driven by a patient's keys and taps: what is handed to the
real espeak-ng is the screen's own words (kiosk/screens/step_words), in the patient's language,
and nothing is said after the wipe.

The one stand-in: the host's player. This machine has no sound device, so `HeardOnHost` keeps
each WAV the kiosk would play instead of playing it; everything before it (the words, espeak-ng,
the cache) is the real thing.
"""

from __future__ import annotations

import threading
from pathlib import Path

from textual import events
from textual.pilot import Pilot

from kiosk.app import KioskApp
from kiosk.desk.facade import Kiosk
from kiosk.read_aloud import spoken
from kiosk.screens.step_words import step_words
from kiosk.speech.audio_cache import cache_key
from kiosk.speech.playback import HostPlayer
from kiosk.speech.speaker import Speaker, Utterance
from kiosk.widgets.tick_box import TickBox
from tests.screens.conftest import (
    CALM,
    CLINIC_NOW,
    FakeClock,
    click,
    kiosk_offering_drafts,
    tab_to,
    type_text,
)
from tests.screens.conftest import ready as steps_ready
from tests.speech.test_espeak_audio import SILENCE_RMS, RecordingRender, heard
from tests.waiting import DEADLINE_S, wait_until


class HeardOnHost(HostPlayer):
    """What the kiosk host would play, kept (no sound device on this machine). With `hold`,
    each WAV "plays" until `stop()`, as a real player does with a long sentence."""

    def __init__(self) -> None:
        super().__init__(command=None)
        self.played: list[bytes] = []
        self.hold = False
        self._lock = threading.Lock()
        self._playing: threading.Event | None = None

    def play(self, wav: bytes) -> None:
        with self._lock:
            self.played.append(wav)
            playing = self._playing = threading.Event()
        if self.hold:
            playing.wait(timeout=DEADLINE_S)

    def stop(self) -> None:
        with self._lock:
            if self._playing is not None:
                self._playing.set()


class SaidBySpeaker(Speaker):
    """The kiosk's speaker, noting each utterance asked of it (rendered, or from the cache)."""

    def __init__(self) -> None:
        self.engine = RecordingRender()
        super().__init__(render=self.engine)
        self.said: list[Utterance] = []

    def audio(self, utterance: Utterance) -> bytes:
        self.said.append(utterance)
        return super().audio(utterance)

    @property
    def handed(self) -> list[str]:
        """The texts asked of the speaker, in order."""
        return [utterance.text for utterance in self.said]

    def clear(self) -> None:
        self.said.clear()
        self.engine.handed.clear()


def listen(app: KioskApp) -> tuple[SaidBySpeaker, HeardOnHost]:
    speaker, player = SaidBySpeaker(), HeardOnHost()
    app.read_aloud.speaker = speaker
    app.read_aloud.player = player
    return speaker, player


async def said(app: KioskApp, pilot: Pilot[None]) -> None:
    """Wait until what the kiosk is saying has been rendered and played."""
    await pilot.pause()
    await app.workers.wait_for_complete([w for w in app.workers if w.group == "read-aloud"])
    await pilot.pause()


async def ready(app: KioskApp, pilot: Pilot[None]) -> None:
    await steps_ready(app, pilot)
    await pilot.pause()


async def read_aloud_on(app: KioskApp, pilot: Pilot[None]) -> None:
    """Tab to "Read aloud" on welcome and tick it with Space, as a patient would."""
    for _ in range(20):
        if app.focused is not None and app.focused.id == "read-aloud":
            break
        await pilot.press("tab")
    await pilot.press("space")
    await said(app, pilot)
    assert app.read_aloud.on


async def reading_aloud(app: KioskApp, pilot: Pilot[None]) -> tuple[SaidBySpeaker, HeardOnHost]:
    """Listen to the kiosk, wait for welcome, and tick "Read aloud" there by keys."""
    speaker, player = listen(app)
    await ready(app, pilot)
    await read_aloud_on(app, pilot)
    return speaker, player


async def check_in_by_keys(app: KioskApp, pilot: Pilot[None], speaker: SaidBySpeaker) -> None:
    """From "Read aloud", back to "Check in" and Enter; wait until About you has been said."""
    await tab_to(pilot, "check-in", backwards=True)
    await said(app, pilot)
    speaker.clear()
    await pilot.press("enter")
    await app.steps_built()
    await said(app, pilot)
    assert app.screen.name == "identity"


async def test_each_question_the_patient_reaches_is_said_as_the_screen_shows_it(
    app: KioskApp,
) -> None:
    async with app.run_test(size=(100, 32)) as pilot:
        speaker, player = await reading_aloud(app, pilot)
        # Welcome is said from its top (the clinic's name) to the box just ticked.
        welcome = step_words(app.screen)
        assert speaker.handed == [
            u.text for u in spoken("en", welcome.opening() + welcome.current())
        ]
        assert speaker.handed[0] == app.config.clinic_name["en"]
        assert speaker.handed[-1] == "Read aloud"

        await check_in_by_keys(app, pilot, speaker)
        words = step_words(app.screen)
        # The step opens with its title and introduction, then its first box.
        expected = [u.text for u in spoken("en", words.opening() + words.current())]
        assert speaker.handed == expected
        assert expected[0] == words.parts[0].words  # the title, as drawn
        assert expected[-1] == app.screen.query_one("#legal_name").border_title
        # Each was handed to espeak-ng in English (none of it was said before) and played.
        assert speaker.engine.handed == [(text, "en-us") for text in expected]
        for wav, text in zip(player.played[-len(expected) :], expected, strict=True):
            seconds, rms = heard(wav)
            assert rms > SILENCE_RMS and seconds > 0.03 * len(text), text

        speaker.clear()
        await pilot.press("enter")  # on to the next box
        await said(app, pilot)
        assert app.focused is not None and app.focused.id == "preferred_name"
        assert speaker.handed == [u.text for u in spoken("en", step_words(app.screen).current())]


async def test_f2_and_read_again_say_the_current_question_and_its_options(
    app: KioskApp,
) -> None:
    async with app.run_test(size=(100, 32)) as pilot:
        speaker, _ = await reading_aloud(app, pilot)
        await check_in_by_keys(app, pilot, speaker)
        await app.show_step("history")
        await said(app, pilot)
        speaker.clear()
        await pilot.press("down")  # the second question, with its options
        await said(app, pilot)
        current = step_words(app.screen).current()
        assert speaker.handed == [u.text for u in spoken("en", current)]
        assert speaker.handed[-3:] == ["Yes", "No", "Not sure"]

        speaker.clear()
        await pilot.press("f2")
        await said(app, pilot)
        assert speaker.handed == [u.text for u in spoken("en", current)]

        speaker.clear()
        await click(pilot, "#read-again")
        await said(app, pilot)
        assert speaker.handed == [u.text for u in spoken("en", current)]
        assert app.focused is not None and app.focused.id == "history-questions"


async def test_a_spanish_patient_hears_spanish_from_the_spanish_voice(app: KioskApp) -> None:
    async with app.run_test(size=(100, 32)) as pilot:
        speaker, _ = listen(app)
        await ready(app, pilot)
        await click(pilot, "#language-es")
        await app.steps_built()
        assert app.screen.query_one("#read-aloud", TickBox).words == "Leer en voz alta"
        await read_aloud_on(app, pilot)
        await check_in_by_keys(app, pilot, speaker)
        words = step_words(app.screen)
        assert speaker.handed == [u.text for u in spoken("es", words.opening() + words.current())]
        assert speaker.handed[0] == "Sus datos"
        assert {voice for _, voice in speaker.engine.handed} == {"es-419"}


async def test_nothing_is_said_after_the_wipe_and_nothing_of_the_patient_is_kept(
    app: KioskApp, clock: FakeClock
) -> None:
    async with app.run_test(size=(100, 32)) as pilot:
        speaker, player = await reading_aloud(app, pilot)
        await check_in_by_keys(app, pilot, speaker)
        await type_text(pilot, "Dana")
        await pilot.press("f2")
        await said(app, pilot)
        assert ("Dana", "en-us") in speaker.engine.handed  # what the patient typed, said back
        assert cache_key("en", "en-us", "Dana") not in speaker.cache  # and not kept

        # The consent is long; the wipe comes while its first sentence is being said.
        player.hold = True
        before = len(player.played)
        await app.show_step("consent")
        await wait_until(pilot, lambda: len(player.played) > before, "the consent being said")
        clock.advance(CALM.idle_seconds + CALM.warning_seconds + 1)
        app.check_patient_idle()
        await said(app, pilot)
        assert app.screen.name == "welcome"
        assert len(player.played) == before + 1  # the rest of the consent was never played
        asked, played = len(speaker.said), len(player.played)

        await pilot.press("tab", "tab", "space")  # the next person moves about on welcome
        await said(app, pilot)
        assert not app.read_aloud.on
        assert not app.screen.query_one("#read-aloud", TickBox).ticked
        assert (len(speaker.said), len(player.played)) == (asked, played)


async def test_hostile_typing_is_said_as_drawn_without_a_crash(app: KioskApp) -> None:
    async with app.run_test(size=(100, 32)) as pilot:
        speaker, _ = await reading_aloud(app, pilot)
        await check_in_by_keys(app, pilot, speaker)
        hostile = "\x1b]0;owned\x07\x1b[2J<speak>" + "x" * 6000
        app.screen.query_one("#legal_name").post_message(events.Paste(hostile))
        await pilot.pause()
        speaker.clear()
        await pilot.press("f2")
        await said(app, pilot)
        assert app.screen.name == "identity"
        [label, typed] = speaker.said
        assert typed.patient_words and typed.text.startswith("\u241b]0;owned\u2407")
        assert all(ord(char) >= 0x20 for text, _ in speaker.engine.handed for char in text)


async def test_read_aloud_is_not_offered_in_tagalog(tmp_path: Path, clock: FakeClock) -> None:
    kiosk: Kiosk = kiosk_offering_drafts(tmp_path / "kiosk")
    app = KioskApp(kiosk, timeouts=CALM, clock=clock, wall_clock=lambda: CLINIC_NOW)
    try:
        async with app.run_test(size=(100, 40)) as pilot:
            await ready(app, pilot)
            assert app.screen.query_one("#read-aloud").display
            await click(pilot, "#language-tl")
            assert not app.screen.query_one("#read-aloud").display
            await click(pilot, "#language-ko")
            assert app.screen.query_one("#read-aloud").display
    finally:
        kiosk.close()
