"""Who made each record: the kiosk as a Device, nurses as Practitioners, a Provenance per record."""

from __future__ import annotations

from datetime import datetime

from sync.server.fhir.bundle import (
    DEVICE_SYSTEM,
    RECORD_SYSTEM,
    STAFF_SYSTEM,
    VisitBundle,
    reference,
    reference_of,
    when,
)

#: Resources shared by visits (or made by someone else), which a record's Provenance leaves out.
_NOT_TARGETS = frozenset({"Patient", "Device", "Practitioner", "Provenance"})


def add_kiosk(bundle: VisitBundle, device_id: str) -> str:
    return bundle.add(
        {
            "resourceType": "Device",
            "deviceName": [{"name": device_id, "type": "user-friendly-name"}],
        },
        DEVICE_SYSTEM,
        device_id,
    )


def add_nurse(bundle: VisitBundle, staff_id: str) -> str:
    """A nurse by staff id: the kiosk knows no nurse's name, so the Practitioner has none."""
    return bundle.add({"resourceType": "Practitioner"}, STAFF_SYSTEM, staff_id)


def add_provenance(
    bundle: VisitBundle,
    record_id: str,
    first_entry: int,
    recorded: datetime,
    agents: list[str],
) -> None:
    """A Provenance for what one record added to the bundle since entry number `first_entry`."""
    targets = [
        reference(reference_of(entry["resource"]))
        for entry in bundle.entries[first_entry:]
        if entry["resource"]["resourceType"] not in _NOT_TARGETS
    ]
    if not targets:
        return
    bundle.add(
        {
            "resourceType": "Provenance",
            "target": targets,
            "recorded": when(recorded),
            "agent": [{"who": reference(agent)} for agent in agents],
        },
        RECORD_SYSTEM,
        f"{record_id}/provenance",
    )
