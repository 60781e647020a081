"""The one error the sync client raises for problems IT must act on; messages name places and
reasons, never patient values."""


class SyncError(Exception):
    """Enrolment, configuration or export failed for a reason stated in the message."""
