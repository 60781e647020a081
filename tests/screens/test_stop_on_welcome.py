"""A kiosk told to stop (its terminal gone, systemd's stop) with no check-in open stops.

As a newcomer met it: `make demo` in tmux, nothing typed, `tmux kill-session`: the kiosk went
on running, waiting for its own stopping to finish (it waited for every background job, itself
included, when no draft was being sealed).
"""

from __future__ import annotations

from kiosk.app import KioskApp
from tests.screens.conftest import ready
from tests.waiting import wait_until


async def test_a_kiosk_on_welcome_told_to_stop_stops(app: KioskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        assert app.session is None

        app.stop_in_order()

        await wait_until(pilot, lambda: app.return_code is not None, "the kiosk stopping")
    assert app.return_code == 0
