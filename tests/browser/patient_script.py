"""A patient's whole check-in on the tablet, and what the sealed record must then hold.

The script taps the big buttons and the consent statements, scrolls the consent with the finger
(mouse wheel), and types with the tablet's keyboard, using Enter and Tab to go from box to box
as the kiosk's screens allow. Shared by the browser tests and bench/browser_checkin.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from kiosk_tab import KioskTab

from kiosk.intake.config import ClinicConfig
from kiosk.intake.questions import HEALTH_HISTORY
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

#: Follow-up history questions stay hidden while their parent is answered No.
HIDDEN_FOLLOW_UPS = tuple(q.id for q in HEALTH_HISTORY.questions if q.follow_up_of is not None)
#: The health history questions a patient answering No to everything sees.
SHOWN_HISTORY = tuple(q.id for q in HEALTH_HISTORY.questions if q.id not in HIDDEN_FOLLOW_UPS)


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


def go_on(tab: KioskTab) -> None:
    """Tap Next once the step has taken every answer (the reason Next is disabled is gone)."""
    tab.wait_for_text_gone("To go on:")
    tab.tap_button("Next")


def type_in_boxes(tab: KioskTab, answers: tuple[str, ...]) -> None:
    """Type each answer and move to the next text box with Enter (not after the last one)."""
    for index, answer in enumerate(answers):
        if index:
            tab.next_field()
        tab.type(answer)


def begin_checkin(tab: KioskTab, who: TabletPatient) -> None:
    """From welcome, through "About you", to the medications screen (the first sealed draft)."""
    tab.wait_for_text("Check in")
    tab.tap_button("Check in")
    tab.wait_for_text("About you")
    tab.settle()  # the first box has the focus when the screen shows
    type_in_boxes(
        tab,
        (
            who.legal_name,
            who.preferred_name,
            who.typed_date_of_birth(),
            who.phone,
            "Sam Example",
            "555-010-4050",
        ),
    )
    go_on(tab)
    tab.wait_for_text("Medications and allergies")


def add_medication_and_allergy(tab: KioskTab, who: TabletPatient, config: ClinicConfig) -> None:
    tab.settle()  # the medication name has the focus when the screen shows
    medication = who.medication
    type_in_boxes(tab, (medication.name, medication.dose, medication.frequency))
    tab.tap_button("Add medication")
    tab.tap_field("Allergic to")
    type_in_boxes(tab, (who.allergy.substance, who.allergy.reaction))
    tab.tap_button("Add allergy")
    go_on(tab)
    tab.wait_for_text("Your health history")


def answer_health_history(tab: KioskTab, who: TabletPatient, config: ClinicConfig) -> None:
    tab.press_each(["2"] * len(SHOWN_HISTORY))  # No to each
    go_on(tab)
    tab.wait_for_text("Your migraine history")


def answer_migraine_history(tab: KioskTab, who: TabletPatient, config: ClinicConfig) -> None:
    type_in_boxes(tab, ("12", "6", "7", "topiramate"))
    tab.press("Enter")  # on to the yes / no questions
    tab.press_each(["2", "2"])  # aura: no; earlier ketamine: no
    tab.next_field("Tab")  # on to MIDAS (the follow-up box stays hidden)
    type_in_boxes(tab, ("3", "4", "5", "2", "1", "30", "6"))
    go_on(tab)
    tab.wait_for_text("How you have been feeling")


def answer_mood(tab: KioskTab, who: TabletPatient, config: ClinicConfig) -> None:
    tab.press_each(["1"] * 9)  # "Not at all" to every PHQ-9 item
    go_on(tab)
    tab.wait_for_text("Last solid food")


def answer_todays_checklist(tab: KioskTab, who: TabletPatient, config: ClinicConfig) -> None:
    type_in_boxes(tab, ("5", "3"))  # hours ago
    tab.press("Enter")  # on to "a driver?"
    tab.press_each(["1"])  # yes
    tab.next_field("Tab")  # on to the driver's name, which "yes" has shown
    type_in_boxes(tab, ("Sam Example", "555-010-4050"))
    tab.press("Enter")  # on to the last questions
    tab.press_each(["1", "2", "2"])
    tab.next_field("Tab")  # on to pregnancy, asked on its own with "does not apply to me"
    tab.press_each(["2"])
    go_on(tab)
    tab.wait_for_text("I agree and sign")


def sign_consent(tab: KioskTab, who: TabletPatient, config: ClinicConfig) -> None:
    tab.screenshot("consent")
    tab.scroll_to_end()
    for acknowledgement in config.consent.acknowledgements:
        tab.tap(acknowledgement.text["en"][:30])
    tab.tap_field("Your full legal name")
    tab.type(who.legal_name.lower())
    tab.tap_button("I agree and sign")
    tab.wait_for_text("Check your answers")


def submit(tab: KioskTab, who: TabletPatient, config: ClinicConfig) -> None:
    tab.tap_button("Submit")
    tab.wait_for_text("Thank you!")


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
