"""Read aloud at the kiosk: what is said, and when.

With read aloud on (the patient ticked it on welcome), each screen that opens says its title,
its introduction (the consent its whole text) and the question the patient is on, and each
move to another question, box or button says that one. On every step the "Read again" button
or its key (`READ_AGAIN_KEY`) says the current question again, read aloud on or not. What is
said is the screen's own words (kiosk/screens/step_words), each part an utterance of its own
(a long text one per sentence, so the first is heard while the rest renders).

Where it is heard: at the terminal kiosk the host renders and plays it (kiosk/speech) in a
thread worker; served to a browser, the page is told what to say (the page channel) and fetches
the audio from the kiosk host's `/read-aloud` route. `stop()` silences both at once: a new
utterance list, the wipe, the check-in's end.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from textual.app import App
from textual.screen import Screen

from kiosk.page_channel import PageMessageRefused, send_to_page
from kiosk.screens.step_words import PartKind, StepPart, step_words
from kiosk.speech.espeak import SpeechFailed
from kiosk.speech.playback import HostPlayer
from kiosk.speech.speaker import Speaker, Utterance, utterances

#: The key that says the current question again (shown on the "Read again" button).
READ_AGAIN_KEY = "f2"


def spoken(language: str, parts: Sequence[StepPart]) -> Iterator[Utterance]:
    """The utterances that say `parts`: each part's words as drawn (a box: its label, then
    what is typed in it or its hint); the patient's own words marked so they are never kept."""
    for part in parts:
        if part.kind is PartKind.FIELD:
            yield from utterances(language, part.words)
            if part.value:
                yield from utterances(language, part.value, patient_words=True)
            elif part.hint:
                yield from utterances(language, part.hint)
        else:
            yield from utterances(language, part.words, patient_words=part.patient_words)


class ReadAloud:
    """Says the screen's words as the patient moves; `on` is the patient's choice."""

    def __init__(self, app: App[Any], speaker: Speaker | None = None) -> None:
        self.app = app
        self.speaker = speaker if speaker is not None else Speaker()
        self.player = HostPlayer()
        self.on = False
        #: What was said last, to say a question only when the patient reaches another one.
        self._last_said: tuple[Screen[Any] | None, tuple[StepPart, ...]] = (None, ())
        #: Bumped by every `stop()`: a worker still rendering an older list stops there.
        self._generation = 0

    def available(self, language: str) -> bool:
        """Whether `language` can be read aloud on this host (a voice for it is installed)."""
        return self.speaker.can_speak(language)

    def follow(self) -> None:
        """With read aloud on, say what is new: a new screen's opening and its question, or the
        question the patient moved to."""
        if not self.on or not self.app.screen_stack:
            return
        screen = self.app.screen
        words = step_words(screen)
        current = words.current()
        last_screen, last_current = self._last_said
        if screen is last_screen and current == last_current:
            return
        opening = words.opening() if screen is not last_screen else ()
        self._last_said = (screen, current)
        said = opening + tuple(part for part in current if part not in opening)
        self.say(said)

    def say_current(self) -> None:
        """Say the current question again (the key or the "Read again" button)."""
        words = step_words(self.app.screen)
        self._last_said = (self.app.screen, words.current())
        self.say(words.current())

    def say(self, parts: Sequence[StepPart]) -> None:
        """Stop what is being said and say `parts` in the patient's language."""
        language = str(getattr(self.app, "language", ""))
        said = list(spoken(language, parts))
        self.stop()
        if not said or not self.available(language):
            return
        if self._tell_page("speak", said):
            return
        generation = self._generation
        self.app.run_worker(
            lambda: self._render_and_play(generation, said),
            thread=True,
            group="read-aloud",
            exit_on_error=False,
        )

    def stop(self) -> None:
        """Say nothing more: what is playing stops, what was waiting is dropped."""
        self._generation += 1
        self.player.stop()
        self._tell_page("speak_stop", [])

    def end(self) -> None:
        """The check-in is over (the wipe, Done's end): silence, read aloud off, nothing kept
        of what was said (the cache never held the patient's words)."""
        self.on = False
        self._last_said = (None, ())
        self.stop()

    def _render_and_play(self, generation: int, said: list[Utterance]) -> None:
        for utterance in said:
            if generation != self._generation:
                return
            try:
                wav = self.speaker.audio(utterance)
            except SpeechFailed as failed:
                self.app.log.warning(f"read aloud: {failed}")
                return
            if generation != self._generation:
                return
            self.player.play(wav)

    def _tell_page(self, kind: str, said: Sequence[Utterance]) -> bool:
        """Served to a browser: hand the utterances to the page, which fetches their audio from
        the kiosk host (POST /read-aloud) and plays it; the host plays nothing. False at a
        terminal."""
        utterances = [
            {"language": u.language, "text": u.text, "patient_words": u.patient_words} for u in said
        ]
        try:
            return send_to_page(self.app, kind, {"utterances": utterances})
        except PageMessageRefused:  # over the channel's limit (a pasted book): its start only
            return send_to_page(self.app, kind, {"utterances": utterances[:1]})
