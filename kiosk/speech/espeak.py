"""Rendering words to WAV with espeak-ng, in a subprocess, never through a shell.

The text goes in on stdin (never as an argument, so it cannot become an option), as UTF-8, with
SSML off (espeak-ng reads markup only when told to with -m, which is never given) and every
control and invisible formatting character replaced by a space first, so hostile text (escape
sequences, bidi overrides, NULs) is neither markup nor a command. Text longer than
`MAX_SPOKEN_CHARS` is cut there. A render that takes longer than its timeout is killed.
Errors never carry the text (it may be a patient's words).
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import unicodedata

from kiosk.speech.voices import ESPEAK

#: The most characters one utterance may hold (the whole consent is said part by part).
MAX_SPOKEN_CHARS = 4000
#: Longest one render may take.
RENDER_TIMEOUT_S = 15.0
#: Words per minute: a little slower than espeak-ng's 175, for a waiting room.
SPEECH_RATE = 160


class SpeechFailed(Exception):
    """espeak-ng is missing, failed, or took too long (the message names which, never the text)."""


def speakable(text: str) -> str:
    """`text` with control and formatting characters as spaces, runs of space as one, cut to
    `MAX_SPOKEN_CHARS`."""
    cleaned = "".join(
        " " if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") else char
        for char in text[: MAX_SPOKEN_CHARS * 2]
    )
    return " ".join(cleaned.split())[:MAX_SPOKEN_CHARS]


def render_wav(text: str, voice: str, *, timeout: float = RENDER_TIMEOUT_S) -> bytes:
    """The WAV (mono, 16-bit, espeak-ng's 22050 Hz) of `text` spoken by `voice`."""
    program = shutil.which(ESPEAK)
    if program is None:
        raise SpeechFailed("espeak-ng is not installed (scripts/ensure-espeak installs it)")
    command = [program, "-v", voice, "-s", str(SPEECH_RATE), "-b", "1", "--stdout"]
    try:
        done = subprocess.run(
            command,
            input=speakable(text).encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as expired:
        raise SpeechFailed(f"espeak-ng took longer than {timeout:g} s") from expired
    except OSError as error:
        raise SpeechFailed(f"espeak-ng could not start: {error.strerror}") from error
    if done.returncode != 0:
        raise SpeechFailed(f"espeak-ng ended with code {done.returncode} (voice {voice})")
    return with_true_length(done.stdout)


def with_true_length(wav: bytes) -> bytes:
    """espeak-ng writing to a pipe cannot seek back, so its header says "length unknown"
    (0x7fffffff): write the true sizes in, so every player and `wave` reads it whole."""
    if len(wav) < 44 or wav[:4] != b"RIFF" or wav[8:12] != b"WAVE":
        raise SpeechFailed("espeak-ng wrote no WAV")
    data_at = wav.find(b"data", 12)
    if data_at < 0:
        raise SpeechFailed("espeak-ng wrote no WAV data")
    data_size = len(wav) - (data_at + 8)
    return (
        wav[:4]
        + struct.pack("<I", len(wav) - 8)
        + wav[8 : data_at + 4]
        + struct.pack("<I", data_size)
        + wav[data_at + 8 :]
    )
