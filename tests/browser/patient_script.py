"""A patient's whole check-in on the tablet, and what the sealed record must then hold.

The script taps the big buttons and the consent statements, scrolls the consent with the finger
(mouse wheel), and types with the tablet's keyboard, using Enter and Tab to go from box to box
as the kiosk's screens allow. Shared by the browser tests and bench/browser_checkin.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from kiosk_tab import Effect, KioskTab
from rich.cells import cell_len

from kiosk.intake.config import ClinicConfig
from kiosk.intake.questions import HEALTH_HISTORY, MIGRAINE_HISTORY, PHQ9, TODAY_CHECKLIST, Question
from kiosk.intake.records import (
    Allergy,
    Answer,
    CheckIn,
    HealthHistory,
    HistoryAnswer,
    Identity,
    Medication,
    MedicationList,
    Midas,
    MigraineHistory,
    Phq9,
)
from kiosk.locale import translate
from kiosk.screens.medications import medication_row

#: Follow-up history questions stay hidden while their parent is answered No.
HIDDEN_FOLLOW_UPS = tuple(q.id for q in HEALTH_HISTORY.questions if q.follow_up_of is not None)
#: The health history questions a patient answering No to everything sees.
SHOWN_HISTORY = tuple(q.id for q in HEALTH_HISTORY.questions if q.id not in HIDDEN_FOLLOW_UPS)
#: How much of a question's words find it on screen, in cells (its first line is this long).
QUESTION_WORDS = 40
#: The MIDAS boxes on the migraine step, in order: their names' locale keys.
MIDAS_BOX_KEYS = (
    *(f"screens.migraine.names.midas_item{n}" for n in range(1, 6)),
    "screens.migraine.names.midas_headache_days_3_months",
    "screens.migraine.names.midas_average_pain",
)


@dataclass(frozen=True)
class TabletPatient:
    """What one patient types; each test patient has their own name so records cannot mix."""

    legal_name: str
    preferred_name: str
    date_of_birth: date
    phone: str
    medication: Medication
    allergy: Allergy

    def typed_date_of_birth(self) -> str:
        return self.date_of_birth.strftime("%m/%d/%Y")


def patient(number: int) -> TabletPatient:
    """Test patient `number`, distinct from every other in name, birthday and medication."""
    name = ("lamotrigine", "sumatriptan", "propranolol", "topiramate")[number % 4]
    return TabletPatient(
        legal_name=f"Tablet Patient {'ABCDEFGH'[number]}",
        preferred_name=f"Pat{'ABCDEFGH'[number]}",
        date_of_birth=date(1980 + number, 1 + number, 10 + number),
        phone=f"555-010-{2030 + number}",
        medication=Medication(
            name,
            f"{50 * (number + 1)} mg",
            "twice a day",
            read_as=(name,),  # each is a generic on the bundled list, read as itself
        ),
        allergy=Allergy("penicillin", "rash"),
    )


def words(key: str, language: str = "en") -> str:
    """What the screens show for a locale key, in English unless told."""
    return translate(key, language)


def starting_words(text: str, cells: int) -> str:
    """The words `text` starts with that fit in `cells` (a wide character takes two)."""
    if cell_len(text) <= cells:
        return text
    kept = ""
    for character in text:
        if cell_len(kept + character) > cells:
            break
        kept += character
    return kept.rsplit(" ", 1)[0] if " " in kept else kept


#: The MIDAS boxes' names in English (each box's label starts with its name).
MIDAS_BOXES = tuple(words(key) for key in MIDAS_BOX_KEYS)


def question_start(question: Question, language: str = "en") -> str:
    """The first words of a question as shown: enough to find it, within its first line."""
    return starting_words(words(question.text_key, language), QUESTION_WORDS)


def on_question(tab: KioskTab, question: Question) -> Effect:
    """The effect "the patient is on `question`": its list has the focus and marks it ▶."""
    return tab.shows(f"▶ {question_start(question)}")


def move_to_question(tab: KioskTab, key: str, question: Question) -> None:
    """Press the key that moves from a text box to a list of questions; wait until the list
    has the focus on `question` (the kiosk moves the focus after keys already on their way,
    so an answer pressed at once could land in the box)."""
    tab.press(key)
    tab.wait_for(on_question(tab, question))


def go_on(tab: KioskTab, next_title: str, language: str = "en") -> None:
    """Tap Next once the step has taken every answer (the reason Next is disabled is gone);
    wait until the next screen shows its title."""
    tab.wait_for_text_gone(words("screens.nav.why_disabled_untouched", language).split("{")[0])
    tab.tap_button(words("screens.nav.next", language), until=tab.shows(next_title))


def listed(item: Medication | Allergy, language: str = "en") -> str:
    """A medication or an allergy as its row in the list on screen."""
    if isinstance(item, Medication):
        return medication_row(item, words("screens.medications.as_needed_short", language))
    return " · ".join((item.substance, item.reaction))


def read_consent_to_end(tab: KioskTab, language: str = "en") -> None:
    """Scroll the consent until the kiosk no longer asks for it to be read to its end (then
    the statements can be ticked)."""
    tab.scroll_until(tab.no_longer_shows(words("screens.consent.read_to_end", language)))


def tick_statements(tab: KioskTab, config: ClinicConfig, language: str = "en") -> None:
    """Tap each consent statement's tick box (scrolling to it if needed; not the same words in
    the consent's text); wait until it shows ticked and wholly in view."""
    for acknowledgement in config.consent.acknowledgements:
        statement = starting_words(acknowledgement.text[language], 30)
        tab.tap(f"[ ] {statement}", until=tab.ticked(statement))


def type_in_boxes(tab: KioskTab, answers: tuple[tuple[str, str], ...]) -> None:
    """Type each answer in its box (label, answer), moving to the next box with Enter (not
    after the last one)."""
    for index, (label, answer) in enumerate(answers):
        if index:
            tab.next_field(label)
        tab.type(answer)


def begin_checkin(tab: KioskTab, who: TabletPatient) -> None:
    """From welcome, through "About you", to the medications screen (the first sealed draft)."""
    tab.wait_for_text("Check in")
    tab.tap_button("Check in", until=tab.shows("About you"))
    tab.wait_for(tab.cursor_in_box("Full legal name", ""))  # the step opens on its first box
    type_in_boxes(
        tab,
        (
            ("Full legal name", who.legal_name),
            ("Preferred name", who.preferred_name),
            ("Date of birth", who.typed_date_of_birth()),
            ("Phone number", who.phone),
            ("Emergency contact's name", "Sam Example"),
            ("Emergency contact's phone", "555-010-4050"),
        ),
    )
    go_on(tab, "Medications and allergies")


def add_medication_and_allergy(tab: KioskTab, who: TabletPatient, config: ClinicConfig) -> None:
    tab.wait_for(tab.cursor_in_box("Medication name", ""))  # the step opens on its first box
    medication, allergy = who.medication, who.allergy
    type_in_boxes(
        tab,
        (
            ("Medication name", medication.name),
            ("Dose", medication.dose),
            ("How often", medication.frequency),
        ),
    )
    tab.wait_for(tab.box_shows("How often", medication.frequency))
    tab.tap_button("Add medication", until=tab.shows(listed(medication)))
    tab.tap_field("Allergic to")
    type_in_boxes(tab, (("Allergic to", allergy.substance), ("What happens", allergy.reaction)))
    tab.wait_for(tab.box_shows("What happens", allergy.reaction))
    tab.tap_button("Add allergy", until=tab.shows(listed(allergy)))
    go_on(tab, "Your health history")


def answer_health_history(tab: KioskTab, who: TabletPatient, config: ClinicConfig) -> None:
    first = next(q for q in HEALTH_HISTORY.questions if q.id in SHOWN_HISTORY)
    tab.wait_for(on_question(tab, first))  # the step opens on its first question
    tab.press_each(["2"] * len(SHOWN_HISTORY))  # No to each
    go_on(tab, "Your migraine history")


def answer_migraine_history(tab: KioskTab, who: TabletPatient, config: ClinicConfig) -> None:
    tab.wait_for(tab.cursor_in_box("Headache days a month", ""))  # the step opens on it
    type_in_boxes(
        tab,
        (
            ("Headache days a month", "12"),
            ("Migraine days a month", "6"),
            ("Typical headache pain", "7"),
            ("Which preventive treatments", "topiramate"),
        ),
    )
    move_to_question(tab, "Enter", MIGRAINE_HISTORY.question("aura"))
    tab.press_each(["2", "2"])  # aura: no; earlier ketamine: no (and on to MIDAS, as Enter does)
    tab.wait_for(tab.cursor_in_box(MIDAS_BOXES[0], ""))  # the follow-up box stays hidden
    type_in_boxes(tab, tuple(zip(MIDAS_BOXES, ("3", "4", "5", "2", "1", "30", "6"), strict=True)))
    go_on(tab, "How you have been feeling")


def answer_mood(tab: KioskTab, who: TabletPatient, config: ClinicConfig) -> None:
    tab.wait_for(on_question(tab, PHQ9.questions[0]))  # the step opens on its first question
    tab.press_each(["1"] * 9)  # "Not at all" to every PHQ-9 item
    go_on(tab, "Last solid food")


def answer_todays_checklist(tab: KioskTab, who: TabletPatient, config: ClinicConfig) -> None:
    tab.wait_for(tab.cursor_in_box("Last solid food", ""))  # the step opens on its first box
    type_in_boxes(tab, (("Last solid food", "5"), ("Last clear liquid", "3")))  # hours ago
    move_to_question(tab, "Enter", TODAY_CHECKLIST.question("has_driver"))
    driver = (words(TODAY_CHECKLIST.question(q).text_key) for q in ("driver_name", "driver_phone"))
    driver_name, driver_phone = driver
    tab.press_each(["1"])  # yes: the driver's boxes show, and the cursor goes on into the first
    tab.wait_for(tab.cursor_in_box(driver_name, ""))
    type_in_boxes(tab, ((driver_name, "Sam Example"), (driver_phone, "555-010-4050")))
    move_to_question(tab, "Enter", TODAY_CHECKLIST.question("took_regular_medications"))
    tab.press_each(["1", "2", "2"])
    # On to pregnancy (asked on its own with "does not apply to me") after the last "2".
    tab.wait_for(on_question(tab, TODAY_CHECKLIST.question("may_be_pregnant")))
    tab.press_each(["2"])
    go_on(tab, "I agree and sign")


def sign_consent(tab: KioskTab, who: TabletPatient, config: ClinicConfig) -> None:
    tab.screenshot("consent")
    read_consent_to_end(tab)
    tick_statements(tab, config)
    tab.tap_field("Your full legal name")
    tab.type(who.legal_name.lower())
    tab.wait_for(tab.box_shows("Your full legal name", who.legal_name.lower()))
    tab.tap_button("I agree and sign", until=tab.shows("Check your answers"))


def submit(tab: KioskTab, who: TabletPatient, config: ClinicConfig) -> None:
    tab.tap_button("Submit", until=tab.shows("Thank you!"))


#: The screens after "About you", each step ending when the next screen shows.
REMAINING_STEPS: tuple[Callable[[KioskTab, TabletPatient, ClinicConfig], None], ...] = (
    add_medication_and_allergy,
    answer_health_history,
    answer_migraine_history,
    answer_mood,
    answer_todays_checklist,
    sign_consent,
    submit,
)


def finish_checkin(tab: KioskTab, who: TabletPatient, config: ClinicConfig) -> None:
    """From the medications screen to "Thank you!"; screenshots consent on the way."""
    for step in REMAINING_STEPS:
        step(tab, who, config)


def expected_answers(who: TabletPatient) -> dict[str, object]:
    """The parts of the sealed check-in that must equal what the patient entered."""
    return {
        "identity": Identity(
            who.legal_name,
            who.preferred_name,
            who.date_of_birth,
            who.phone,
            "Sam Example",
            "555-010-4050",
        ),
        "medications": MedicationList(
            no_medications=False,
            medications=(who.medication,),
            no_allergies=False,
            allergies=(who.allergy,),
        ),
        "history": HealthHistory(tuple(HistoryAnswer(topic, Answer.NO) for topic in SHOWN_HISTORY)),
        "migraine": MigraineHistory(
            12, 6, 7, Answer.NO, "topiramate", Answer.NO, "", Midas((3, 4, 5, 2, 1), 30, 6)
        ),
        "phq9": Phq9((0, 0, 0, 0, 0, 0, 0, 0, 0)),
    }


def answers_of(checkin: CheckIn) -> dict[str, object]:
    """The same parts, read from a sealed check-in."""
    return {
        "identity": checkin.identity,
        "medications": checkin.medications,
        "history": checkin.history,
        "migraine": checkin.migraine,
        "phq9": checkin.phq9,
    }
