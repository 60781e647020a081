"""The `kiosk` command: what IT does at a kiosk from a shell or a script (docs/cli.md).

One module per group of subcommands, each adding its own with `add_commands`; `main.py` puts them
together. The commands are a thin layer: they call the kiosk's application layer (the `Kiosk`
facade, `StaffConsole`), the sync client and the browser kiosk, and print what IT needs and never
patient data.
"""
