"""Read aloud's audio, rendered by the real espeak-ng (scripts/ensure-espeak installs it): it is
speech, not silence, it lasts as long as its words, each language has its voice, hostile text is
neither markup nor an option, and only the clinic's words are kept in the cache."""

from __future__ import annotations

import io
import math
import wave
from array import array

import pytest

from kiosk.intake.config import default_config
from kiosk.locale import LANGUAGES, translate
from kiosk.speech.audio_cache import cache_key
from kiosk.speech.espeak import MAX_SPOKEN_CHARS, render_wav, speakable
from kiosk.speech.speaker import Speaker, Utterance, utterances
from kiosk.speech.voices import NO_VOICE, VOICES, installed_voices, languages_read_aloud

#: Loudness below which a WAV counts as silence (16-bit samples; speech is in the thousands).
SILENCE_RMS = 200
#: Seconds of speech per character at the kiosk's rate, for Latin scripts (English, Spanish).
SECONDS_PER_CHAR = (0.03, 0.12)


def heard(wav: bytes) -> tuple[float, float]:
    """A WAV's length in seconds and its loudness (root mean square of its samples)."""
    with wave.open(io.BytesIO(wav)) as audio:
        assert (audio.getnchannels(), audio.getsampwidth()) == (1, 2)
        frames = audio.readframes(audio.getnframes())
        seconds = audio.getnframes() / audio.getframerate()
    samples = array("h", frames)
    rms = math.sqrt(sum(s * s for s in samples) / len(samples)) if samples else 0.0
    return seconds, rms


def assert_speech_fits(wav: bytes, text: str) -> None:
    seconds, rms = heard(wav)
    assert rms > SILENCE_RMS, f"silent: rms {rms:.0f}"
    low, high = (len(text) * rate for rate in SECONDS_PER_CHAR)
    assert low <= seconds <= high + 0.5, f"{seconds:.2f} s for {len(text)} characters"


class RecordingRender:
    """The real espeak-ng render, noting each (text, voice) it was handed."""

    def __init__(self) -> None:
        self.handed: list[tuple[str, str]] = []

    def __call__(self, text: str, voice: str) -> bytes:
        self.handed.append((text, voice))
        return render_wav(text, voice)


def test_a_question_is_heard_as_long_as_its_words() -> None:
    question = translate("questions.history.seizures", "en")
    wav = Speaker().audio(Utterance("en", question))
    assert_speech_fits(wav, question)


def test_the_whole_consent_is_heard_sentence_by_sentence() -> None:
    consent = default_config().consent.text["en"]
    render = RecordingRender()
    speaker = Speaker(render=render)
    said = list(utterances("en", consent))
    assert len(said) > 3  # the first sentence is heard while the rest renders
    total = 0.0
    for utterance in said:
        wav = speaker.audio(utterance)
        seconds, rms = heard(wav)
        assert rms > SILENCE_RMS, utterance.text
        total += seconds
    # Every word of the consent was handed to the engine, in order, and nothing else.
    assert " ".join(text for text, _ in render.handed).split() == consent.split()
    low, high = (len(consent) * rate for rate in SECONDS_PER_CHAR)
    assert low <= total <= high, f"{total:.1f} s for {len(consent)} characters"


def test_a_spanish_question_is_spoken_by_the_spanish_voice() -> None:
    render = RecordingRender()
    question = translate("questions.history.seizures", "es")
    wav = Speaker(render=render).audio(Utterance("es", question))
    assert render.handed == [(question, "es-419")]
    assert_speech_fits(wav, question)
    english = render_wav(question, VOICES["en"])
    assert english != wav  # another voice, other sounds


def test_every_language_has_its_voice_installed_but_tagalog() -> None:
    installed = installed_voices()
    for language in LANGUAGES:
        if language in NO_VOICE:
            continue
        assert VOICES[language] in installed, language
    assert NO_VOICE == ("tl",)
    assert languages_read_aloud() == ("en", "es", "zh-Hans", "vi", "ko")


@pytest.mark.parametrize("language", ["zh-Hans", "vi", "ko"])
def test_the_new_languages_are_spoken_not_silent(language: str) -> None:
    wav = Speaker().audio(Utterance(language, translate("screens.welcome.greeting", language)))
    seconds, rms = heard(wav)
    assert rms > SILENCE_RMS and seconds > 0.5


@pytest.mark.parametrize(
    "hostile",
    [
        "\x1b[31mred\x1b[0m and \x1b]0;title\x07 and \x07\x00 NUL",
        '<speak><audio src="http://example.com/x.wav"/>'
        '<prosody rate="x-fast">fast</prosody></speak>',
        "-v de --stdout -w /tmp/owned.wav hello",
        "\u202eevil bidi\u202c \u200b zero width \ud7ff",
    ],
    ids=["escape-sequences", "ssml", "options", "bidi"],
)
def test_hostile_text_is_said_as_text(hostile: str) -> None:
    render = RecordingRender()
    wav = Speaker(render=render).audio(Utterance("en", hostile, patient_words=True))
    [(handed, voice)] = render.handed
    assert voice == "en-us"
    assert not any(ord(char) < 0x20 or 0x200B <= ord(char) <= 0x202E for char in handed)
    seconds, rms = heard(wav)
    assert rms > SILENCE_RMS and seconds > 0.5


def test_ssml_is_not_obeyed() -> None:
    """espeak-ng without -m reads the tags out as text, so the markup takes longer than the bare
    word it wraps (obeyed, it would be the one word, and faster)."""
    bare, _ = heard(render_wav("fast", "en-us"))
    tagged, _ = heard(render_wav('<prosody rate="x-fast">fast</prosody>', "en-us"))
    assert tagged > bare * 2


def test_very_long_text_is_cut_not_crashed() -> None:
    endless = "Hello there. " * 20_000
    assert len(speakable(endless)) == MAX_SPOKEN_CHARS
    wav = Speaker().audio(Utterance("en", endless, patient_words=True))
    seconds, _ = heard(wav)
    assert seconds <= MAX_SPOKEN_CHARS * SECONDS_PER_CHAR[1]


def test_only_the_clinics_words_are_kept() -> None:
    render = RecordingRender()
    speaker = Speaker(render=render)
    question = translate("screens.identity.legal_name", "en")
    speaker.audio(Utterance("en", question))
    speaker.audio(Utterance("en", question))
    speaker.audio(Utterance("en", "Dana Example", patient_words=True))
    speaker.audio(Utterance("en", "Dana Example", patient_words=True))
    assert [text for text, _ in render.handed] == [question, "Dana Example", "Dana Example"]
    assert cache_key("en", "en-us", question) in speaker.cache
    assert cache_key("en", "en-us", "Dana Example") not in speaker.cache
    assert len(speaker.cache) == 1
