# Over 400 lines: one matcher: reading a typed line and suggesting names share its index.
"""Recognising medication names as patients type them, against the bundled drugs.toml.

A typed line is cut into words: case, accents and punctuation are ignored, and a dose glued to
a name is split off ("Klonopin1mg" -> klonopin 1 mg). Names of several words win over their
first word ("Tylenol PM" is not plain Tylenol). A word that is not on the list may be a
misspelling: it is read as the one list word within a small Damerau-Levenshtein distance
(rapidfuzz's optimal string alignment, scanning the list words of a near length; one edit for
words of 5-7 letters, two from 8 letters),
unless it is shorter than 5 letters or a common word of the kiosk's languages (common_words.txt,
built from wordfreq by scripts/build-common-words): a common word matches a drug exactly or not
at all, so "fish oil ultra" is never Ultram and "alert" is never Axert.

Suggestions follow the patient's language: its own generic names where drugs.toml gives them
(Spanish, Chinese, Vietnamese, Korean), the US brands in every language, and the English generic
unless the language's own name is written in Latin letters too ("lamotrigina", "lamotrigin").
"""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from kiosk.locale import LANGUAGES

DRUGS_PATH = Path(__file__).with_name("drugs.toml")
COMMON_WORDS_PATH = Path(__file__).with_name("common_words.txt")
# Why: a medication line is short; capping keeps matching fast on hostile input.
MAX_MATCH_CHARS = 300
MIN_FUZZY_LENGTH = 5
_MAX_FUZZY_EDITS = 2
_SPANISH = "es"
#: The languages whose generic names drugs.toml gives under the language's tag; Tagalog reads
#: the English and international names, as Filipino patients do.
_OWN_NAME_LANGUAGES = ("es", "zh-Hans", "vi", "ko")
#: Languages written in Latin letters: there a drug's own name and the English generic are near
#: twins, so only the patient's own is offered.
_LATIN_SCRIPT = frozenset({"en", "es", "vi", "tl"})
_APOSTROPHES = frozenset("'\u2019")


@dataclass(frozen=True)
class Drug:
    """One single-ingredient entry of the bundled list."""

    generic: str
    other_names: tuple[str, ...]
    classes: tuple[str, ...]


@dataclass(frozen=True)
class DrugName:
    """One name on the list, with what it means."""

    #: As the list spells it ("Rivotril", "Tylenol PM", "benzo").
    text: str
    #: The US generic, "a + b" for a combination, or None for a class word ("my benzo").
    generic: str | None
    #: The generics a combination is made of; the drug's own generic for a single drug.
    parts: tuple[str, ...]
    classes: tuple[str, ...]
    #: The patient languages this name is suggested in ("en", "es", "zh-Hans", ...).
    languages: frozenset[str]


@dataclass(frozen=True)
class DrugMatch:
    """A name found in what the patient typed."""

    #: The generic name, "a + b" for a combination, or None for a class word alone.
    generic: str | None
    #: The list entry that matched, as the list spells it ("Lamictal", "benzo").
    matched_name: str
    classes: tuple[str, ...]
    #: False when the match forgave a misspelling.
    exact: bool
    #: The words of the line that were read as this name, as the patient typed them.
    typed: str = ""

    @property
    def read_as(self) -> str:
        """What the words were read as: "Ultram (tramadol)", "lamotrigine", "benzo (a class)"."""
        if self.generic is None:
            return f"{self.matched_name} (a class)"
        if words(self.matched_name) == words(self.generic):
            return self.generic
        return f"{self.matched_name} ({self.generic})"

    def reading(self) -> str:
        """For the nurse: "'ultra' read as Ultram (tramadol)"."""
        return f"'{self.typed}' read as {self.read_as}"


@dataclass(frozen=True)
class _Token:
    word: str
    start: int
    end: int


# ---- cutting text into words --------------------------------------------------------------


@lru_cache(maxsize=4096)
def _fold(char: str) -> str:
    """One typed character as matching sees it: no accent, no case ("É" -> "e")."""
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _tokens(text: str) -> list[_Token]:
    """The words of a line with where each starts and ends in it; letters and digits apart."""
    tokens: list[_Token] = []
    word: list[str] = []
    start = end = 0
    previous_digit: bool | None = None
    for index, char in enumerate(text[:MAX_MATCH_CHARS]):
        if char in _APOSTROPHES:
            continue  # Why: "John's" is one word, "johns", as the list spells it.
        for folded in _fold(char):
            digit = folded.isdigit()
            if not folded.isalnum() or (word and digit != previous_digit):
                if word:
                    tokens.append(_Token("".join(word), start, end))
                    word = []
                if not folded.isalnum():
                    continue
            if not word:
                start = index
            word.append(folded)
            end = index + 1
            previous_digit = digit
    if word:
        tokens.append(_Token("".join(word), start, end))
    return tokens


def words(text: str) -> tuple[str, ...]:
    """Lower-case words without accents or punctuation: "St. John's Wort" -> (st, johns, wort)."""
    return tuple(token.word for token in _tokens(text))


# ---- the list -----------------------------------------------------------------------------


@cache
def _data() -> dict[str, Any]:
    return tomllib.loads(DRUGS_PATH.read_text("utf-8"))


def _own_names(entry: dict[str, Any], language: str) -> list[str]:
    """The generic names the entry gives in one language (a text or a list of texts)."""
    names = entry.get(language, [])
    return [names] if isinstance(names, str) else list(names)


@cache
def drug_list() -> tuple[Drug, ...]:
    """Every single-ingredient drug of the bundled list."""
    drugs = []
    for entry in _data()["drugs"]:
        names = [name for lang in _OWN_NAME_LANGUAGES for name in _own_names(entry, lang)]
        for group in ("intl", "us", "spain", "latam", "abbr"):
            names += entry.get(group, [])
        unique = dict.fromkeys(name for name in names if words(name) != words(entry["generic"]))
        drugs.append(Drug(entry["generic"], tuple(unique), tuple(entry["classes"])))
    return tuple(drugs)


@cache
def class_aliases() -> dict[str, tuple[str, ...]]:
    """Each drug class id with the words a patient may use for it."""
    return {name: tuple(aliases) for name, aliases in _data()["classes"].items()}


@cache
def sources() -> dict[str, str]:
    """Where each group of names comes from, by the field that holds the group."""
    return dict(_data()["sources"])


_EVERY_LANGUAGE = frozenset(LANGUAGES)
_SPANISH_ONLY = frozenset({_SPANISH})


@cache
def drug_names() -> tuple[DrugName, ...]:
    """Every name on the list: generics, brands, abbreviations, combinations and class words."""
    classes_of = {drug.generic: drug.classes for drug in drug_list()}
    names: list[DrugName] = []
    for entry in _data()["drugs"]:
        generic, classes = entry["generic"], tuple(entry["classes"])
        own = {language: _own_names(entry, language) for language in _OWN_NAME_LANGUAGES}
        twins = {language for language, texts in own.items() if texts} & _LATIN_SCRIPT
        groups: list[tuple[list[str], frozenset[str]]] = [
            ([generic], _EVERY_LANGUAGE - twins),
            *((texts, frozenset({language})) for language, texts in own.items()),
            (entry.get("intl", []), _EVERY_LANGUAGE - _SPANISH_ONLY),
            (entry.get("us", []) + entry.get("abbr", []), _EVERY_LANGUAGE),
            (entry.get("spain", []) + entry.get("latam", []), _SPANISH_ONLY),
        ]
        names += [
            DrugName(text, generic, (generic,), classes, languages)
            for texts, languages in groups
            for text in texts
        ]
    for combination in _data()["combinations"]:
        parts = tuple(combination["parts"])
        classes = tuple(dict.fromkeys(c for part in parts for c in classes_of[part]))
        languages = _EVERY_LANGUAGE if combination["market"] == "us" else _SPANISH_ONLY
        for text in combination["names"]:
            names.append(DrugName(text, " + ".join(parts), parts, classes, languages))
    for class_id, aliases in class_aliases().items():
        names += [DrugName(alias, None, (), (class_id,), _EVERY_LANGUAGE) for alias in aliases]
    return tuple(names)


def _joined(key: tuple[str, ...]) -> tuple[str, ...] | None:
    """A hyphenated name typed as one word ("Theo-Dur" as "theodur"), when all letters."""
    if len(key) > 1 and all(word.isalpha() for word in key):
        return ("".join(key),)
    return None


@cache
def _index() -> dict[tuple[str, ...], DrugName]:
    """Each name's words -> the name; the first entry of a name wins (tests forbid clashes)."""
    index: dict[tuple[str, ...], DrugName] = {}
    for name in drug_names():
        index.setdefault(words(name.text), name)
    for name in drug_names():
        joined = _joined(words(name.text)) if "-" in name.text else None
        if joined is not None:
            index.setdefault(joined, name)
    return index


@cache
def _longest_name() -> int:
    """How many words the longest list name has (the widest window matching must try)."""
    return max(len(key) for key in _index())


@cache
def vocabulary() -> frozenset[str]:
    """Every word of every list name that a misspelt word may be read as."""
    return frozenset(
        word for key in _index() for word in key if len(word) >= MIN_FUZZY_LENGTH and word.isalpha()
    )


@cache
def _word_readings() -> dict[str, tuple[frozenset[str | None], bool]]:
    """Each list word: the drugs the names holding it mean (None for a class word), and whether
    one of those names is offered in English."""
    generics: dict[str, set[str | None]] = {}
    english: set[str] = set()
    for key, name in _index().items():
        for word in key:
            generics.setdefault(word, set()).add(name.generic)
            if "en" in name.languages:
                english.add(word)
    return {word: (frozenset(found), word in english) for word, found in generics.items()}


@cache
def _common_words() -> frozenset[str]:
    """Common words of the kiosk's languages within reach of a list word: read exactly or not at
    all."""
    lines = COMMON_WORDS_PATH.read_text("utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


# ---- misspellings -------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _words_of_length(shortest: int, longest: int) -> tuple[str, ...]:
    """The list words whose length is in a range: the only ones within reach of an edit limit."""
    return tuple(sorted(w for w in vocabulary() if shortest <= len(w) <= longest))


def edit_limit(word: str) -> int:
    """How many edits a misspelt word of this length may be from the list word it is read as."""
    if len(word) < MIN_FUZZY_LENGTH or not word.isalpha():
        return 0
    return 1 if len(word) < 8 else _MAX_FUZZY_EDITS


@lru_cache(maxsize=8192)
def closest_list_word(word: str) -> str | None:
    """The one list word a misspelt word is nearest to within its edit limit, else None.

    This ignores the common-word rule; `_reading_of_word` applies it.
    """
    # Why: loaded at the first misspelling, not at start-up.
    from rapidfuzz.distance import OSA
    from rapidfuzz.process import extract

    limit = edit_limit(word)
    if limit == 0 or word in vocabulary():
        return None
    choices = _words_of_length(len(word) - limit, len(word) + limit)
    near = extract(word, choices, scorer=OSA.distance, score_cutoff=limit, limit=None)
    if not near:
        return None
    nearest: list[str] = [choice for choice, distance, _ in near if distance == near[0][1]]
    readings = _word_readings()
    # Why: equally near words of different drugs ("...triptan" cousins) mean we cannot tell which
    # was meant; twins of one drug (English "theophylline", Vietnamese "theophylin") do not.
    if len({readings[choice][0] for choice in nearest}) > 1:
        return None
    return min(nearest, key=lambda choice: (not readings[choice][1], choice))


def _reading_of_word(word: str) -> str | None:
    """The list word a typed word is read as when it is not on the list itself."""
    if word in _common_words():
        return None
    return closest_list_word(word)


# ---- matching -----------------------------------------------------------------------------


def match_medication(text: str) -> list[DrugMatch]:
    """The drugs and classes named in a line the patient typed, in the order they appear."""
    tokens = _tokens(text)
    read = [_reading_of_word(token.word) or token.word for token in tokens]
    corrected = [reading != token.word for reading, token in zip(read, tokens, strict=True)]
    index = _index()
    longest = _longest_name()
    found: list[DrugMatch] = []
    position = 0
    while position < len(tokens):
        for size in range(min(longest, len(tokens) - position), 0, -1):
            name = index.get(tuple(read[position : position + size]))
            if name is not None and not _counts_times(read, position + size):
                window = tokens[position : position + size]
                typed = text[window[0].start : window[-1].end]
                exact = not any(corrected[position : position + size])
                found.append(DrugMatch(name.generic, name.text, name.classes, exact, typed))
                position += size
                break
        else:
            position += 1
    return list(dict.fromkeys(found))


#: Words after a number that make it a count of doses ("Tylenol 3 times a day"), not a name's.
_TIMES = frozenset({"times", "time", "x", "veces", "vez"})


def _counts_times(read: list[str], end: int) -> bool:
    """Whether a name ending in a number is followed by "times": "Tylenol 3 times" is Tylenol."""
    return end < len(read) and read[end - 1].isdigit() and read[end] in _TIMES


def read_as(text: str) -> tuple[str, ...]:
    """What a typed medication line was read as, for the record ("Rivotril (clonazepam)")."""
    return tuple(dict.fromkeys(match.read_as for match in match_medication(text)))


# ---- suggestions --------------------------------------------------------------------------


@cache
def _suggestable(language: str) -> tuple[tuple[str, str, bool], ...]:
    """(name, its words joined, whether a combination) for every drug name a patient of this
    language is offered, in alphabetical order."""
    wanted = language if language in LANGUAGES else "en"
    combination = {
        name.text: len(name.parts) > 1
        for name in drug_names()
        if name.generic and wanted in name.languages
    }
    names = sorted(combination, key=str.casefold)
    # Why: "Tylenol #3" and "Tylenol 3" are one name to a patient; offer the first spelling.
    keyed = {" ".join(words(name)): name for name in reversed(names)}
    return tuple(
        sorted(
            ((name, key, combination[name]) for key, name in keyed.items()),
            key=lambda p: p[0].casefold(),
        )
    )


def suggest(prefix: str, limit: int = 8, language: str = "en") -> list[str]:
    """Names for the screens to offer in the patient's language: single drugs before the
    combinations holding them, and within each, names starting with what was typed first.

    A Spanish patient typing "lamo" is offered "lamotrigina", an English one "lamotrigine";
    brand names sold where the patient lives are offered in both. "acet" offers acetaminophen
    before hydrocodone acetaminophen.
    """
    wanted = " ".join(words(prefix))
    if not wanted or limit <= 0:
        return []
    found = [
        (combination, not key.startswith(wanted), name)
        for name, key, combination in _suggestable(language)
        if f" {wanted}" in f" {key}"
    ]
    # Why: a patient looking for a plain drug should not be offered an opioid combination first.
    found.sort(key=lambda offered: offered[:2])  # stable: alphabetical within each rank
    return [name for _, _, name in found[:limit]]
