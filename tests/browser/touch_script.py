"""A patient's whole check-in by touch alone, and what the sealed record must then hold.

The same patient and answers as patient_script.py, entered the way a tablet without a keyboard
allows: every button, choice and box is tapped, every date and number goes in through the
kiosk's on-screen keypad, a long form is moved by tapping its scrollbar. The tablet's own
keyboard is used only for what a patient must write in words (names, medication and allergy
words, the preventives tried, the signature).

Phone numbers go in through the keypad too, which has digits but no "-": they are entered (and
so stored) as bare digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import timedelta

from kiosk_tab import Effect, KioskTab
from patient_script import (
    HIDDEN_FOLLOW_UPS,
    MIDAS_BOXES,
    TabletPatient,
    answers_of,
    expected_answers,
    go_on,
    listed,
    patient,
    question_start,
    read_consent_to_end,
    submit,
    tick_statements,
    words,
)

from kiosk.intake.config import ClinicConfig
from kiosk.intake.drugs import suggest
from kiosk.intake.questions import (
    ANSWER_KEYS,
    HEALTH_HISTORY,
    MIGRAINE_HISTORY,
    PHQ9,
    PREGNANCY_ANSWER_KEYS,
    TODAY_CHECKLIST,
)
from kiosk.intake.records import (
    Answer,
    CheckIn,
    Identity,
    MigraineHistory,
    Phq9,
    PregnancyAnswer,
)
from kiosk.screens.medications import SUGGESTIONS

#: "Last solid food" and "Last clear liquid", as hours ago (whole numbers: the keypad has no ".").
HOURS_SINCE_FOOD = 5
HOURS_SINCE_LIQUID = 3
DRIVER_NAME = "Sam Example"
DRIVER_PHONE = "5550104050"
#: Today's yes / no / not sure questions, as patient_script answers them.
TODAY_ANSWERS = {
    "took_regular_medications": Answer.YES,
    "alcohol_or_drugs_24h": Answer.NO,
    "feeling_unwell": Answer.NO,
}
#: Pregnancy, asked on its own with a fourth answer: the touch patient taps "does not apply".
PREGNANCY_ANSWER = PregnancyAnswer.NOT_APPLICABLE


@dataclass(frozen=True)
class TouchAnswers:
    """Everything the touch patient enters, read from patient_script's expected record."""

    who: TabletPatient
    identity: Identity
    migraine: MigraineHistory
    phq9: Phq9

    def free_text(self) -> str:
        """Every word the patient writes on the tablet's keyboard, in the order of the screens:
        the only keys this check-in may press."""
        medication, allergy = self.who.medication, self.who.allergy
        return "".join(
            (
                self.identity.legal_name,
                self.identity.preferred_name,
                self.identity.emergency_contact_name,
                medication.name,
                medication.dose,
                medication.frequency,
                allergy.substance,
                allergy.reaction,
                self.migraine.preventives_tried,
                DRIVER_NAME,
                self.identity.legal_name.lower(),  # the signature
            )
        )


def keypad_form(phone: str) -> str:
    """A phone number as it can be tapped on the keypad: its digits."""
    return "".join(character for character in phone if character.isdigit())


def touch_patient(number: int) -> TabletPatient:
    """patient_script's patient `number`, with a phone number the keypad can enter."""
    who = patient(number)
    return replace(who, phone=keypad_form(who.phone))


def expected_touch_answers(who: TabletPatient) -> dict[str, object]:
    """patient_script's expected record parts, with the emergency contact's phone as tapped."""
    expected = expected_answers(who)
    identity = expected["identity"]
    assert isinstance(identity, Identity)
    phone = keypad_form(identity.emergency_contact_phone)
    return expected | {"identity": replace(identity, emergency_contact_phone=phone)}


def touch_answers(who: TabletPatient) -> TouchAnswers:
    expected = expected_touch_answers(who)
    identity, migraine, phq9 = expected["identity"], expected["migraine"], expected["phq9"]
    assert isinstance(identity, Identity)
    assert isinstance(migraine, MigraineHistory)
    assert isinstance(phq9, Phq9)
    return TouchAnswers(who, identity, migraine, phq9)


def answer_words(answer: Answer) -> str:
    return words(ANSWER_KEYS[list(Answer).index(answer)])


def tap_in_box(tab: KioskTab, label: str, typed: str) -> None:
    """Tap the box, write `typed` on the tablet's keyboard; wait until the box shows it."""
    tab.tap_box(label)
    tab.type(typed)
    tab.wait_for(tab.box_shows(label, typed))


def tap_in_number(tab: KioskTab, label: str, number: object) -> None:
    """Tap the box, then `number` on the keypad; wait until the box shows it."""
    tab.tap_box(label)
    tab.tap_keypad(str(number), label)  # (each key waits until the box shows it)


def no_suggestions_shown(tab: KioskTab, name: str) -> Effect:
    """The effect "the step offers no drug names for `name`": the Dose box's label right
    under the name box's bottom border, the box's three rows below its label. Why wait: the
    names offered while the name was typed go when it is whole, in a frame after the one
    showing it, and move the boxes below up (a tap located before would land on the box
    below). Why count rows: an offered name is a button whose bottom border is drawn like the
    name box's, so "a bottom border above Dose" would be seen with a name still offered."""
    offered = suggest(name, SUGGESTIONS, "en")
    assert [n for n in offered if n.casefold() != name.casefold()] == [], f"{name} offers names"
    name_box, dose = re.compile(r"▊▔ Medication name"), re.compile(r"▊▔ Dose")

    def seen() -> bool:
        lines = tab.screen.lines()
        name_rows = [row for row, line in enumerate(lines) if name_box.search(line)]
        dose_rows = [row for row, line in enumerate(lines) if dose.search(line)]
        return len(name_rows) == 1 and dose_rows == [name_rows[0] + 3]

    return Effect(f"no drug names offered for {name!r}", seen)


def times_read(tab: KioskTab, count: int) -> Effect:
    """The effect "`count` times typed are read back" ("We read this as: ..." under each box).
    Why wait: the reading shows in a frame after the box shows the digits, and moves the boxes
    below it down (a tap located before would land above the box it meant)."""
    reading = words("screens.checklist.read_as").split("{", 1)[0]
    return Effect(f"{count} times read back", lambda: tab.screen.text().count(reading) == count)


def begin_checkin_by_touch(tab: KioskTab, answers: TouchAnswers) -> None:
    """From welcome, through "About you", to the medications screen."""
    identity = answers.identity
    tab.wait_for_text("Check in")
    tab.tap_button("Check in", until=tab.shows("About you"))
    tap_in_box(tab, "Full legal name", identity.legal_name)
    tap_in_box(tab, "Preferred name", identity.preferred_name)
    tap_in_number(tab, "Date of birth", answers.who.typed_date_of_birth())
    tap_in_number(tab, "Phone number", identity.phone)
    tap_in_box(tab, "Emergency contact's name", identity.emergency_contact_name)
    tap_in_number(tab, "Emergency contact's phone", identity.emergency_contact_phone)
    go_on(tab, "Medications and allergies")


def add_medication_and_allergy(tab: KioskTab, answers: TouchAnswers) -> None:
    medication, allergy = answers.who.medication, answers.who.allergy
    tap_in_box(tab, "Medication name", medication.name)
    tab.wait_for(no_suggestions_shown(tab, medication.name))
    tap_in_box(tab, "Dose", medication.dose)
    tap_in_box(tab, "How often", medication.frequency)
    tab.tap_button("Add medication", until=tab.shows(listed(medication)))
    tap_in_box(tab, "Allergic to", allergy.substance)
    tap_in_box(tab, "What happens", allergy.reaction)
    tab.tap_button("Add allergy", until=tab.shows(listed(allergy)))
    go_on(tab, "Your health history")


def answer_health_history(tab: KioskTab, answers: TouchAnswers) -> None:
    for question in HEALTH_HISTORY.questions:
        if question.id not in HIDDEN_FOLLOW_UPS:
            tab.tap_choice(question_start(question), answer_words(Answer.NO))
    go_on(tab, "Your migraine history")


def answer_migraine_history(tab: KioskTab, answers: TouchAnswers) -> None:
    migraine = answers.migraine
    midas = migraine.midas
    tap_in_number(tab, "Headache days a month", migraine.headache_days_per_month)
    tap_in_number(tab, "Migraine days a month", migraine.migraine_days_per_month)
    tap_in_number(tab, "Typical headache pain", migraine.typical_pain)
    tap_in_box(tab, "Which preventive treatments", migraine.preventives_tried)
    for question_id, answer in (
        ("aura", migraine.aura),
        ("earlier_ketamine", migraine.earlier_ketamine),
    ):
        tab.tap_choice(question_start(MIGRAINE_HISTORY.question(question_id)), answer_words(answer))
    for label, days in zip(
        MIDAS_BOXES, (*midas.items, midas.headache_days_3_months, midas.average_pain), strict=True
    ):
        tap_in_number(tab, label, days)
    go_on(tab, "How you have been feeling")


def answer_mood(tab: KioskTab, answers: TouchAnswers) -> None:
    for question, score in zip(PHQ9.questions, answers.phq9.items, strict=True):
        tab.tap_choice(question_start(question), words(PHQ9.option_keys[score]))
    go_on(tab, "Last solid food")


def answer_todays_checklist(tab: KioskTab, answers: TouchAnswers) -> None:
    tap_in_number(tab, "Last solid food", HOURS_SINCE_FOOD)
    tab.wait_for(times_read(tab, 1))
    tap_in_number(tab, "Last clear liquid", HOURS_SINCE_LIQUID)
    tab.wait_for(times_read(tab, 2))
    tab.tap_choice(question_start(TODAY_CHECKLIST.question("has_driver")), answer_words(Answer.YES))
    # Why wait: the driver's boxes show in a frame after the one marking "Yes"; a box looked
    # for before is not there, and the swipe down to find it lands after they show.
    driver_name = words(TODAY_CHECKLIST.question("driver_name").text_key)
    tab.wait_for(tab.shows(f"▊▔ {driver_name}"))
    tap_in_box(tab, driver_name, DRIVER_NAME)
    tap_in_number(tab, words(TODAY_CHECKLIST.question("driver_phone").text_key), DRIVER_PHONE)
    for question_id, answer in TODAY_ANSWERS.items():
        tab.tap_choice(question_start(TODAY_CHECKLIST.question(question_id)), answer_words(answer))
    pregnancy = words(PREGNANCY_ANSWER_KEYS[list(PregnancyAnswer).index(PREGNANCY_ANSWER)])
    tab.tap_choice(question_start(TODAY_CHECKLIST.question("may_be_pregnant")), pregnancy)
    go_on(tab, "I agree and sign")


def sign_consent(tab: KioskTab, answers: TouchAnswers, config: ClinicConfig) -> None:
    read_consent_to_end(tab)  # paging down (a consent that fits the screen is read at once)
    tick_statements(tab, config)
    tap_in_box(tab, "Your full legal name", answers.identity.legal_name.lower())
    tab.tap_button("I agree and sign", until=tab.shows("Check your answers"))


def check_in_by_touch(tab: KioskTab, answers: TouchAnswers, config: ClinicConfig) -> None:
    """From welcome to "Thank you!", by touch and the words the patient writes."""
    begin_checkin_by_touch(tab, answers)
    add_medication_and_allergy(tab, answers)
    answer_health_history(tab, answers)
    answer_migraine_history(tab, answers)
    answer_mood(tab, answers)
    answer_todays_checklist(tab, answers)
    sign_consent(tab, answers, config)
    submit(tab, answers.who, config)


def assert_touch_checkin_is(checkin: object, answers: TouchAnswers) -> None:
    """The sealed check-in holds exactly what was tapped and written."""
    assert isinstance(checkin, CheckIn)
    assert answers_of(checkin) == expected_touch_answers(answers.who)
    checklist = checkin.checklist
    assert (checklist.has_driver, checklist.driver_name, checklist.driver_phone) == (
        True,
        DRIVER_NAME,
        DRIVER_PHONE,
    )
    assert {
        "took_regular_medications": checklist.took_regular_medications,
        "alcohol_or_drugs_24h": checklist.alcohol_or_drugs_24h,
        "feeling_unwell": checklist.feeling_unwell,
    } == TODAY_ANSWERS
    assert checklist.may_be_pregnant is PREGNANCY_ANSWER
    food_ago = checkin.submitted_at - checklist.last_food_at
    liquid_ago = checkin.submitted_at - checklist.last_clear_liquid_at
    assert (
        timedelta(hours=HOURS_SINCE_FOOD)
        <= food_ago
        <= timedelta(hours=HOURS_SINCE_FOOD, minutes=10)
    )
    assert (
        timedelta(hours=HOURS_SINCE_LIQUID)
        <= liquid_ago
        <= timedelta(hours=HOURS_SINCE_LIQUID, minutes=10)
    )
    assert checkin.consent.accepted
    assert checkin.consent.typed_name == answers.identity.legal_name.lower()
