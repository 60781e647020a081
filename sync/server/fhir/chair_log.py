"""A visit's infusion chair log as the export reads it: log.py's fold, and each entry's name.

Only the entries in force are exported (no superseded entry, no withdrawn one), and the
infusion's course and rate segments are those `infusion_course` gives: the fold is log.py's,
not a copy. Each resource is named after the first record of its entry's chain of corrections,
so a correction exported later writes the same resource again instead of adding one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from kiosk.intake.chair.log import ChairEntry, InfusionCourse, entries_in_force, infusion_course
from kiosk.intake.chair.records import DischargeSigned, EscortCheck

T = TypeVar("T")


@dataclass(frozen=True)
class ChairRecords:
    """The chair's entries in force (in the order they happened), the infusion's course, and the
    first record of each entry's chain of corrections."""

    in_force: tuple[ChairEntry, ...]
    course: InfusionCourse
    first_records: Mapping[str, str]

    @classmethod
    def of(cls, entries: Sequence[ChairEntry]) -> ChairRecords:
        in_force = entries_in_force(entries)
        held = {entry.record_id for entry in entries}
        corrects = {e.record_id: e.supersedes for e in entries if e.supersedes in held}
        first = {}
        for entry in entries:
            record_id, seen = entry.record_id, {entry.record_id}
            while (earlier := corrects.get(record_id)) is not None and earlier not in seen:
                seen.add(earlier)
                record_id = earlier
            first[entry.record_id] = record_id
        return cls(tuple(in_force), infusion_course(in_force), first)

    def key(self, record_id: str) -> str:
        """The record id its resources are named after: the first of its corrections."""
        return self.first_records.get(record_id, record_id)

    def of_kind(self, kind: type[T]) -> list[tuple[str, T]]:
        """The entries in force of one record type, with their record ids, oldest first."""
        return [(e.record_id, e.record) for e in self.in_force if isinstance(e.record, kind)]

    @property
    def nurse_ids(self) -> list[str]:
        """The staff ids of the nurses who made the entries in force, each once."""
        return list(dict.fromkeys(entry.record.nurse_id for entry in self.in_force))

    @property
    def discharged_at(self) -> datetime | None:
        signed = self.of_kind(DischargeSigned)
        return signed[-1][1].happened_at if signed else None

    @property
    def escort(self) -> EscortCheck | None:
        """The latest escort check in force."""
        escorts = self.of_kind(EscortCheck)
        return escorts[-1][1] if escorts else None
