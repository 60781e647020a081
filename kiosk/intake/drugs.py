"""Recognising medication names as patients type them, against the bundled drugs.toml.

Matching ignores case, accents, punctuation and dose text ("Lamictal 100mg twice daily"),
finds generic names, brand names and class words ("a benzo"), and forgives small misspellings
("lamotrigene") with a Damerau-Levenshtein distance whose limit grows with word length: one edit
for words of 5-7 letters, two from 8 letters; words under 5 letters must match exactly, so that
short everyday words never turn into drugs.
"""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

DRUGS_PATH = Path(__file__).with_name("drugs.toml")
# Why: a medication line is short; capping keeps matching fast on hostile input.
MAX_MATCH_CHARS = 300
_MIN_FUZZY_LENGTH = 5
# Why: dose and timing words a patient writes beside a name must never fuzzy-match a drug.
_NOT_DRUG_WORDS = frozenset(
    """tablet tablets capsule capsules daily twice times every morning night nightly evening
    needed monthly weekly hours before after sometimes units spray patch cream extended release
    injection injections drops liquid pills orally mouth about maybe think doctor prescribed
    started stopped because headache migraine migraines pressure blood""".split()
)


@dataclass(frozen=True)
class Drug:
    """One entry of the bundled list."""

    generic: str
    other_names: tuple[str, ...]
    classes: tuple[str, ...]


@dataclass(frozen=True)
class DrugMatch:
    """A name found in what the patient typed."""

    #: The generic name, or None when the patient named only a class ("my benzo").
    generic: str | None
    #: The list entry that matched, as the list spells it ("Lamictal", "benzo").
    matched_name: str
    classes: tuple[str, ...]
    #: False when the match forgave a misspelling.
    exact: bool


@dataclass(frozen=True)
class _Entry:
    name: str
    generic: str | None
    classes: tuple[str, ...]


def words(text: str) -> tuple[str, ...]:
    """Lower-case words without accents or punctuation: "St. John's Wort" -> (st, johns, wort)."""
    decomposed = unicodedata.normalize("NFKD", text[:MAX_MATCH_CHARS]).casefold()
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = plain.replace("'", "").replace("\u2019", "")
    spaced = "".join(ch if ch.isalnum() else " " for ch in plain)
    return tuple(spaced.split())


@cache
def drug_list() -> tuple[Drug, ...]:
    """Every drug of the bundled list."""
    return tuple(
        Drug(entry["generic"], tuple(entry["other_names"]), tuple(entry["classes"]))
        for entry in _data()["drugs"]
    )


@cache
def class_aliases() -> dict[str, tuple[str, ...]]:
    """Each drug class id with the words a patient may use for it."""
    return {name: tuple(aliases) for name, aliases in _data()["classes"].items()}


@cache
def _data() -> dict[str, Any]:
    return tomllib.loads(DRUGS_PATH.read_text("utf-8"))


@cache
def _index() -> dict[tuple[str, ...], _Entry]:
    index: dict[tuple[str, ...], _Entry] = {}
    for class_id, aliases in class_aliases().items():
        for alias in aliases:
            index[words(alias)] = _Entry(alias, None, (class_id,))
    for drug in drug_list():
        for name in (drug.generic, *drug.other_names):
            index[words(name)] = _Entry(name, drug.generic, drug.classes)
    return index


@cache
def _longest_name() -> int:
    """How many words the longest list name has (the widest window matching must try)."""
    return max(len(key) for key in _index())


_MAX_FUZZY_EDITS = 2


def _deletions(word: str, depth: int) -> set[str]:
    """The word with up to `depth` letters removed, itself included."""
    found = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


@cache
def _fuzzy_index() -> dict[str, tuple[tuple[str, _Entry], ...]]:
    """Deletion neighbourhoods of single-word names: two words within d edits share one."""
    index: dict[str, list[tuple[str, _Entry]]] = {}
    for key, entry in _index().items():
        if len(key) == 1 and len(key[0]) >= _MIN_FUZZY_LENGTH and key[0].isalpha():
            for variant in _deletions(key[0], _MAX_FUZZY_EDITS):
                index.setdefault(variant, []).append((key[0], entry))
    return {variant: tuple(targets) for variant, targets in index.items()}


def match_medication(text: str) -> list[DrugMatch]:
    """The drugs and classes named in a line the patient typed, in the order they appear."""
    tokens = words(text)
    index = _index()
    longest = _longest_name()
    found: list[DrugMatch] = []
    position = 0
    while position < len(tokens):
        for size in range(min(longest, len(tokens) - position), 0, -1):
            entry = index.get(tokens[position : position + size])
            if entry is not None:
                found.append(DrugMatch(entry.generic, entry.name, entry.classes, exact=True))
                position += size
                break
        else:
            entry = _closest(tokens[position])
            if entry is not None:
                found.append(DrugMatch(entry.generic, entry.name, entry.classes, exact=False))
            position += 1
    return list(dict.fromkeys(found))


@lru_cache(maxsize=4096)
def _closest(word: str) -> _Entry | None:
    """The list name within the length-scaled edit limit of a word, if exactly one is closest."""
    if len(word) < _MIN_FUZZY_LENGTH or not word.isalpha() or word in _NOT_DRUG_WORDS:
        return None
    limit = 1 if len(word) < 8 else _MAX_FUZZY_EDITS
    index = _fuzzy_index()
    candidates = {pair for variant in _deletions(word, limit) for pair in index.get(variant, ())}
    best: list[tuple[int, _Entry]] = []
    for target, entry in sorted(candidates, key=lambda pair: pair[0]):
        distance = edit_distance(word, target, limit)
        if distance <= limit:
            best.append((distance, entry))
    if not best:
        return None
    best.sort(key=lambda pair: pair[0])
    closest = [entry for distance, entry in best if distance == best[0][0]]
    # Why: two equally close names ("...triptan" cousins) mean we cannot tell which was meant.
    generics = {entry.generic for entry in closest}
    return closest[0] if len(generics) == 1 else None


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance, or limit + 1 once past limit."""
    previous_previous: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous_previous[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous_previous, previous = previous, current
    return min(previous[len(b)], limit + 1)


def suggest(prefix: str, limit: int = 8) -> list[str]:
    """Names from the list for the screens to offer: those starting with the prefix first."""
    wanted = " ".join(words(prefix))
    if not wanted or limit <= 0:
        return []
    names = sorted(
        {name for drug in drug_list() for name in (drug.generic, *drug.other_names)},
        key=str.casefold,
    )
    keyed = [(name, " ".join(words(name))) for name in names]
    starts = [name for name, key in keyed if key.startswith(wanted)]
    inside = [name for name, key in keyed if f" {wanted}" in f" {key}" and name not in starts]
    return (starts + inside)[:limit]
