"""How many tablets the kiosk host serves at once, unless `kiosk serve --max-sessions` says.

Kept apart from the web server so that the `kiosk` command can name the default without loading
aiohttp, textual-serve or rich.
"""

from __future__ import annotations

#: Tabs served at once (each session holds ~40 MB): a flood of websockets from the LAN cannot
#: run the kiosk host out of memory. A tab over the limit is refused and its page retries.
DEFAULT_MAX_SESSIONS = 16
