"""MIDAS and PHQ-9 scoring: totals, the published grades and bands, and the item-9 risk."""

from __future__ import annotations

from enum import StrEnum

from kiosk.intake.records import Midas, Phq9


class MidasGrade(StrEnum):
    """MIDAS disability grade (Stewart and Lipton): I little or none ... IV severe."""

    I = "I"  # noqa: E741  (the published grade name)
    II = "II"
    III = "III"
    IV = "IV"


class Phq9Band(StrEnum):
    """PHQ-9 severity band at the published cut points 5, 10, 15 and 20."""

    MINIMAL = "minimal"
    MILD = "mild"
    MODERATE = "moderate"
    MODERATELY_SEVERE = "moderately_severe"
    SEVERE = "severe"


def midas_total(midas: Midas) -> int:
    """The MIDAS score: the sum of the five day counts (the two extra items are not scored)."""
    return sum(midas.items)


def midas_grade(total: int) -> MidasGrade:
    """Grade I 0-5, II 6-10, III 11-20, IV 21 and above."""
    if total <= 5:
        return MidasGrade.I
    if total <= 10:
        return MidasGrade.II
    if total <= 20:
        return MidasGrade.III
    return MidasGrade.IV


def phq9_total(phq9: Phq9) -> int:
    """The PHQ-9 score: the sum of the nine items, 0-27."""
    return sum(phq9.items)


def phq9_band(total: int) -> Phq9Band:
    """Minimal 0-4, mild 5-9, moderate 10-14, moderately severe 15-19, severe 20-27."""
    if total <= 4:
        return Phq9Band.MINIMAL
    if total <= 9:
        return Phq9Band.MILD
    if total <= 14:
        return Phq9Band.MODERATE
    if total <= 19:
        return Phq9Band.MODERATELY_SEVERE
    return Phq9Band.SEVERE


def phq9_self_harm_risk(phq9: Phq9) -> bool:
    """True when item 9 (thoughts of self-harm) is above 0: an urgent flag whatever the total."""
    return phq9.items[8] > 0
