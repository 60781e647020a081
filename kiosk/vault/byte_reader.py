"""Strict reading of length-checked pieces off the front of bytes, for the vault's parsers."""

from __future__ import annotations

import struct


class ByteReader:
    """Takes fixed-size pieces in order; a short read raises the parser's own error type."""

    def __init__(self, data: bytes, error: type[ValueError], name: str) -> None:
        self._data = data
        self._error = error
        self._name = name
        self.offset = 0

    def take(self, size: int, what: str) -> bytes:
        end = self.offset + size
        if end > len(self._data):
            raise self._error(f"{self._name} truncated in the {what} (at byte {self.offset})")
        piece = self._data[self.offset : end]
        self.offset = end
        return piece

    def take_sized(self, what: str) -> bytes:
        """A two-byte big-endian length, then that many bytes."""
        (size,) = struct.unpack(">H", self.take(2, f"{what} length"))
        return self.take(size, what)

    def expect_end(self) -> None:
        """Refuse trailing bytes."""
        if self.offset != len(self._data):
            extra = len(self._data) - self.offset
            raise self._error(f"{self._name} has {extra} unexpected bytes at the end")
