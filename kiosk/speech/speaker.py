"""What the kiosk says, as audio: utterances in a language, rendered by its voice, the clinic's
words kept in the cache, the patient's words rendered afresh each time and never kept."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from kiosk.speech.audio_cache import AudioCache, cache_key
from kiosk.speech.espeak import SpeechFailed, render_wav, speakable
from kiosk.speech.voices import installed_voices, voice_for

#: Where a long text is cut into utterances: after a sentence's end or at a line break, so the
#: first sentence is heard while the rest renders.
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+|(?<=[\u3002\uff01\uff1f\uff1b\uff1a])|\n+")

Render = Callable[[str, str], bytes]


class NoVoice(SpeechFailed):
    """The language has no voice on this host."""


@dataclass(frozen=True)
class Utterance:
    """One thing to say: its words, their language, and whether they are the patient's own
    (then the audio is never kept)."""

    language: str
    text: str
    patient_words: bool = False


def utterances(language: str, text: str, *, patient_words: bool = False) -> Iterator[Utterance]:
    """`text` as utterances of a sentence or a line each (blank ones dropped)."""
    for sentence in _SENTENCE_END.split(text):
        words = speakable(sentence)
        if words:
            yield Utterance(language, words, patient_words)


class Speaker:
    """Renders utterances with espeak-ng, keeping the clinic's words in `cache`."""

    def __init__(self, cache: AudioCache | None = None, render: Render = render_wav) -> None:
        self.cache = cache if cache is not None else AudioCache()
        self._render = render

    def can_speak(self, language: str) -> bool:
        """Whether this host has `language`'s voice."""
        voice = voice_for(language)
        return voice is not None and voice in installed_voices()

    def audio(self, utterance: Utterance) -> bytes:
        """The WAV of one utterance (from the cache when the clinic's words were said before)."""
        voice = voice_for(utterance.language)
        if voice is None:
            raise NoVoice(f"no read-aloud voice for {utterance.language}")
        text = speakable(utterance.text)
        if utterance.patient_words:
            return self._render(text, voice)
        key = cache_key(utterance.language, voice, text)
        wav = self.cache.get(key)
        if wav is None:
            wav = self._render(text, voice)
            self.cache.put(key, wav)
        return wav
