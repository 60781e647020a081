"""Which espeak-ng voice speaks each kiosk language, and which languages have none.

The voices are espeak-ng-data's as Debian 12 ships them (espeak-ng 1.51): US English, Latin
American Spanish (the Spanish most US patients speak), Mandarin for Simplified Chinese,
Northern Vietnamese and Korean. espeak-ng 1.51 has no Tagalog voice, so read aloud is not
offered in Tagalog (the IT console and docs/read-aloud.md say so).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping
from functools import cache

from kiosk.locale import LANGUAGES

#: The engine's command, found on PATH.
ESPEAK = "espeak-ng"
#: A voice per kiosk language that has one.
VOICES: Mapping[str, str] = {
    "en": "en-us",
    "es": "es-419",
    "zh-Hans": "cmn",
    "vi": "vi",
    "ko": "ko",
}
#: Kiosk languages espeak-ng has no voice for: read aloud is not offered in them.
NO_VOICE = tuple(language for language in LANGUAGES if language not in VOICES)
#: Longest wait for `espeak-ng --voices`.
_LIST_TIMEOUT_S = 10.0


def voice_for(language: str) -> str | None:
    """The voice that speaks `language`, or None where there is none."""
    return VOICES.get(language)


@cache
def installed_voices() -> frozenset[str]:
    """The voice names the installed espeak-ng knows (empty when it is not installed)."""
    program = shutil.which(ESPEAK)
    if program is None:
        return frozenset()
    try:
        listed = subprocess.run(
            [program, "--voices"],
            capture_output=True,
            timeout=_LIST_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    names: set[str] = set()
    for line in listed.stdout.decode("utf-8", "replace").splitlines()[1:]:
        columns = line.split()
        if len(columns) >= 2:
            names.add(columns[1])
    return frozenset(names)


def languages_read_aloud() -> tuple[str, ...]:
    """The kiosk languages this host can read aloud: a voice named and that voice installed."""
    installed = installed_voices()
    return tuple(language for language, voice in VOICES.items() if voice in installed)
