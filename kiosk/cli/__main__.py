"""`python -m kiosk.cli`: the `kiosk` command, as the installed console script runs it."""

import sys

from kiosk.cli.main import main

sys.exit(main())
