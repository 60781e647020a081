"""Running a command that meets file modes as a service's own user does, even when tests run as
root: root with its override of file permissions taken away (still the owner of everything the
tests made, and of the project's code wherever it is cloned), so a mode of 0 or 0400 holds."""

from __future__ import annotations

import os


def honouring_file_modes(command: list[str]) -> list[str]:
    """`command`, run so that file modes bind it (for root, without CAP_DAC_OVERRIDE)."""
    if os.geteuid() != 0:
        return command
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *command]
