"""The discharge scores: modified Aldrete (Aldrete 1995) and modified PADSS (Chung 1995).

Each has five items scored 0-2 (PADSS pain: 1 or 2), 10 in all. The ids are what records keep;
the words of each item and level, a short paraphrase of the published tables, are in the locale
catalogs (`chair.score.<kind>.<item>.label` and `.points_<n>`).

Aldrete JA. The post-anesthesia recovery score revisited. J Clin Anesth 1995;7:89-91.
Chung F, Chan VW, Ong D. A post-anesthetic discharge scoring system for home readiness after
ambulatory surgery. J Clin Anesth 1995;7:500-6.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from kiosk.intake.chair.records import DischargeScore, ScoreItem
from kiosk.intake.config import ScoreKind
from kiosk.intake.validation import FieldProblem

#: Each score's items, in the published order, with the points each allows.
SCORE_ITEMS: Mapping[ScoreKind, Mapping[str, tuple[int, ...]]] = MappingProxyType(
    {
        ScoreKind.ALDRETE: MappingProxyType(
            {
                "activity": (0, 1, 2),
                "respiration": (0, 1, 2),
                "circulation": (0, 1, 2),
                "consciousness": (0, 1, 2),
                "oxygen_saturation": (0, 1, 2),
            }
        ),
        ScoreKind.PADSS: MappingProxyType(
            {
                "vital_signs": (0, 1, 2),
                "ambulation": (0, 1, 2),
                "nausea_vomiting": (0, 1, 2),
                "pain": (1, 2),
                "bleeding": (0, 1, 2),
            }
        ),
    }
)


def item_label_key(kind: ScoreKind, item_id: str) -> str:
    """The locale key of an item's name ("Activity")."""
    return f"chair.score.{kind.value}.{item_id}.label"


def level_key(kind: ScoreKind, item_id: str, points: int) -> str:
    """The locale key of what `points` on that item means ("moves 4 limbs on command")."""
    return f"chair.score.{kind.value}.{item_id}.points_{points}"


def score_total(score: DischargeScore) -> int:
    """The sum of the items' points."""
    return sum(item.points for item in score.items)


def score_problem(kind: ScoreKind, items: tuple[ScoreItem, ...]) -> FieldProblem | None:
    """Why these items are not one complete score of `kind` (an item unknown, scored twice or
    not at all, or points the item does not allow), or None when they are."""
    allowed = SCORE_ITEMS[kind]
    given = [item.item_id for item in items]
    for item in items:
        if item.item_id not in allowed:
            return FieldProblem("items", "chair.score.unknown_item", {"kind": kind.value})
        if given.count(item.item_id) > 1:
            return FieldProblem("items", "chair.score.scored_twice", {"item": item.item_id})
        if item.points not in allowed[item.item_id]:
            points = ", ".join(str(points) for points in allowed[item.item_id])
            return FieldProblem(
                "items", "chair.score.points", {"item": item.item_id, "allowed": points}
            )
    missing = [item_id for item_id in allowed if item_id not in given]
    if missing:
        return FieldProblem("items", "chair.score.not_scored", {"item": missing[0]})
    return None
