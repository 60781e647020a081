"""The one refusal of the application layer: something a person can fix, said in one line."""

from __future__ import annotations


class KioskError(Exception):
    """Something a person can fix: the message is one line naming the place and what to do."""
