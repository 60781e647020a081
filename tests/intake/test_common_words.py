"""Common words of the kiosk's languages (wordfreq) are never read as a drug they are not."""

from __future__ import annotations

import runpy
from pathlib import Path

from wordfreq import top_n_list

from kiosk.intake.drugs import COMMON_WORDS_PATH, match_medication

BUILD_SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build-common-words"


def test_the_common_word_file_is_what_wordfreq_and_todays_drug_list_make() -> None:
    build = runpy.run_path(str(BUILD_SCRIPT))
    expected = build["file_text"]()
    assert COMMON_WORDS_PATH.read_text("utf-8") == expected, "run scripts/build-common-words"


def test_none_of_the_20000_most_common_words_of_any_kiosk_language_is_misread_as_a_drug() -> None:
    misread = {
        word: [match.matched_name for match in match_medication(word)]
        for language in ("en", "es", "zh", "vi", "ko", "fil")
        for word in top_n_list(language, 20_000)
        if not all(match.exact for match in match_medication(word))
    }
    assert misread == {}
