"""Field validation: the raw text a person typed becomes a value or one specific problem.

No validator raises on any str: huge, empty, control characters, terminal escapes, bidi
overrides, unpaired surrogates, emoji. A problem carries a stable code ("dob.future") and
parameters; the words live in kiosk/locale (validation.toml), in the patient's language.
Problems name the field and the rule, never echo what was typed.

Date of birth forms: YYYY-MM-DD (also with / or .), the clinic's order with separators
(MM/DD/YYYY for "MDY", DD/MM/YYYY for "DMY"), and the keypad's 8 digits in the clinic's order
(MMDDYYYY or DDMMYYYY).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Generic, Literal, TypeVar

from kiosk.intake.measures import Measure

T = TypeVar("T")
ParamValue = str | int | float

# Why: no field needs more; longer input is refused before any costlier check runs on it.
NAME_MAX = 100
MEDICATION_MAX = 200
DETAIL_MAX = 1000
SHORT_ANSWER_MAX = 40
OLDEST_AGE = 120
MAX_HOURS_AGO = 72
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_NAME_PUNCTUATION = frozenset(" '\u2019-\u2010.,")
_MEDICATION_PUNCTUATION = frozenset(" '\u2019-\u2010.,/()%+&:#")
_PHONE_CHARACTERS = frozenset("0123456789 +-()")


@dataclass(frozen=True)
class FieldProblem:
    """What is wrong with one field: its id, a stable code, and values for the message."""

    field: str
    code: str
    params: dict[str, ParamValue] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class Valid(Generic[T]):
    """The cleaned value of a field that passed."""

    value: T


@dataclass(frozen=True)
class Invalid:
    """A field that did not pass, and why."""

    problem: FieldProblem


Validation = Valid[T] | Invalid


def _problem(field_id: str, code: str, **params: ParamValue) -> Invalid:
    return Invalid(FieldProblem(field_id, code, params))


def unsafe_text_problem(
    raw: str, field_id: str, max_length: int, multiline: bool
) -> Invalid | None:
    """The first reason this text cannot be stored as typed, or None: checks shared by fields."""
    if len(raw) > max_length:
        return _problem(field_id, "text.too_long", max=max_length)
    for ch in raw:
        if ch == "\x1b":
            return _problem(field_id, "text.escape_sequence")
        if ch in _BIDI_CONTROLS:
            return _problem(field_id, "text.bidi_control")
        category = unicodedata.category(ch)
        if category == "Cs" or category in ("Co", "Cn"):
            return _problem(field_id, "text.invalid_character")
        if category == "Cc" and not (multiline and ch in "\n\t"):
            return _problem(field_id, "text.control_character")
    return None


def _clean_line(raw: str) -> str:
    """NFC, single spaces, no spaces at the ends."""
    return " ".join(unicodedata.normalize("NFC", raw).split())


def _checked_line(raw: str, field_id: str, max_length: int) -> Valid[str] | Invalid:
    problem = unsafe_text_problem(raw, field_id, max_length, multiline=False)
    return problem or Valid(_clean_line(raw))


def validate_person_name(raw: str, field_id: str, required: bool = True) -> Validation[str]:
    """A person's name (legal, preferred, emergency contact, driver): letters, marks, ' - . ,"""
    checked = _checked_line(raw, field_id, NAME_MAX)
    if isinstance(checked, Invalid):
        return checked
    name = checked.value
    if not name:
        return _problem(field_id, "text.required") if required else Valid("")
    if not any(unicodedata.category(ch).startswith("L") for ch in name):
        return _problem(field_id, "name.no_letters")
    for ch in name:
        if not (unicodedata.category(ch)[0] in "LM" or ch in _NAME_PUNCTUATION):
            return _problem(field_id, "name.characters")
    return Valid(name)


def validate_substance_name(raw: str, field_id: str) -> Validation[str]:
    """A medication or allergy name as typed ("Lamictal 100mg", "penicillin (rash)")."""
    checked = _checked_line(raw, field_id, MEDICATION_MAX)
    if isinstance(checked, Invalid):
        return checked
    name = checked.value
    if not name:
        return _problem(field_id, "text.required")
    if not any(unicodedata.category(ch).startswith("L") for ch in name):
        return _problem(field_id, "name.no_letters")
    for ch in name:
        if not (unicodedata.category(ch)[0] in "LMN" or ch in _MEDICATION_PUNCTUATION):
            return _problem(field_id, "medication.characters")
    return Valid(name)


def validate_detail(raw: str, field_id: str, max_length: int = DETAIL_MAX) -> Validation[str]:
    """Optional free text ("tell us more"): any printable text, kept inert, may be empty."""
    problem = unsafe_text_problem(raw, field_id, max_length, multiline=True)
    if problem is not None:
        return problem
    return Valid(unicodedata.normalize("NFC", raw).strip())


def validate_short_text(raw: str, field_id: str, required: bool = False) -> Validation[str]:
    """A short single-line answer such as a dose or how often ("100 mg", "twice a day")."""
    checked = _checked_line(raw, field_id, SHORT_ANSWER_MAX)
    if isinstance(checked, Valid) and required and not checked.value:
        return _problem(field_id, "text.required")
    return checked


_ISO_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_LOCAL_DATE = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_KEYPAD_DATE = re.compile(r"(\d{2})(\d{2})(\d{4})")


def validate_date_of_birth(
    raw: str,
    today: date,
    order: Literal["MDY", "DMY"] = "MDY",
    field_id: str = "date_of_birth",
    minimum_age: int = 0,
) -> Validation[date]:
    """A date of birth in one of the documented forms, not in the future, age `minimum_age`
    (the clinic's, in whole years on `today`) to 120."""
    if len(raw) > SHORT_ANSWER_MAX:
        return _problem(field_id, "text.too_long", max=SHORT_ANSWER_MAX)
    text = raw.strip()
    example = "MM/DD/YYYY" if order == "MDY" else "DD/MM/YYYY"
    if not text:
        return _problem(field_id, "text.required")
    parts: tuple[str, str, str] | None = None
    if found := _ISO_DATE.fullmatch(text):
        parts = (found[1], found[2], found[3])
    elif found := (_LOCAL_DATE.fullmatch(text) or _KEYPAD_DATE.fullmatch(text)):
        first, second, year = found[1], found[2], found[3]
        month, day = (first, second) if order == "MDY" else (second, first)
        parts = (year, month, day)
    if parts is None:
        return _problem(field_id, "dob.format", example=example)
    try:
        born = date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return _problem(field_id, "dob.not_a_date", example=example)
    if born > today:
        return _problem(field_id, "dob.future")
    age = _age(born, today)
    if age > OLDEST_AGE:
        return _problem(field_id, "dob.too_old", max=OLDEST_AGE)
    if age < minimum_age:
        return _problem(field_id, "dob.under_minimum_age", min=minimum_age)
    return Valid(born)


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def validate_phone(
    raw: str, field_id: str = "phone", min_digits: int = 7, max_digits: int = 15
) -> Validation[str]:
    """A phone number: digits, spaces, + (first only), - and parentheses; 7-15 digits."""
    if len(raw) > SHORT_ANSWER_MAX:
        return _problem(field_id, "text.too_long", max=SHORT_ANSWER_MAX)
    text = " ".join(raw.split())
    if not text:
        return _problem(field_id, "text.required")
    if any(ch not in _PHONE_CHARACTERS for ch in text) or "+" in text[1:]:
        return _problem(field_id, "phone.characters")
    digits = sum(ch.isdigit() for ch in text)
    if digits < min_digits:
        return _problem(field_id, "phone.too_few_digits", min=min_digits)
    if digits > max_digits:
        return _problem(field_id, "phone.too_many_digits", max=max_digits)
    return Valid(text)


_CLOCK = re.compile(r"(\d{1,2})(?:[:.,h](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?", re.IGNORECASE)
#: What makes a typed time a clock time rather than hours ago: a colon, am / pm, "7h30", or
#: hours and two-digit minutes as many keyboards and countries write them ("7.30", "19,45").
_CLOCK_LIKE = re.compile(
    r":|\d\s*h\s*\d|[ap]\.?m\b|[ap]\.?m\.|^\s*\d{1,2}[.,][0-5]\d\s*$", re.IGNORECASE
)
_HOURS_AGO = re.compile(
    r"(?:hace\s*)?(\d{1,3}(?:[.,]\d{1,2})?)\s*"
    r"(?:h|hr|hrs|hour|hours|horas?)?(?:\s*(?:ago|atr[aá]s))?",
    re.IGNORECASE,
)


def validate_time_of_day(raw: str, now: datetime, field_id: str) -> Validation[datetime]:
    """A clock time today ("7:30", "7:30 pm", "19:30", "7pm") as an aware time.

    `now` is the current time in the clinic's zone; a time later than now means yesterday
    ("22:00" typed at 09:00 is last night).
    """
    if len(raw) > SHORT_ANSWER_MAX:
        return _problem(field_id, "text.too_long", max=SHORT_ANSWER_MAX)
    found = _CLOCK.fullmatch(raw.strip())
    if not found:
        return _problem(field_id, "time.format")
    hour, minute = int(found[1]), int(found[2] or 0)
    meridiem = (found[3] or "").lower().replace(".", "")
    if meridiem:
        if not 1 <= hour <= 12:
            return _problem(field_id, "time.not_a_time")
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    if hour > 23 or minute > 59:
        return _problem(field_id, "time.not_a_time")
    moment = datetime.combine(now.date(), time(hour, minute), tzinfo=now.tzinfo)
    if moment > now:
        moment -= timedelta(days=1)
    return Valid(moment)


def validate_hours_ago(raw: str, now: datetime, field_id: str) -> Validation[datetime]:
    """How long ago, in hours ("3", "2.5", "3 hours ago") as an aware time before `now`."""
    if len(raw) > SHORT_ANSWER_MAX:
        return _problem(field_id, "text.too_long", max=SHORT_ANSWER_MAX)
    found = _HOURS_AGO.fullmatch(raw.strip())
    if not found:
        return _problem(field_id, "hours_ago.format")
    hours = float(found[1].replace(",", "."))
    if hours > MAX_HOURS_AGO:
        return _problem(field_id, "hours_ago.range", max=MAX_HOURS_AGO)
    return Valid(now - timedelta(hours=hours))


def validate_time_taken(raw: str, now: datetime, field_id: str) -> Validation[datetime]:
    """A clock time ("7:30", "7.30", "7 pm") or hours ago ("3", "2.5 hours"), as aware UTC.

    A number with two-digit minutes ("7.30") is a clock time, never 7.3 hours ago.
    """
    clock = _CLOCK_LIKE.search(raw[: SHORT_ANSWER_MAX + 1]) is not None
    result = (validate_time_of_day if clock else validate_hours_ago)(raw, now, field_id)
    if isinstance(result, Valid):
        return Valid(result.value.astimezone(UTC))
    return result


def validate_whole_number(raw: str, field_id: str, low: int, high: int) -> Validation[int]:
    """A whole number from low to high (MIDAS days 0-90, pain 0-10, days a month 0-31...)."""
    if len(raw) > SHORT_ANSWER_MAX:
        return _problem(field_id, "text.too_long", max=SHORT_ANSWER_MAX)
    # Why: NFKC turns full-width digits from some keyboards into plain ones.
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        return _problem(field_id, "text.required")
    if not re.fullmatch(r"[0-9]{1,6}", text):
        if re.fullmatch(r"-?[0-9]*[.,][0-9]+|-[0-9]+", text):
            return _problem(field_id, "number.not_whole", min=low, max=high)
        return _problem(field_id, "number.format", min=low, max=high)
    value = int(text)
    if not low <= value <= high:
        return _problem(field_id, "number.range", min=low, max=high)
    return Valid(value)


def validate_days_per_month(raw: str, field_id: str) -> Validation[int]:
    """Days in a month: 0-31."""
    return validate_whole_number(raw, field_id, 0, 31)


def validate_migraine_days(
    raw: str, headache_days: int | None, field_id: str = "migraine_days_per_month"
) -> Validation[int]:
    """Migraine days a month: 0-31 and, a migraine day being a headache day, no more than the
    headache days a month (`headache_days`, None while those are not a valid number)."""
    result = validate_days_per_month(raw, field_id)
    if isinstance(result, Valid) and headache_days is not None and result.value > headache_days:
        return _problem(field_id, "migraine_days.more_than_headache_days", max=headache_days)
    return result


#: What a signature match ignores, by Unicode category: accents and other marks (after NFKD),
#: every punctuation (apostrophes straight or curly, dashes, dots), spacing, and modifier
#: letters (U+02BC, the apostrophe some keyboards type, is one).
_IGNORED_IN_NAMES = ("M", "P", "Z", "Lm", "Sk", "Cf")


def signature_key(name: str) -> str:
    """A name reduced for comparison: compatibility-decomposed, case-folded, and only its
    letters and digits kept, so "ana lucia gomez" matches "Ana Lucía Gómez" and "O’Brien"
    matches "O'Brien"."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", name).casefold())
    return "".join(
        ch for ch in decomposed if not unicodedata.category(ch).startswith(_IGNORED_IN_NAMES)
    )


def validate_signature(raw: str, legal_name: str, field_id: str = "signature") -> Validation[str]:
    """The typed full name on the consent: must match the legal name, ignoring case, spacing,
    accents, apostrophes and dashes (`signature_key`)."""
    checked = _checked_line(raw, field_id, NAME_MAX)
    if isinstance(checked, Invalid):
        return checked
    if not checked.value:
        return _problem(field_id, "text.required")
    if signature_key(checked.value) != signature_key(legal_name):
        return _problem(field_id, "signature.mismatch")
    return Valid(checked.value)


Unit = Literal["C", "F", "kg", "lb"]
#: A reading as digits: whole digits, then at most 2 decimals after "." or ",". Its only length
#: limit is SHORT_ANSWER_MAX characters, checked first (a huge paste is refused as too long
#: before this runs), so a far-too-big reading is read as a number and refused naming the
#: plausibility limits, never as "not a number".
_DECIMAL = re.compile(rf"[0-9]{{1,{SHORT_ANSWER_MAX}}}(?:[.,][0-9]{{1,2}})?")
_CONVERSIONS: dict[str, tuple[float, float]] = {
    # unit typed -> (scale, offset) to the stored unit: stored = typed * scale + offset
    "C": (1.0, 0.0),
    "kg": (1.0, 0.0),
    "F": (5 / 9, -32 * 5 / 9),
    "lb": (0.45359237, 0.0),
}


def validate_vital(raw: str, measure: Measure, unit: Unit | None = None) -> Validation[float]:
    """A nurse's reading within the plausibility limits, converted to the stored unit.

    `unit` is "F" or "lb" when the nurse typed Fahrenheit or pounds; a refusal then names the
    limits in the unit typed. Whole-number measures refuse decimals; others keep one decimal.
    """
    field_id = measure.field
    if len(raw) > SHORT_ANSWER_MAX:
        return _problem(field_id, "text.too_long", max=SHORT_ANSWER_MAX)
    text = raw.strip()
    if not text:
        return _problem(field_id, "text.required")
    if not _DECIMAL.fullmatch(text):
        return _problem(field_id, "vitals.format")
    typed = float(text.replace(",", "."))
    if measure.whole and typed != int(typed):
        return _problem(field_id, "vitals.not_whole")
    typed_unit = unit or measure.unit
    scale, offset = _CONVERSIONS.get(typed_unit, (1.0, 0.0))
    stored = round(typed * scale + offset, 0 if measure.whole else 1)
    if not measure.plausible_low <= stored <= measure.plausible_high:
        low = (measure.plausible_low - offset) / scale
        high = (measure.plausible_high - offset) / scale
        decimals = 0 if measure.whole else 1
        return _problem(
            field_id,
            "vitals.implausible",
            min=f"{low:.{decimals}f}",
            max=f"{high:.{decimals}f}",
            unit=_UNIT_SHOWN.get(typed_unit, measure.shown_unit),
        )
    return Valid(stored)


def validate_diastolic(diastolic: float, systolic: float) -> Validation[float]:
    """A diastolic pressure below the systolic one taken with it (a reading at or above it is
    mistyped or swapped), or the problem naming the systolic."""
    if diastolic >= systolic:
        return _problem(
            "diastolic_mmhg", "vitals.diastolic_not_below_systolic", systolic=f"{systolic:.0f}"
        )
    return Valid(diastolic)


_UNIT_SHOWN = {"C": "°C", "F": "°F", "kg": "kg", "lb": "lb"}
