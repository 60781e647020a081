"""A patient's whole check-in by touch alone, and what the sealed record must then hold.

The same patient and answers as patient_script.py (or a patient of the test's own, in the
language the patient chose on welcome), entered the way a tablet without a keyboard allows:
every button, choice and box is tapped, every date and number goes in through the kiosk's
on-screen keypad, a long form is moved by tapping its scrollbar. The tablet's own keyboard is
used only for what a patient must write in words (names, medication and allergy words, the
preventives tried, the signature).

Phone numbers go in through the keypad too, which has digits but no "-": they are entered (and
so stored) as bare digits.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta

from kiosk_tab import Effect, KioskTab
from patient_script import (
    HIDDEN_FOLLOW_UPS,
    MIDAS_BOX_KEYS,
    TabletPatient,
    answers_of,
    expected_answers,
    go_on,
    listed,
    patient,
    question_start,
    read_consent_to_end,
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
    """Everything the touch patient enters, in their language: the sealed check-in's parts
    (as patient_script's `answers_of` reads them) and the driver's name."""

    who: TabletPatient
    language: str
    record: dict[str, object]
    driver_name: str

    @property
    def identity(self) -> Identity:
        identity = self.record["identity"]
        assert isinstance(identity, Identity)
        return identity

    @property
    def migraine(self) -> MigraineHistory:
        migraine = self.record["migraine"]
        assert isinstance(migraine, MigraineHistory)
        return migraine

    @property
    def phq9(self) -> Phq9:
        phq9 = self.record["phq9"]
        assert isinstance(phq9, Phq9)
        return phq9

    def say(self, key: str) -> str:
        """What the screens show for a locale key, in the patient's language."""
        return words(key, self.language)

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
                self.driver_name,
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


def touch_answers(
    who: TabletPatient,
    language: str = "en",
    contact: str | None = None,
    preventives: str | None = None,
    driver: str = DRIVER_NAME,
) -> TouchAnswers:
    """patient_script's answers for `who`, with the emergency contact's phone as tapped; a
    patient writing in another language names their own contact and preventives."""
    record = expected_answers(who)
    identity, migraine = record["identity"], record["migraine"]
    assert isinstance(identity, Identity)
    assert isinstance(migraine, MigraineHistory)
    identity = replace(
        identity,
        emergency_contact_name=contact or identity.emergency_contact_name,
        emergency_contact_phone=keypad_form(identity.emergency_contact_phone),
    )
    migraine = replace(migraine, preventives_tried=preventives or migraine.preventives_tried)
    record = record | {"identity": identity, "migraine": migraine}
    return TouchAnswers(who, language, record, driver)


def answer_words(answers: TouchAnswers, answer: Answer) -> str:
    return answers.say(ANSWER_KEYS[list(Answer).index(answer)])


def tap_in_box(tab: KioskTab, label: str, typed: str) -> None:
    """Tap the box, write `typed` on the tablet's keyboard; wait until the box shows it."""
    tab.tap_box(label)
    tab.type(typed)
    tab.wait_for(tab.box_shows(label, typed))


def tap_in_number(tab: KioskTab, label: str, number: object) -> None:
    """Tap the box, then `number` on the keypad; wait until the box shows it."""
    tab.tap_box(label)
    tab.tap_keypad(str(number), label)  # (each key waits until the box shows it)


def no_suggestions_shown(tab: KioskTab, answers: TouchAnswers, name: str) -> Effect:
    """The effect "the step offers no drug names for `name`": the Dose box's label right
    under the name box's bottom border, the box's three rows below its label. Why wait: the
    names offered while the name was typed go when it is whole, in a frame after the one
    showing it, and move the boxes below up (a tap located before would land on the box
    below). Why count rows: an offered name is a button whose bottom border is drawn like the
    name box's, so "a bottom border above Dose" would be seen with a name still offered."""
    offered = suggest(name, SUGGESTIONS, answers.language)
    assert [n for n in offered if n.casefold() != name.casefold()] == [], f"{name} offers names"
    name_box = re.compile(rf"▊▔ {re.escape(answers.say('screens.medications.name'))}")
    dose = re.compile(rf"▊▔ {re.escape(answers.say('screens.medications.dose'))}")

    def seen() -> bool:
        lines = tab.screen.lines()
        name_rows = [row for row, line in enumerate(lines) if name_box.search(line)]
        dose_rows = [row for row, line in enumerate(lines) if dose.search(line)]
        return len(name_rows) == 1 and dose_rows == [name_rows[0] + 3]

    return Effect(f"no drug names offered for {name!r}", seen)


def times_read(tab: KioskTab, answers: TouchAnswers, count: int) -> Effect:
    """The effect "`count` times typed are read back" ("We read this as: ..." under each box).
    Why wait: the reading shows in a frame after the box shows the digits, and moves the boxes
    below it down (a tap located before would land above the box it meant)."""
    reading = answers.say("screens.checklist.read_as").split("{", 1)[0]
    return Effect(f"{count} times read back", lambda: tab.screen.text().count(reading) == count)


def fill_about_you(tab: KioskTab, answers: TouchAnswers, config: ClinicConfig) -> None:
    identity, say = answers.identity, answers.say
    tap_in_box(tab, say("screens.identity.legal_name"), identity.legal_name)
    tap_in_box(tab, say("screens.identity.preferred_name"), identity.preferred_name)
    tap_in_number(tab, say("screens.identity.date_of_birth"), answers.who.typed_date_of_birth())
    tap_in_number(tab, say("screens.identity.phone"), identity.phone)
    tap_in_box(tab, say("screens.identity.emergency_contact_name"), identity.emergency_contact_name)
    tap_in_number(
        tab, say("screens.identity.emergency_contact_phone"), identity.emergency_contact_phone
    )
    go_on(tab, say("screens.medications.title"), answers.language)


def add_medication(tab: KioskTab, answers: TouchAnswers) -> None:
    """Write the medication in its boxes and tap "Add medication"; wait until it is listed."""
    medication, say = answers.who.medication, answers.say
    tap_in_box(tab, say("screens.medications.name"), medication.name)
    tab.wait_for(no_suggestions_shown(tab, answers, medication.name))
    tap_in_box(tab, say("screens.medications.dose"), medication.dose)
    tap_in_box(tab, say("screens.medications.frequency"), medication.frequency)
    tab.tap_button(
        say("screens.medications.add"), until=tab.shows(listed(medication, answers.language))
    )


def add_medication_and_allergy(tab: KioskTab, answers: TouchAnswers, config: ClinicConfig) -> None:
    allergy, say = answers.who.allergy, answers.say
    add_medication(tab, answers)
    tap_in_box(tab, say("screens.medications.allergy_substance"), allergy.substance)
    tap_in_box(tab, say("screens.medications.allergy_reaction"), allergy.reaction)
    tab.tap_button(say("screens.medications.add_allergy"), until=tab.shows(listed(allergy)))
    go_on(tab, say(HEALTH_HISTORY.title_key), answers.language)


def answer_health_history(tab: KioskTab, answers: TouchAnswers, config: ClinicConfig) -> None:
    for question in HEALTH_HISTORY.questions:
        if question.id not in HIDDEN_FOLLOW_UPS:
            tab.tap_choice(
                question_start(question, answers.language), answer_words(answers, Answer.NO)
            )
    go_on(tab, answers.say(MIGRAINE_HISTORY.title_key), answers.language)


def answer_migraine_history(tab: KioskTab, answers: TouchAnswers, config: ClinicConfig) -> None:
    migraine, say = answers.migraine, answers.say
    midas = migraine.midas
    tap_in_number(
        tab, say("screens.migraine.names.headache_days_per_month"), migraine.headache_days_per_month
    )
    tap_in_number(
        tab, say("screens.migraine.names.migraine_days_per_month"), migraine.migraine_days_per_month
    )
    tap_in_number(tab, say("screens.migraine.names.typical_pain"), migraine.typical_pain)
    # Its label is the whole question, cut short ("…") where the box is narrower (larger text).
    preventives = question_start(MIGRAINE_HISTORY.question("preventives_tried"), answers.language)
    tap_in_box(tab, preventives, migraine.preventives_tried)
    for question_id, answer in (
        ("aura", migraine.aura),
        ("earlier_ketamine", migraine.earlier_ketamine),
    ):
        tab.tap_choice(
            question_start(MIGRAINE_HISTORY.question(question_id), answers.language),
            answer_words(answers, answer),
        )
    for key, days in zip(
        MIDAS_BOX_KEYS,
        (*midas.items, midas.headache_days_3_months, midas.average_pain),
        strict=True,
    ):
        tap_in_number(tab, say(key), days)
    go_on(tab, say(PHQ9.title_key), answers.language)


def answer_mood(tab: KioskTab, answers: TouchAnswers, config: ClinicConfig) -> None:
    for question, score in zip(PHQ9.questions, answers.phq9.items, strict=True):
        tab.tap_choice(
            question_start(question, answers.language), answers.say(PHQ9.option_keys[score])
        )
    go_on(tab, answers.say("screens.checklist.last_food_label"), answers.language)


def answer_todays_checklist(tab: KioskTab, answers: TouchAnswers, config: ClinicConfig) -> None:
    say, language = answers.say, answers.language

    def question(question_id: str) -> str:
        return question_start(TODAY_CHECKLIST.question(question_id), language)

    tap_in_number(tab, say("screens.checklist.last_food_label"), HOURS_SINCE_FOOD)
    tab.wait_for(times_read(tab, answers, 1))
    tap_in_number(tab, say("screens.checklist.last_clear_liquid_label"), HOURS_SINCE_LIQUID)
    tab.wait_for(times_read(tab, answers, 2))
    tab.tap_choice(question("has_driver"), answer_words(answers, Answer.YES))
    # Why wait: the driver's boxes show in a frame after the one marking "Yes"; a box looked
    # for before is not there, and the swipe down to find it lands after they show.
    driver_name = say(TODAY_CHECKLIST.question("driver_name").text_key)
    tab.wait_for(tab.shows(f"▊▔ {driver_name}"))
    tap_in_box(tab, driver_name, answers.driver_name)
    tap_in_number(tab, say(TODAY_CHECKLIST.question("driver_phone").text_key), DRIVER_PHONE)
    for question_id, answer in TODAY_ANSWERS.items():
        tab.tap_choice(question(question_id), answer_words(answers, answer))
    pregnancy = say(PREGNANCY_ANSWER_KEYS[list(PregnancyAnswer).index(PREGNANCY_ANSWER)])
    tab.tap_choice(question("may_be_pregnant"), pregnancy)
    go_on(tab, say("screens.consent.agree"), language)


def sign_consent(tab: KioskTab, answers: TouchAnswers, config: ClinicConfig) -> None:
    say = answers.say
    read_consent_to_end(tab, answers.language)  # paging down (a consent that fits is read)
    tick_statements(tab, config, answers.language)
    tap_in_box(tab, say("screens.consent.signature"), answers.identity.legal_name.lower())
    tab.tap_button(say("screens.consent.agree"), until=tab.shows(say("screens.review.title")))


def submit_by_touch(tab: KioskTab, answers: TouchAnswers, config: ClinicConfig) -> None:
    say = answers.say
    tab.tap_button(say("screens.review.submit"), until=tab.shows(say("screens.done.thanks_title")))


#: The check-in's steps by touch, from "About you" on, each ending when the next screen shows.
TOUCH_STEPS: tuple[Callable[[KioskTab, TouchAnswers, ClinicConfig], None], ...] = (
    fill_about_you,
    add_medication_and_allergy,
    answer_health_history,
    answer_migraine_history,
    answer_mood,
    answer_todays_checklist,
    sign_consent,
    submit_by_touch,
)


def start_checkin_by_touch(tab: KioskTab, answers: TouchAnswers) -> None:
    """On welcome (in the patient's language), tap Check in; wait for "About you"."""
    check_in = answers.say("screens.welcome.check_in")
    tab.wait_for_text(check_in)
    tab.tap_button(check_in, until=tab.shows(answers.say("screens.identity.title")))


def check_in_by_touch(tab: KioskTab, answers: TouchAnswers, config: ClinicConfig) -> None:
    """From welcome to "Thank you!", by touch and the words the patient writes."""
    start_checkin_by_touch(tab, answers)
    for step in TOUCH_STEPS:
        step(tab, answers, config)


def assert_touch_checkin_is(checkin: object, answers: TouchAnswers) -> None:
    """The sealed check-in holds exactly what was tapped and written."""
    assert isinstance(checkin, CheckIn)
    assert answers_of(checkin) == answers.record
    checklist = checkin.checklist
    assert (checklist.has_driver, checklist.driver_name, checklist.driver_phone) == (
        True,
        answers.driver_name,
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
