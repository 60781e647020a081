"""Read aloud: how soon a patient hears the first words, rendered afresh and from the cache.

Prints BENCH lines:
  tts_first_audio_ms_p95   (target <= 300 ms) from "say this" to the first utterance's WAV in
                           hand, nothing cached: every question and the consent of each language
                           read aloud (en, es, zh-Hans, vi, ko), split as the kiosk splits them
  tts_cached_ms_p95        (target <= 20 ms) the same with every utterance said once before
  espeak_start_ms_p95      the baseline, interleaved in the same run: espeak-ng rendering one
                           word, i.e. starting the process and loading the voice (the floor)
  tts_first_audio_ratio    median first audio over median baseline
  tts_whole_consent_ms_median  the English consent rendered as one utterance, for comparison:
                           what the first audio would wait for without the split
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kiosk.intake.config import default_config  # noqa: E402
from kiosk.locale import catalog  # noqa: E402
from kiosk.speech.espeak import render_wav  # noqa: E402
from kiosk.speech.speaker import Speaker, utterances  # noqa: E402
from kiosk.speech.voices import VOICES, languages_read_aloud  # noqa: E402

TARGET_FIRST_MS = 300.0
TARGET_CACHED_MS = 20.0


def texts(language: str) -> list[str]:
    """What a patient hears most: each question (with its options' words) and the consent."""
    words = catalog(language)
    questions = [text for key, text in words.items() if key.startswith("questions.")]
    return [*questions, default_config().consent.text[language]]


def first_audio_ms(speaker: Speaker, language: str, text: str) -> float:
    start = time.perf_counter()
    first = next(utterances(language, text))
    speaker.audio(first)
    return (time.perf_counter() - start) * 1000


def timed_ms(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[94]


def main() -> None:
    languages = languages_read_aloud()
    if not languages:
        sys.exit("espeak-ng or its voices are missing: run scripts/ensure-espeak")
    speaker = Speaker()
    fresh: list[float] = []
    cached: list[float] = []
    baseline: list[float] = []
    for language in languages:
        for text in texts(language):
            speaker.cache = type(speaker.cache)()  # nothing said before
            fresh.append(first_audio_ms(speaker, language, text))
            cached.append(first_audio_ms(speaker, language, text))
            voice = VOICES[language]  # the baseline interleaved: the same machine weather
            baseline.append(timed_ms(lambda voice=voice: render_wav("Hello", voice)))
    consent = default_config().consent.text["en"]
    whole = [timed_ms(lambda: render_wav(consent, VOICES["en"])) for _ in range(5)]

    print(f"BENCH tts_first_audio_ms_p95 {p95(fresh):.1f} ms")
    print(f"BENCH tts_cached_ms_p95 {p95(cached):.3f} ms")
    print(f"BENCH espeak_start_ms_p95 {p95(baseline):.1f} ms")
    ratio = statistics.median(fresh) / statistics.median(baseline)
    print(f"BENCH tts_first_audio_ratio {ratio:.2f} ratio")
    print(f"BENCH tts_whole_consent_ms_median {statistics.median(whole):.0f} ms")
    print(f"# {len(fresh)} texts in {', '.join(languages)}", file=sys.stderr)
    if p95(fresh) > TARGET_FIRST_MS or p95(cached) > TARGET_CACHED_MS:
        print("# over target", file=sys.stderr)


if __name__ == "__main__":
    main()
