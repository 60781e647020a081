"""The one error the store raises for anything a caller or an operator can act on."""

from __future__ import annotations


class StoreError(Exception):
    """A store operation was refused; the message names the file or table and what to do."""
