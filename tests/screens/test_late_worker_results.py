"""A sync run that finishes as the kiosk closes (its screens already gone) ends quietly.

The sync worker posts its outcome as a message; a kiosk closing (a terminal shut,
a service stopped, a test ending) can take that message after its last screen is gone. CI met it:
a sync finishing at the end of a test crashed the kiosk with "No screens on stack".
"""

from __future__ import annotations

from kiosk.app import KioskApp
from kiosk.messages import SyncFinished


def test_a_sync_finishing_after_the_last_screen_is_gone_is_no_crash(app: KioskApp) -> None:
    assert app.screen_stack == []  # as at the end of closing: no screen left

    app.on_sync_finished(SyncFinished("delivered", forced=True, delivered=1))
