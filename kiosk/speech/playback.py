"""Playing WAV on the kiosk host (the terminal kiosk): through `aplay` or `paplay`, whichever
the host has, the audio on stdin (no file), one at a time; `stop()` silences it at once."""

from __future__ import annotations

import shutil
import subprocess
import threading

#: Players tried in order, each reading a WAV on stdin.
PLAYERS = (("aplay", "-q", "-"), ("paplay",))
#: Longest one utterance may play (a cut-off sentence beats a hung player).
_PLAY_TIMEOUT_S = 120.0


def find_player() -> tuple[str, ...] | None:
    """The command that plays a WAV from stdin on this host, or None (no player: silent)."""
    for name, *arguments in PLAYERS:
        program = shutil.which(name)
        if program is not None:
            return (program, *arguments)
    return None


class HostPlayer:
    """Plays one WAV at a time through the host's player; `stop()` from any thread ends it."""

    def __init__(self, command: tuple[str, ...] | None = None) -> None:
        self.command = command if command is not None else find_player()
        self._playing: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    def play(self, wav: bytes) -> None:
        """Play `wav` to its end (or until `stop()`); with no player, return at once."""
        if self.command is None:
            return
        with self._lock:
            self._playing = subprocess.Popen(
                self.command,
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            playing = self._playing
        try:
            playing.communicate(wav, timeout=_PLAY_TIMEOUT_S)
        except (subprocess.TimeoutExpired, BrokenPipeError, OSError):
            playing.kill()
            playing.wait()
        finally:
            with self._lock:
                self._playing = None

    def stop(self) -> None:
        with self._lock:
            if self._playing is not None:
                self._playing.kill()
