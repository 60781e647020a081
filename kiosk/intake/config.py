# Over 400 lines: the checks of every clinic setting, in clinic_defaults.toml's order.
"""The clinic configuration: every rule's severity and reason, every threshold, timeouts, consent.

`clinic_defaults.toml` beside this file holds the CLINICAL.md defaults and is also the schema: a
clinic's own TOML may override any value in it but add nothing, so a misspelt key or an unknown
rule is refused instead of silently ignored. Every refusal is a `ConfigError` naming the file,
the place (table.key, with the line where it can be found) and what to do. Anything in a message
that comes from the file (a key, the file's name) is shown inertly: control, format and bidi
characters escaped, long text cut, so a hostile file cannot drive IT's terminal.
"""

from __future__ import annotations

import hashlib
import math
import re
import tomllib
import unicodedata
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from kiosk.intake.measures import MEASURES
from kiosk.intake.records import Severity
from kiosk.locale import LANGUAGES
from kiosk.locale.translation_records import LanguageReview, RecordFieldError, parse_review

DEFAULTS_PATH = Path(__file__).with_name("clinic_defaults.toml")
#: The languages every consent text and acknowledgement (and a per-language clinic name) must be
#: given in; the kiosk's other languages may be (a language without its consent is not offered).
CONSENT_LANGUAGES = ("en", "es")
#: Settings that are text per language. A clinic's value replaces the default whole, never merged
#: key by key with it: a clinic's own consent (or discharge instructions) in English must not sit
#: beside the default's Vietnamese. The clinic's name is one text for every language or a table.
_WHOLE_SETTINGS = frozenset({"clinic_name", "consent.text", "chair.discharge_instructions"})
#: The measures a hold threshold may name, and the comparisons it may use.
VITAL_MEASURES = tuple(measure.id for measure in MEASURES)
Comparison = Literal["below", "above", "at_or_above"]
#: Who needs a pregnancy test before the infusion (`[nurse] pregnancy_test`).
PregnancyTestPolicy = Literal["everyone", "unless_not_applicable", "if_may_be_pregnant"]
PREGNANCY_TEST_POLICIES: tuple[PregnancyTestPolicy, ...] = (
    "everyone",
    "unless_not_applicable",
    "if_may_be_pregnant",
)
_COMPARISONS: tuple[Comparison, ...] = ("below", "above", "at_or_above")
_THRESHOLD_KEYS = tuple(f"{level}_{cmp}" for level in ("caution", "stop") for cmp in _COMPARISONS)
#: The sane range of each timeout, retention and fasting time: (lowest, highest, unit). An idle
#: timeout beyond it would in effect switch off the wipe between patients or the staff lock.
SETTING_RANGES: Mapping[str, tuple[float, float, str]] = MappingProxyType(
    {
        "timeouts.patient_idle_seconds": (15, 900, "seconds"),
        "timeouts.patient_warning_seconds": (5, 120, "seconds"),
        "timeouts.staff_idle_seconds": (30, 1800, "seconds"),
        "retention.draft_hours": (1, 720, "hours"),
        "retention.acknowledged_hours": (1, 720, "hours"),
        "thresholds.last_food_hours": (0.5, 24, "hours"),
        "thresholds.last_clear_liquid_hours": (0.5, 24, "hours"),
        "minimum_age": (0, 120, "years"),
        "chair.vitals_every_minutes": (5, 60, "minutes"),
        "chair.minimum_recovery_minutes": (15, 240, "minutes"),
        "chair.discharge_score_at_least": (8, 10, "points"),
    }
)
#: The keys of one `[[chair.drugs]]` entry.
_DRUG_KEYS = frozenset({"name", "lowest_mg_per_kg_per_hour", "highest_mg_per_kg_per_hour"})
#: An exam item's or a side effect's id: it is stored in records and named in messages.
_CHOICE_ID = re.compile(r"[a-z][a-z0-9_]{0,39}")
#: How much of a key or file name taken from the file a message shows.
_SHOWN_KEY_CHARS = 60
_SHOWN_NAME_CHARS = 200
#: Line breaks and tabs may appear in the consent text; every other C0/C1 control may not.
_ALLOWED_CONTROLS = frozenset("\n\t")
#: Bidi embedding, override and isolate characters: they can make text read backwards.
_DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class ConfigError(ValueError):
    """A clinic configuration that cannot be used; the message says where and what to do."""


class ScoreKind(StrEnum):
    """The discharge score a clinic uses."""

    #: Modified Aldrete (Aldrete 1995): activity, respiration, circulation, consciousness, SpO2.
    ALDRETE = "aldrete"
    #: Modified Post-Anaesthetic Discharge Scoring System (Chung 1995).
    PADSS = "padss"


@dataclass(frozen=True)
class Rule:
    """One screening rule: the flag code it raises, how urgent, and why (for the nurse)."""

    code: str
    severity: Severity
    reason: str


@dataclass(frozen=True)
class HoldThreshold:
    """A vitals limit that accepts the value but raises a flag (e.g. systolic >= 180 is STOP)."""

    measure: str
    severity: Severity
    comparison: Comparison
    limit: float

    def is_crossed(self, value: float) -> bool:
        """True when the value is on the flagged side of this limit."""
        if self.comparison == "below":
            return value < self.limit
        if self.comparison == "above":
            return value > self.limit
        return value >= self.limit

    def describe(self) -> str:
        """The limit in words for the nurse, e.g. ">= 180"."""
        symbol = {"below": "<", "above": ">", "at_or_above": ">="}[self.comparison]
        return f"{symbol} {self.limit:g}"


@dataclass(frozen=True)
class ConsentAcknowledgement:
    """One box the patient ticks, with its text per language."""

    id: str
    text: Mapping[str, str]


@dataclass(frozen=True)
class ConsentDocument:
    """The consent the patient reads and signs: id, version, text and acknowledgements."""

    document_id: str
    version: str
    text: Mapping[str, str]
    acknowledgements: tuple[ConsentAcknowledgement, ...]

    def text_sha256(self, language: str) -> str:
        """The SHA-256 (hex) of the exact UTF-8 text shown in that language."""
        return hashlib.sha256(self.text[language].encode("utf-8")).hexdigest()

    def in_language(self, language: str) -> bool:
        """Whether the text and every acknowledgement are given in that language."""
        return language in self.text and all(language in ack.text for ack in self.acknowledgements)


@dataclass(frozen=True)
class InfusionDrug:
    """A drug an infusion order may name, with the clinic's rate range in mg/kg/h. No range
    ships: a bound the clinic has not set is None, and a rate is not checked against it."""

    name: str
    lowest_mg_per_kg_per_hour: float | None = None
    highest_mg_per_kg_per_hour: float | None = None


@dataclass(frozen=True)
class ChairChoice:
    """An item of the physical exam or a side effect: its id and its words per language."""

    id: str
    label: Mapping[str, str]


@dataclass(frozen=True)
class ChairSettings:
    """The infusion chair's settings (`[chair]`): CLINICAL.md, "The infusion chair"."""

    #: Vitals at the start, then every this many minutes, at the stop and in recovery.
    vitals_every_minutes: int
    #: The least time in the chair after the stop before the discharge.
    minimum_recovery_minutes: int
    discharge_score: ScoreKind
    #: The discharge score's total must reach this.
    discharge_score_at_least: int
    drugs: tuple[InfusionDrug, ...]
    exam_items: tuple[ChairChoice, ...]
    side_effects: tuple[ChairChoice, ...]
    #: The discharge instructions the patient reads and acknowledges, per language.
    discharge_instructions: Mapping[str, str]

    def drug(self, name: str) -> InfusionDrug | None:
        """The drug of that name (case and surrounding spaces ignored), or None."""
        wanted = name.strip().casefold()
        return next((drug for drug in self.drugs if drug.name.casefold() == wanted), None)

    def instructions_sha256(self, language: str) -> str:
        """The SHA-256 (hex) of the exact UTF-8 instructions shown in that language."""
        return hashlib.sha256(self.discharge_instructions[language].encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ClinicConfig:
    """Everything a clinic may configure, typed and checked."""

    #: The clinic's name per language, as the welcome screen shows it.
    clinic_name: Mapping[str, str]
    time_zone: str
    date_order: Literal["MDY", "DMY"]
    #: The youngest age, in whole years, that checks in at the kiosk (younger: the front desk).
    minimum_age: int
    patient_idle_seconds: int
    patient_warning_seconds: int
    staff_idle_seconds: int
    draft_retention_hours: int
    acknowledged_retention_hours: int
    last_food_hours: float
    last_clear_liquid_hours: float
    hold_thresholds: tuple[HoldThreshold, ...]
    rules: Mapping[str, Rule]
    consent: ConsentDocument
    chair: ChairSettings
    pregnancy_test: PregnancyTestPolicy = "unless_not_applicable"
    #: Whether patients are offered languages whose translation has no clinical review (drafts).
    show_draft_languages: bool = False
    #: The clinic's own clinical reviews of translations, by language (kiosk/intake/languages.py).
    language_reviews: Mapping[str, LanguageReview] = field(
        default_factory=lambda: MappingProxyType({})
    )

    def rule(self, code: str) -> Rule:
        """The rule for a flag code; KeyError for a code the configuration does not define."""
        return self.rules[code]

    def holds_for(self, measure: str) -> tuple[HoldThreshold, ...]:
        """The hold thresholds of one vitals measure, most severe first."""
        found = [hold for hold in self.hold_thresholds if hold.measure == measure]
        return tuple(sorted(found, key=lambda hold: hold.severity.rank))


def default_config() -> ClinicConfig:
    """The CLINICAL.md defaults."""
    return _default_config()


@cache
def _default_config() -> ClinicConfig:
    return _build(_defaults_data(), _Source(DEFAULTS_PATH.name, ""))


def load_config(path: Path | str) -> ClinicConfig:
    """Read a clinic's TOML file (overriding the defaults) or raise `ConfigError`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(
            f"{_shown(str(path), _SHOWN_NAME_CHARS)}: cannot be read ({type(error).__name__}). "
            "Check that the file exists, is readable and is saved as UTF-8."
        ) from None
    return load_config_text(text, str(path))


def load_config_text(text: str, source_name: str) -> ClinicConfig:
    """Parse a clinic's TOML text (overriding the defaults) or raise `ConfigError`."""
    source = _Source(source_name, text)
    try:
        overrides = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # Why: tomllib's message carries "(at line N, column M)", the place to look.
        raise ConfigError(
            f"{_shown(source_name, _SHOWN_NAME_CHARS)}: is not valid TOML: "
            f"{_shown(str(error), _SHOWN_NAME_CHARS)}. Fix the TOML syntax there."
        ) from None
    _check_known(overrides, _defaults_data(), "", source)
    return _build(_merge(_defaults_data(), overrides), source)


@cache
def _defaults_data() -> dict[str, Any]:
    return tomllib.loads(DEFAULTS_PATH.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class _Source:
    """The file being read, to name it and find lines in refusals."""

    name: str
    text: str

    def error(self, place: str, problem: str, fix: str) -> ConfigError:
        """A refusal; `place` comes from the file and is shown inertly, `problem` and `fix` are
        the loader's own words."""
        line = self._line_of(place)
        shown = _shown(place, _SHOWN_KEY_CHARS)
        where = f"{shown} (line {line})" if line else shown
        return ConfigError(f"{_shown(self.name, _SHOWN_NAME_CHARS)}: {where}: {problem}. {fix}")

    def _line_of(self, place: str) -> int | None:
        """Best effort: the first line assigning the last key of the place (TOML gives none)."""
        key = place.rsplit(".", 1)[-1].strip('"')
        pattern = re.compile(rf'^\s*"?{re.escape(key)}"?\s*[=\]]|^\s*\[+[^\]]*{re.escape(key)}')
        for number, line in enumerate(self.text.splitlines(), start=1):
            if pattern.search(line):
                return number
        return None


def _shown(text: str, limit: int) -> str:
    """Text from the file made inert for a message: non-printable characters escaped as in repr
    (ESC -> \\x1b, U+202E -> \\u202e), cut to `limit` characters with an ellipsis."""
    cut = text if len(text) <= limit else text[: limit - 1] + "\u2026"
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in cut)


def _place(prefix: str, key: str) -> str:
    shown = f'"{key}"' if "." in key else key
    return f"{prefix}.{shown}" if prefix else shown


def _check_known(
    data: Mapping[str, Any], schema: Mapping[str, Any], prefix: str, src: _Source
) -> None:
    """Refuse keys the defaults do not have, and tables where values belong (and the reverse)."""
    for key, value in data.items():
        place = _place(prefix, key)
        allowed: Mapping[str, Any]
        if not prefix and key == "clinic_name":
            continue  # checked as it is built: a text, or a table of languages
        if prefix == "languages.reviews":
            if key not in LANGUAGES or key == "en":
                raise src.error(
                    place,
                    "is not a translated language of the kiosk",
                    f"Use one of: {', '.join(LANGUAGES[1:])}",
                )
            allowed = dict.fromkeys(("reviewed_by", "reviewed_on", "text_sha256"), "")
        elif prefix == "thresholds.vitals":
            if key not in VITAL_MEASURES:
                raise src.error(
                    place, "unknown vitals measure", f"Use one of: {', '.join(VITAL_MEASURES)}"
                )
            allowed = dict.fromkeys(_THRESHOLD_KEYS, 0)
        elif key not in schema:
            what = "unknown rule" if prefix == "rules" else "unknown setting"
            known = ", ".join(sorted(schema))
            raise src.error(place, what, f"Check the spelling; the known names are: {known}")
        else:
            allowed = schema[key]
        if isinstance(allowed, dict):
            if not isinstance(value, dict):
                raise src.error(
                    place,
                    "must be a table",
                    f"Write it as [{_shown(place, _SHOWN_KEY_CHARS)}] with its keys",
                )
            _check_known(value, allowed, place, src)
        elif isinstance(value, dict):
            raise src.error(place, "must be a single value, not a table", "Remove the table")


def _merge(
    base: Mapping[str, Any], overrides: Mapping[str, Any], prefix: str = ""
) -> dict[str, Any]:
    merged = dict(base)
    for key, value in overrides.items():
        whole = _place(prefix, key) in _WHOLE_SETTINGS
        if isinstance(value, dict) and isinstance(merged.get(key), dict) and not whole:
            merged[key] = _merge(merged[key], value, _place(prefix, key))
        else:
            merged[key] = value
    return merged


def _get(table: Mapping[str, Any], key: str, kind: type, place: str, src: _Source) -> Any:
    """A value of the expected type, or a refusal naming the type to write."""
    value = table.get(key)
    full = _place(place, key)
    if value is None:
        raise src.error(full, "is missing", "Add it (see clinic_defaults.toml)")
    names = {
        str: "text in quotes",
        int: "a whole number",
        float: "a number",
        list: "a list",
        bool: "true or false",
    }
    ok = isinstance(value, kind) and (kind is bool or not isinstance(value, bool))
    if kind is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    if not ok:
        given = _TOML_TYPE_NAMES.get(type(value), type(value).__name__)
        raise src.error(full, f"must be {names[kind]}, not {given}", "Write it as in the defaults")
    if kind is str:
        _check_plain(value, full, src)
    if kind is not float:
        return value
    # Why: a whole number past float's range (1 followed by 400 zeros) is as unusable as inf.
    number = float(value) if abs(value) < 2**1023 else math.inf
    if not math.isfinite(number):
        # Why: every comparison with nan is false, so a nan limit would never raise its flag.
        raise src.error(full, "must be a finite number, not nan or inf", "Give a plain number")
    return number


def _check_plain(text: str, place: str, src: _Source) -> None:
    """Refuse text that would reach a screen with a terminal control or a direction override."""
    for position, char in enumerate(text, start=1):
        if char in _ALLOWED_CONTROLS:
            continue
        if unicodedata.category(char) == "Cc" or char in _DIRECTION_CONTROLS:
            raise src.error(
                place,
                f"has a control or text-direction character at position {position}",
                "Remove it; write the text plainly",
            )


_TOML_TYPE_NAMES = {
    str: "text",
    int: "a whole number",
    float: "a decimal number",
    bool: "true/false",
    list: "a list",
    dict: "a table",
}


def _in_range(value: float, place: str, src: _Source) -> None:
    low, high, unit = SETTING_RANGES[place]
    if not low <= value <= high:
        raise src.error(
            place, f"must be between {low:g} and {high:g} {unit}", "Give a value in that range"
        )


def _severity(value: str, place: str, src: _Source) -> Severity:
    allowed = [s.value for s in Severity]
    if value not in allowed:
        raise src.error(place, "is not a severity", f"Use one of: {', '.join(allowed)}")
    return Severity(value)


def _per_language(table: Mapping[str, Any], place: str, src: _Source) -> Mapping[str, str]:
    """A text in each of CONSENT_LANGUAGES and in any other language of the kiosk's."""
    extra = sorted(set(table) - set(LANGUAGES) - {"id"})
    if extra:
        raise src.error(
            _place(place, extra[0]),
            "is not a language the kiosk offers",
            f"Use only: {', '.join(LANGUAGES)}",
        )
    texts: dict[str, str] = {}
    for language in LANGUAGES:
        if language not in CONSENT_LANGUAGES and language not in table:
            continue
        text = _get(table, language, str, place, src)
        if not text.strip():
            raise src.error(_place(place, language), "is empty", "Give the text in that language")
        texts[language] = text
    return MappingProxyType(texts)


def _clinic_name(data: Mapping[str, Any], src: _Source) -> Mapping[str, str]:
    """`clinic_name = "Lakeside"` for every language, or `clinic_name = { en = ..., es = ... }`
    (a language left out reads the English name)."""
    if isinstance(data.get("clinic_name"), dict):
        names = _per_language(data["clinic_name"], "clinic_name", src)
        return MappingProxyType({lang: names.get(lang, names["en"]) for lang in LANGUAGES})
    name = _get(data, "clinic_name", str, "", src)
    return MappingProxyType(dict.fromkeys(LANGUAGES, name))


def _language_reviews(table: Mapping[str, Any], src: _Source) -> Mapping[str, LanguageReview]:
    """The clinic's own clinical reviews of translations, `[languages.reviews.<language>]`."""
    reviews = {}
    for language, entry in table.items():
        place = f"languages.reviews.{language}"
        try:
            review = parse_review(entry)
        except RecordFieldError as error:
            raise src.error(
                f"{place}.{error.field}",
                error.problem,
                "Write reviewed_by, reviewed_on and text_sha256 as docs/operator-guide.md shows",
            ) from None
        _check_plain(review.reviewed_by, f"{place}.reviewed_by", src)
        reviews[language] = review
    return MappingProxyType(reviews)


def _build(data: Mapping[str, Any], src: _Source) -> ClinicConfig:
    time_zone = _get(data, "time_zone", str, "", src)
    try:
        zoneinfo.ZoneInfo(time_zone)
    except (ValueError, OSError, zoneinfo.ZoneInfoNotFoundError):
        # Why OSError: a tzdata folder ("America") or an over-long name fails as a file would.
        raise src.error(
            "time_zone", "is not a known time zone", 'Use an IANA name like "America/New_York"'
        ) from None
    date_order = _get(data, "date_order", str, "", src)
    if date_order not in ("MDY", "DMY"):
        raise src.error("date_order", "must be MDY or DMY", 'Write "MDY" or "DMY"')
    pregnancy_test = _get(data["nurse"], "pregnancy_test", str, "nurse", src)
    if pregnancy_test not in PREGNANCY_TEST_POLICIES:
        raise src.error(
            "nurse.pregnancy_test",
            "is not a known rule for pregnancy tests",
            f"Use one of: {', '.join(PREGNANCY_TEST_POLICIES)}",
        )
    languages = data["languages"]
    show_drafts = _get(languages, "show_drafts", bool, "languages", src)
    timeouts, retention = data["timeouts"], data["retention"]
    thresholds = data["thresholds"]
    whole_numbers = (
        {
            f"timeouts.{key}": _get(timeouts, key, int, "timeouts", src)
            for key in ("patient_idle_seconds", "patient_warning_seconds", "staff_idle_seconds")
        }
        | {
            f"retention.{key}": _get(retention, key, int, "retention", src)
            for key in ("draft_hours", "acknowledged_hours")
        }
        | {"minimum_age": _get(data, "minimum_age", int, "", src)}
        | {
            f"chair.{key}": _get(data["chair"], key, int, "chair", src)
            for key in (
                "vitals_every_minutes",
                "minimum_recovery_minutes",
                "discharge_score_at_least",
            )
        }
    )
    hours = {
        f"thresholds.{key}": _get(thresholds, key, float, "thresholds", src)
        for key in ("last_food_hours", "last_clear_liquid_hours")
    }
    for place, value in (whole_numbers | hours).items():
        _in_range(value, place, src)
    return ClinicConfig(
        clinic_name=_clinic_name(data, src),
        time_zone=time_zone,
        date_order=date_order,
        minimum_age=whole_numbers["minimum_age"],
        patient_idle_seconds=whole_numbers["timeouts.patient_idle_seconds"],
        patient_warning_seconds=whole_numbers["timeouts.patient_warning_seconds"],
        staff_idle_seconds=whole_numbers["timeouts.staff_idle_seconds"],
        draft_retention_hours=whole_numbers["retention.draft_hours"],
        acknowledged_retention_hours=whole_numbers["retention.acknowledged_hours"],
        last_food_hours=hours["thresholds.last_food_hours"],
        last_clear_liquid_hours=hours["thresholds.last_clear_liquid_hours"],
        hold_thresholds=_holds(thresholds["vitals"], src),
        rules=_rules(data["rules"], src),
        consent=_consent(data["consent"], src),
        chair=_chair(data["chair"], whole_numbers, src),
        pregnancy_test=pregnancy_test,
        show_draft_languages=show_drafts,
        language_reviews=_language_reviews(languages["reviews"], src),
    )


def _holds(vitals: Mapping[str, Any], src: _Source) -> tuple[HoldThreshold, ...]:
    holds = []
    for measure, table in vitals.items():
        place = f"thresholds.vitals.{measure}"
        for key in table:
            level, comparison = key.split("_", 1)
            limit = _get(table, key, float, place, src)
            severity = Severity.STOP if level == "stop" else Severity.CAUTION
            holds.append(HoldThreshold(measure, severity, comparison, limit))
    return tuple(holds)


def _rules(table: Mapping[str, Any], src: _Source) -> Mapping[str, Rule]:
    rules = {}
    for code, entry in table.items():
        place = _place("rules", code)
        severity = _severity(_get(entry, "severity", str, place, src), f"{place}.severity", src)
        reason = _get(entry, "reason", str, place, src)
        rules[code] = Rule(code, severity, reason)
    return MappingProxyType(rules)


def _consent(table: Mapping[str, Any], src: _Source) -> ConsentDocument:
    acks_data = _get(table, "acknowledgements", list, "consent", src)
    acknowledgements = []
    for index, entry in enumerate(acks_data):
        place = f"consent.acknowledgements[{index}]"
        if not isinstance(entry, dict):
            raise src.error(place, "must be a table", "Write it as [[consent.acknowledgements]]")
        ack_id = _get(entry, "id", str, place, src)
        acknowledgements.append(ConsentAcknowledgement(ack_id, _per_language(entry, place, src)))
    if not acknowledgements:
        raise src.error("consent.acknowledgements", "is empty", "List at least one")
    return ConsentDocument(
        document_id=_get(table, "document_id", str, "consent", src),
        version=_get(table, "version", str, "consent", src),
        text=_per_language(table["text"], "consent.text", src),
        acknowledgements=tuple(acknowledgements),
    )


def _chair(table: Mapping[str, Any], numbers: Mapping[str, int], src: _Source) -> ChairSettings:
    score = _get(table, "discharge_score", str, "chair", src)
    kinds = [kind.value for kind in ScoreKind]
    if score not in kinds:
        raise src.error(
            "chair.discharge_score", "is not a discharge score", f"Use one of: {', '.join(kinds)}"
        )
    return ChairSettings(
        vitals_every_minutes=numbers["chair.vitals_every_minutes"],
        minimum_recovery_minutes=numbers["chair.minimum_recovery_minutes"],
        discharge_score=ScoreKind(score),
        discharge_score_at_least=numbers["chair.discharge_score_at_least"],
        drugs=_drugs(_get(table, "drugs", list, "chair", src), src),
        exam_items=_choices(_get(table, "exam_items", list, "chair", src), "exam_items", src),
        side_effects=_choices(_get(table, "side_effects", list, "chair", src), "side_effects", src),
        discharge_instructions=_per_language(
            table["discharge_instructions"], "chair.discharge_instructions", src
        ),
    )


def _drugs(entries: list[Any], src: _Source) -> tuple[InfusionDrug, ...]:
    drugs: list[InfusionDrug] = []
    for index, entry in enumerate(entries):
        place = f"chair.drugs[{index}]"
        if not isinstance(entry, dict):
            raise src.error(place, "must be a table", "Write it as [[chair.drugs]]")
        unknown = sorted(set(entry) - _DRUG_KEYS)
        if unknown:
            raise src.error(
                _place(place, unknown[0]),
                "unknown setting",
                f"Use only: {', '.join(sorted(_DRUG_KEYS))}",
            )
        name = _get(entry, "name", str, place, src).strip()
        if not name:
            raise src.error(_place(place, "name"), "is empty", "Name the drug")
        if any(drug.name.casefold() == name.casefold() for drug in drugs):
            raise src.error(_place(place, "name"), "names a drug twice", "List each drug once")
        low, high = (
            _get(entry, key, float, place, src) if key in entry else None
            for key in ("lowest_mg_per_kg_per_hour", "highest_mg_per_kg_per_hour")
        )
        for key, bound in (
            ("lowest_mg_per_kg_per_hour", low),
            ("highest_mg_per_kg_per_hour", high),
        ):
            if bound is not None and bound <= 0:
                raise src.error(_place(place, key), "must be above 0", "Give a rate in mg/kg/h")
        if low is not None and high is not None and low > high:
            raise src.error(
                _place(place, "lowest_mg_per_kg_per_hour"),
                "is above the highest rate",
                "Give the lowest rate first, no higher than the highest",
            )
        drugs.append(InfusionDrug(name, low, high))
    if not drugs:
        raise src.error("chair.drugs", "is empty", "List at least one drug as [[chair.drugs]]")
    return tuple(drugs)


def _choices(entries: list[Any], key: str, src: _Source) -> tuple[ChairChoice, ...]:
    choices: list[ChairChoice] = []
    for index, entry in enumerate(entries):
        place = f"chair.{key}[{index}]"
        if not isinstance(entry, dict):
            raise src.error(place, "must be a table", f"Write it as [[chair.{key}]]")
        choice_id = _get(entry, "id", str, place, src)
        if not _CHOICE_ID.fullmatch(choice_id):
            raise src.error(
                _place(place, "id"),
                "must be lowercase letters, digits and _ (at most 40), starting with a letter",
                'Write it like "blood_pressure_up"',
            )
        if any(choice.id == choice_id for choice in choices):
            raise src.error(_place(place, "id"), "is listed twice", "Give each id once")
        choices.append(ChairChoice(choice_id, _per_language(entry, place, src)))
    if not choices:
        raise src.error(f"chair.{key}", "is empty", f"List at least one as [[chair.{key}]]")
    return tuple(choices)
