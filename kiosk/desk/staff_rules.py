"""Who can be enrolled at a kiosk: the rules for a staff id, a name, a role and a PIN.

One rule for every way in (the first nurse at `kiosk init`, IT's Add and PIN reset, the
`kiosk staff` command), so the messages are the same on the screen and in a script.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kiosk.desk.errors import KioskError
from kiosk.intake.validation import Invalid, validate_person_name
from kiosk.locale import translate

STAFF_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}")
MIN_PIN_LENGTH = 6
#: The longest PIN: enrolment refuses more, the unlock screen's PIN box holds this many, and an
#: unlock attempt with more is a wrong PIN without running the key derivation.
MAX_PIN_LENGTH = 128
ROLES = ("nurse", "it")


@dataclass(frozen=True)
class NewStaff:
    """A staff member to enrol: id, name for the screens, role ('nurse' or 'it'), PIN."""

    staff_id: str
    display_name: str
    role: str
    pin: str

    def __repr__(self) -> str:
        return f"NewStaff({self.staff_id!r}, role={self.role!r}, pin=<hidden>)"


def check_staff_id(staff_id: str) -> str:
    """A staff id as the keypad and the audit log can carry it; KioskError otherwise."""
    if not isinstance(staff_id, str) or not STAFF_ID.fullmatch(staff_id):
        raise KioskError("staff id: use 1-32 letters, digits, '.', '_' or '-', starting alnum")
    return staff_id


def check_staff_name(name: str) -> str:
    """A staff name by the same rule as a patient's name (letters, marks, ' - . ,); the name
    as validated, or KioskError saying what to fix."""
    if not isinstance(name, str):
        raise KioskError("staff name: type the person's name")
    checked = validate_person_name(name, "staff_name")
    if isinstance(checked, Invalid):
        problem = checked.problem
        raise KioskError(f"staff name: {translate(problem.code, 'en', **problem.params)}")
    return checked.value


def check_pin(pin: str) -> str:
    """A new PIN the on-screen keypad can type: 6 to 128 ASCII digits; KioskError otherwise
    (never echoed)."""
    if not isinstance(pin, str) or not (pin.isascii() and pin.isdigit()):
        raise KioskError("PIN: digits only, so it can be typed on the keypad")
    if not MIN_PIN_LENGTH <= len(pin) <= MAX_PIN_LENGTH:
        raise KioskError(f"PIN: use {MIN_PIN_LENGTH} to {MAX_PIN_LENGTH} digits")
    if _guessable(pin):
        raise KioskError("PIN: too easy to guess (one digit repeated, or counting up or down)")
    return pin


def _guessable(pin: str) -> bool:
    """The PINs tried first by anyone guessing: 000000, 123456, 987654 and the like."""
    steps = {(int(b) - int(a)) % 10 for a, b in zip(pin, pin[1:], strict=False)}
    return steps in ({0}, {1}, {9})


def check_new_staff(staff_id: str, display_name: str, role: str, pin: str) -> NewStaff:
    """The one rule for enrolling a person (the first nurse at init, IT's Add and PIN reset):
    the person as they will be stored, or KioskError naming the field to fix."""
    if role not in ROLES:
        raise KioskError("role: choose nurse or it")
    return NewStaff(check_staff_id(staff_id), check_staff_name(display_name), role, check_pin(pin))


def checked_member(member: NewStaff) -> NewStaff:
    """`member` checked by the one rule (`check_new_staff`)."""
    return check_new_staff(member.staff_id, member.display_name, member.role, member.pin)
