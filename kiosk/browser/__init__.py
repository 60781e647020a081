"""The browser kiosk: `kiosk serve`, the check-in in a tablet's browser, one forked kiosk session
per tab (docs/serve.md).

`web_server` serves the page and the websockets, `forked_sessions` asks the session forker
(`session_forker`, a process of its own) for a kiosk session per tab, and `tab_session` is the
program each tab runs. Nothing here is imported by the `kiosk` command until `serve` runs.
"""
