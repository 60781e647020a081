"""The discharge criteria: what must hold before the nurse may sign a patient out of the chair.

In order: the infusion stopped; the minimum observation after the stop passed; vitals taken in
recovery, none overdue and the latest raising no STOP; a discharge score after the stop that
reaches its threshold; orientation back to the patient's baseline after the stop; the escort
present and the driver named at check-in, or a different person the nurse confirmed; the
discharge instructions acknowledged; and last, the nurse's signature. Each criterion still
missing is named with what is missing, as a locale key and its values, for "Discharge" to say.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from kiosk.intake.chair.records import (
    DischargeScore,
    EscortCheck,
    InstructionsAcknowledged,
    OrientationCheck,
)
from kiosk.intake.chair.scores import score_total
from kiosk.intake.records import Flag, Severity
from kiosk.intake.validation import signature_key
from kiosk.locale import translate, translate_count


class Criterion(StrEnum):
    INFUSION_STOPPED = "infusion_stopped"
    MINIMUM_OBSERVATION = "minimum_observation"
    RECOVERY_VITALS = "recovery_vitals"
    SCORE = "score"
    ORIENTATION = "orientation"
    ESCORT = "escort"
    INSTRUCTIONS = "instructions"
    SIGNATURE = "signature"


@dataclass(frozen=True)
class Missing:
    """A criterion that does not hold yet, and what is missing (`code` is a locale key; with a
    `count`, the key of a counted text: `<code>_one` / `<code>_other`)."""

    criterion: Criterion
    code: str
    params: Mapping[str, str | int] = field(default_factory=dict)
    count: int | None = None

    def describe(self, language: str) -> str:
        """What is missing, in words, in the nurse's language."""
        if self.count is not None:
            return translate_count(self.code, language, self.count, **self.params)
        return translate(self.code, language, **self.params)


@dataclass(frozen=True)
class Recovery:
    """What the criteria are read from: the chair's state after the stop, at `now`."""

    now: datetime
    stopped_at: datetime | None
    minimum: timedelta
    #: When recovery vitals were taken (at or after the stop, with the checkpoint's leeway).
    recovery_vitals_at: Sequence[datetime]
    vitals_overdue: bool
    #: The flags of the latest vitals in the chair.
    latest_vitals_flags: Sequence[Flag]
    scores: Sequence[DischargeScore]
    orientations: Sequence[OrientationCheck]
    escorts: Sequence[EscortCheck]
    instructions: Sequence[InstructionsAcknowledged]
    signed_at: datetime | None


def missing_for_discharge(recovery: Recovery) -> tuple[Missing, ...]:
    """Every criterion that does not hold, in the order above (none: discharged)."""
    found: list[Missing | None] = [
        _stopped(recovery),
        _observation(recovery),
        _vitals(recovery),
        _score(recovery),
        _orientation(recovery),
        _escort(recovery),
        _instructions(recovery),
        None
        if recovery.signed_at is not None
        else Missing(Criterion.SIGNATURE, "chair.discharge.not_signed"),
    ]
    return tuple(missing for missing in found if missing is not None)


def ready_to_sign(missing: Sequence[Missing]) -> bool:
    """Whether only the nurse's signature is missing."""
    return [m.criterion for m in missing] == [Criterion.SIGNATURE]


def escort_matches_driver(escort_name: str, driver_name: str) -> bool:
    """Whether the escort is the driver the patient named: every word of the shorter name is a
    word of the longer one, ignoring case, accents and punctuation ("Sam" is "Sam Example";
    "Sam Example" is not "Samuel Example", which the nurse then confirms)."""
    escort, driver = _name_words(escort_name), _name_words(driver_name)
    if not escort or not driver:
        return False
    shorter, longer = sorted((escort, driver), key=len)
    return shorter <= longer


def _name_words(name: str) -> set[str]:
    return {key for word in name.split() if (key := signature_key(word))}


def _after_stop(recovery: Recovery, moment: datetime) -> bool:
    return recovery.stopped_at is not None and moment >= recovery.stopped_at


def _stopped(recovery: Recovery) -> Missing | None:
    if recovery.stopped_at is not None:
        return None
    return Missing(Criterion.INFUSION_STOPPED, "chair.discharge.not_stopped")


def _observation(recovery: Recovery) -> Missing | None:
    minutes = int(recovery.minimum.total_seconds() // 60)
    if recovery.stopped_at is None:
        return Missing(Criterion.MINIMUM_OBSERVATION, "chair.discharge.observation", count=minutes)
    left = recovery.stopped_at + recovery.minimum - recovery.now
    if left <= timedelta(0):
        return None
    return Missing(
        Criterion.MINIMUM_OBSERVATION,
        "chair.discharge.observation_left",
        count=math.ceil(left.total_seconds() / 60),
    )


def _vitals(recovery: Recovery) -> Missing | None:
    if not recovery.recovery_vitals_at:
        return Missing(Criterion.RECOVERY_VITALS, "chair.discharge.no_recovery_vitals")
    if recovery.vitals_overdue:
        return Missing(Criterion.RECOVERY_VITALS, "chair.discharge.vitals_overdue")
    stops = [flag for flag in recovery.latest_vitals_flags if flag.severity is Severity.STOP]
    if stops:
        return Missing(
            Criterion.RECOVERY_VITALS, "chair.discharge.vitals_stop", {"reading": stops[0].reason}
        )
    return None


def _score(recovery: Recovery) -> Missing | None:
    scores = [s for s in recovery.scores if _after_stop(recovery, s.happened_at)]
    if not scores:
        return Missing(Criterion.SCORE, "chair.discharge.no_score")
    latest = scores[-1]
    total = score_total(latest)
    if total >= latest.threshold:
        return None
    return Missing(
        Criterion.SCORE,
        "chair.discharge.score_below",
        {"total": total, "threshold": latest.threshold, "score": latest.instrument.value},
    )


def _orientation(recovery: Recovery) -> Missing | None:
    checks = [c for c in recovery.orientations if _after_stop(recovery, c.happened_at)]
    if not checks:
        return Missing(Criterion.ORIENTATION, "chair.discharge.no_orientation")
    if checks[-1].at_baseline:
        return None
    return Missing(Criterion.ORIENTATION, "chair.discharge.not_oriented")


def _escort(recovery: Recovery) -> Missing | None:
    if not recovery.escorts:
        return Missing(Criterion.ESCORT, "chair.discharge.no_escort")
    escort = recovery.escorts[-1]
    if not escort.present:
        return Missing(
            Criterion.ESCORT, "chair.discharge.escort_not_present", {"escort": escort.escort_name}
        )
    driver = escort.driver_named_at_checkin
    if escort.mismatch_confirmed or escort_matches_driver(escort.escort_name, driver):
        return None
    if not driver.strip():
        return Missing(
            Criterion.ESCORT, "chair.discharge.escort_no_driver", {"escort": escort.escort_name}
        )
    return Missing(
        Criterion.ESCORT,
        "chair.discharge.escort_not_driver",
        {"escort": escort.escort_name, "driver": driver},
    )


def _instructions(recovery: Recovery) -> Missing | None:
    if recovery.instructions:
        return None
    return Missing(Criterion.INSTRUCTIONS, "chair.discharge.no_instructions")
