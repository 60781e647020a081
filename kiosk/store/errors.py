"""The errors the store raises for anything a caller or an operator can act on."""

from __future__ import annotations


class StoreError(Exception):
    """A store operation was refused; the message names the file or table and what to do."""


class DiskFull(StoreError):
    """A write found no space left: nothing of it was stored, and it can be tried again later."""
