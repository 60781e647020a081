"""Rendered audio kept in memory, keyed by a hash of (language, voice, text), never on disk.

Only the clinic's own words are kept (titles, questions, options, the consent): an utterance
holding the patient's words (what they typed, their answers on review) is rendered each time
and never kept, so nothing of a patient outlives their check-in here, and a cache key is a
SHA-256 digest, not the text. Least recently used entries go first past `max_bytes`.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

#: 24 MB: every question and option of a language is about 4 MB of 22 kHz speech.
DEFAULT_MAX_BYTES = 24 * 1024 * 1024


def cache_key(language: str, voice: str, text: str) -> bytes:
    """The digest an utterance's audio is kept under."""
    return hashlib.sha256("\0".join((language, voice, text)).encode("utf-8")).digest()


class AudioCache:
    """WAV bytes by key, bounded by size, safe to share between threads."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[bytes, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: bytes) -> bytes | None:
        with self._lock:
            wav = self._entries.get(key)
            if wav is not None:
                self._entries.move_to_end(key)
            return wav

    def put(self, key: bytes, wav: bytes) -> None:
        if len(wav) > self.max_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._size -= len(old)
            self._entries[key] = wav
            self._size += len(wav)
            while self._size > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._size -= len(dropped)

    def __contains__(self, key: bytes) -> bool:
        with self._lock:
            return key in self._entries

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
