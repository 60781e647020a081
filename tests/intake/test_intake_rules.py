"""The screening rules, row by row of CLINICAL.md: what the nurse sees for each answer."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kiosk.intake.config import default_config, load_config_text
from kiosk.intake.drugs import class_aliases
from kiosk.intake.questions import CONTROLLED_CONDITIONS, HISTORY_TOPICS, RETIRED_HISTORY_TOPICS
from kiosk.intake.records import (
    Allergy,
    Answer,
    Flag,
    HealthHistory,
    HistoryAnswer,
    Medication,
    Phq9,
    PregnancyAnswer,
    PregnancyTest,
    Severity,
)
from kiosk.intake.rules import highest_severity, screen_checkin, screen_draft, screen_vitals
from tests.examples import (
    EXAMPLE_SUBMITTED_AT,
    example_checkin,
    example_checklist,
    example_draft,
    example_history,
    example_medications,
    example_vitals,
)

CONFIG = default_config()
STOP, CAUTION, INFO = Severity.STOP, Severity.CAUTION, Severity.INFO


def flags_for_medication(name: str) -> tuple[Flag, ...]:
    meds = example_medications(medications=(Medication(name, "", ""),))
    return screen_checkin(example_checkin(medications=meds), CONFIG)


def codes(flags: tuple[Flag, ...]) -> dict[str, Severity]:
    return {flag.code: flag.severity for flag in flags}


def test_a_check_in_with_nothing_of_concern_raises_no_flag() -> None:
    assert screen_checkin(example_checkin(), CONFIG) == ()
    assert screen_vitals(example_vitals(), CONFIG) == ()
    assert highest_severity(()) is None


#: The questions screened one by one, under `history.<topic>`.
HISTORY_DEFAULTS = {
    "heart_disease": STOP,
    "stroke": STOP,
    "head_injury": STOP,
    "glaucoma": CAUTION,
    "liver_disease": CAUTION,
    "liver_disease_severe": STOP,
    "psychosis": STOP,
    "bipolar": CAUTION,
    "bipolar_mania": STOP,
    "substance_use": STOP,
    "ketamine_reaction": STOP,
    "seizures": CAUTION,
    "sleep_apnoea": CAUTION,
    "porphyria": CAUTION,
}
ONE_LOWER = {STOP: CAUTION, CAUTION: INFO, INFO: INFO}


#: The conditions asked in two steps: "do you have it?", then "is it controlled?".
CONTROLLED_DEFAULTS = {"high_blood_pressure": STOP, "overactive_thyroid": CAUTION}
CONTROLLED_CODES = {
    "high_blood_pressure": "history.uncontrolled_hypertension",
    "overactive_thyroid": "history.thyroid_overactive",
}


def test_every_health_history_topic_of_clinical_md_has_a_rule() -> None:
    two_step = {c.question_id for c in CONTROLLED_CONDITIONS}
    follow_ups = {c.controlled_id for c in CONTROLLED_CONDITIONS}
    assert two_step == set(CONTROLLED_DEFAULTS)
    assert set(HISTORY_DEFAULTS) | two_step | follow_ups == set(HISTORY_TOPICS)
    assert "pregnancy" not in HISTORY_TOPICS  # asked once, in today's checklist


CONTROL_ANSWERS = [
    # (has it, is it controlled, the flag: None, "full" severity or "lower")
    (Answer.YES, Answer.NO, "full"),
    (Answer.YES, Answer.NOT_SURE, "lower"),
    (Answer.NOT_SURE, Answer.NO, "lower"),
    (Answer.NOT_SURE, Answer.NOT_SURE, "lower"),
    (Answer.YES, Answer.YES, None),
    (Answer.NOT_SURE, Answer.YES, None),
    (Answer.NO, Answer.NO, None),
]


@pytest.mark.parametrize("topic", sorted(CONTROLLED_DEFAULTS))
@pytest.mark.parametrize(("has", "controlled", "expected"), CONTROL_ANSWERS)
def test_only_a_condition_that_is_not_controlled_is_flagged(
    topic: str, has: Answer, controlled: Answer, expected: str | None
) -> None:
    """A patient whose blood pressure is treated and controlled has an honest answer, and no
    flag; one whose pressure is not controlled still gets the STOP the old question raised."""
    history = example_history(**{topic: has, f"{topic}_controlled": controlled})
    flags = screen_checkin(example_checkin(history=history), CONFIG)
    if expected is None:
        assert flags == ()
        return
    base = CONTROLLED_DEFAULTS[topic]
    severity = base if expected == "full" else ONE_LOWER[base]
    assert codes(flags) == {CONTROLLED_CODES[topic]: severity}
    assert "controlled: " in flags[0].answer


@pytest.mark.parametrize(
    ("topic", "severity"),
    [("uncontrolled_hypertension", STOP), ("thyroid_overactive", CAUTION), ("pregnancy", STOP)],
)
def test_an_older_check_in_still_flags_the_questions_it_was_asked(
    topic: str, severity: Severity
) -> None:
    assert topic in RETIRED_HISTORY_TOPICS
    history = HealthHistory((HistoryAnswer(topic, Answer.YES),))
    assert codes(screen_checkin(example_checkin(history=history), CONFIG)) == {
        f"history.{topic}": severity
    }
    history = HealthHistory((HistoryAnswer(topic, Answer.NOT_SURE),))
    assert codes(screen_checkin(example_checkin(history=history), CONFIG)) == {
        f"history.{topic}": ONE_LOWER[severity]
    }


@pytest.mark.parametrize("topic", sorted(HISTORY_DEFAULTS))
def test_a_yes_to_a_health_history_question_flags_at_its_default_severity(topic: str) -> None:
    checkin = example_checkin(history=example_history(**{topic: Answer.YES}))
    (flag,) = screen_checkin(checkin, CONFIG)
    assert flag.code == f"history.{topic}"
    assert flag.severity is HISTORY_DEFAULTS[topic]
    assert flag.answer == "yes"
    assert flag.reason


@pytest.mark.parametrize("topic", sorted(HISTORY_DEFAULTS))
def test_not_sure_flags_one_level_lower(topic: str) -> None:
    checkin = example_checkin(history=example_history(**{topic: Answer.NOT_SURE}))
    (flag,) = screen_checkin(checkin, CONFIG)
    assert flag.severity is ONE_LOWER[HISTORY_DEFAULTS[topic]]
    assert flag.answer == "not sure"


def test_the_nurse_sees_the_detail_the_patient_typed_beside_yes() -> None:
    history = HealthHistory((HistoryAnswer("seizures", Answer.YES, "one in 2019"),))
    (flag,) = screen_checkin(example_checkin(history=history), CONFIG)
    assert flag.answer == "yes: one in 2019"


MEDICATIONS = [
    # (what the patient typed, the flag code, its default severity)
    ("lorazepam", "med.benzodiazepines", CAUTION),
    ("Klonopin 0.5 mg", "med.benzodiazepines", CAUTION),
    ("alprazolam", "med.benzodiazepines", CAUTION),
    ("Valium", "med.benzodiazepines", CAUTION),
    ("my benzo at night", "med.benzodiazepines", CAUTION),
    ("lamotrigine", "med.lamotrigine", CAUTION),
    ("Lamictal 100mg twice daily", "med.lamotrigine", CAUTION),
    ("lamotrigene", "med.lamotrigine", CAUTION),
    ("LAMICTAL XR", "med.lamotrigine", CAUTION),
    ("phenelzine", "med.mao_inhibitors", CAUTION),
    ("Parnate", "med.mao_inhibitors", CAUTION),
    ("selegiline patch", "med.mao_inhibitors", CAUTION),
    ("Adderall XR 20mg", "med.stimulants", CAUTION),
    ("methylphenidate", "med.stimulants", CAUTION),
    ("modafinil", "med.stimulants", CAUTION),
    ("Nuvigil", "med.stimulants", CAUTION),
    ("theophylline", "med.theophyllines", STOP),
    ("aminophylline", "med.theophyllines", STOP),
    ("Synthroid 75 mcg", "med.thyroid_hormones", CAUTION),
    ("liothyronine", "med.thyroid_hormones", CAUTION),
    ("oxycodone", "med.opioids", CAUTION),
    ("Norco 5/325", "med.opioids", CAUTION),
    ("Fioricet", "med.barbiturates", CAUTION),
    ("butalbital", "med.barbiturates", CAUTION),
    ("Benadryl for sleep", "med.sedating_antihistamines", CAUTION),
    ("hydroxyzine", "med.sedating_antihistamines", CAUTION),
    ("cyclobenzaprine", "med.muscle_relaxants", CAUTION),
    ("Flexeril", "med.muscle_relaxants", CAUTION),
    ("propranolol 40mg", "med.antihypertensives", INFO),
    ("Toprol XL", "med.antihypertensives", INFO),
    ("a beta blocker", "med.antihypertensives", INFO),
    ("lisinopril", "med.antihypertensives", INFO),
    ("memantine", "med.nmda_antagonists", CAUTION),
    ("amantadine", "med.nmda_antagonists", CAUTION),
    ("dextromethorphan cough syrup", "med.nmda_antagonists", CAUTION),
    ("clarithromycin", "med.cyp3a4_inhibitors", INFO),
    ("St. John's Wort", "med.cyp3a4_inducers", INFO),
    ("rifampin", "med.cyp3a4_inducers", INFO),
    ("sumatriptan", "med.triptans", INFO),
    ("Maxalt MLT", "med.triptans", INFO),
    ("sumatriptin", "med.triptans", INFO),
    ("DHE nasal spray", "med.ergots", INFO),
    ("dihydroergotamine", "med.ergots", INFO),
    ("Aimovig monthly injection", "med.erenumab", INFO),
    ("erenumab", "med.erenumab", INFO),
]


@pytest.mark.parametrize(("typed", "code", "severity"), MEDICATIONS)
def test_a_listed_drug_raises_its_flag_with_the_reason(
    typed: str, code: str, severity: Severity
) -> None:
    found = codes(flags_for_medication(typed))
    assert found.get(code) is severity, found
    flag = next(f for f in flags_for_medication(typed) if f.code == code)
    assert flag.answer == typed
    assert flag.reason.startswith(CONFIG.rule(code).reason)
    assert " read as " in flag.reason


def test_a_misspelt_name_tells_the_nurse_how_it_was_read() -> None:
    (flag,) = flags_for_medication("lamotrigene")
    assert flag.reason.endswith(" 'lamotrigene' read as lamotrigine.")


def test_the_reason_names_the_typed_words_and_the_drug_they_were_read_as() -> None:
    (flag,) = flags_for_medication("Rivotril 2 mg")
    assert flag.reason == (
        f"{CONFIG.rule('med.benzodiazepines').reason} 'Rivotril' read as Rivotril (clonazepam)."
    )


def test_both_parts_of_a_combination_raise_their_flags_with_the_product_named() -> None:
    found = {flag.code: flag for flag in flags_for_medication("Fioricet with codeine")}
    assert set(found) == {"med.barbiturates", "med.opioids"}
    for flag in found.values():
        assert "'Fioricet with codeine' read as Fioricet with Codeine (" in flag.reason


def test_ketamine_from_elsewhere_gets_its_own_flag_not_the_nmda_one() -> None:
    for typed in ("ketamine troches", "Spravato 84 mg", "ketamina nasal"):
        (flag,) = flags_for_medication(typed)
        assert (flag.code, flag.severity) == ("med.ketamine", CAUTION)
        assert "who prescribes it" in flag.reason


def test_a_cyp3a4_reason_says_which_way_ketamine_levels_move() -> None:
    (inhibitor,) = flags_for_medication("clarithromycin")
    (inducer,) = flags_for_medication("rifampicina")
    assert "raises and prolongs ketamine levels" in inhibitor.reason
    assert "lowers ketamine levels" in inducer.reason


def test_a_not_sure_answer_reads_as_uncertain_not_as_a_statement() -> None:
    history = example_history(liver_disease_severe=Answer.NOT_SURE)
    (flag,) = screen_checkin(example_checkin(history=history), CONFIG)
    assert flag.reason == "May have severe liver disease (answered: not sure)."
    assert flag.answer == "not sure"


@pytest.mark.parametrize("frequency", ["as needed", "PRN", "según necesidad", "cuando lo necesito"])
def test_as_needed_typed_and_ticked_is_printed_once(frequency: str) -> None:
    med = Medication("Xanax", "0.5 mg", frequency, as_needed=True)
    checkin = example_checkin(medications=example_medications(medications=(med,)))
    (flag,) = screen_checkin(checkin, CONFIG)
    assert flag.answer == f"Xanax 0.5 mg {frequency}"


@pytest.mark.parametrize(
    "typed", ["ibuprofen", "Tylenol", "Nurtec", "vitamin D", "topiramate", "daily", "tablet"]
)
def test_medicines_without_a_rule_raise_nothing(typed: str) -> None:
    assert flags_for_medication(typed) == ()


def test_the_answer_names_dose_frequency_and_last_dose() -> None:
    last = EXAMPLE_SUBMITTED_AT - timedelta(hours=5)
    med = Medication("Xanax", "0.5 mg", "twice a day", as_needed=True, last_dose_at=last)
    checkin = example_checkin(medications=example_medications(medications=(med,)))
    (flag,) = screen_checkin(checkin, CONFIG)
    # 09:30 UTC-4 (New York, daylight saving from 9 March 2025) is 05:30 local.
    assert flag.answer == "Xanax 0.5 mg twice a day, as needed, last dose 2025-03-14 05:30"


def test_a_ketamine_allergy_is_a_stop_flag() -> None:
    meds = example_medications(allergies=(Allergy("Ketamine", "hallucinations"),))
    (flag,) = screen_checkin(example_checkin(medications=meds), CONFIG)
    assert (flag.code, flag.severity, flag.answer) == (
        "allergy.ketamine",
        STOP,
        "Ketamine: hallucinations",
    )


def test_food_less_than_4_hours_before_submitting_is_a_caution() -> None:
    just_under = example_checklist(last_food_at=EXAMPLE_SUBMITTED_AT - timedelta(hours=3.9))
    exactly = example_checklist(last_food_at=EXAMPLE_SUBMITTED_AT - timedelta(hours=4))
    assert codes(screen_checkin(example_checkin(checklist=just_under), CONFIG)) == {
        "checklist.last_food": CAUTION
    }
    assert screen_checkin(example_checkin(checklist=exactly), CONFIG) == ()


def test_clear_liquid_less_than_2_hours_before_submitting_is_a_caution() -> None:
    under = example_checklist(last_clear_liquid_at=EXAMPLE_SUBMITTED_AT - timedelta(hours=1))
    exactly = example_checklist(last_clear_liquid_at=EXAMPLE_SUBMITTED_AT - timedelta(hours=2))
    (flag,) = screen_checkin(example_checkin(checklist=under), CONFIG)
    assert (flag.code, flag.severity) == ("checklist.last_clear_liquid", CAUTION)
    assert "1.0 h before check-in" in flag.answer
    assert screen_checkin(example_checkin(checklist=exactly), CONFIG) == ()


CHECKLIST_ANSWERS = [
    ("took_regular_medications", Answer.NO, "checklist.regular_medications", INFO),
    ("took_regular_medications", Answer.NOT_SURE, "checklist.regular_medications", INFO),
    ("alcohol_or_drugs_24h", Answer.YES, "checklist.alcohol_or_drugs", CAUTION),
    ("alcohol_or_drugs_24h", Answer.NOT_SURE, "checklist.alcohol_or_drugs", INFO),
    ("feeling_unwell", Answer.YES, "checklist.unwell", CAUTION),
    ("feeling_unwell", Answer.NOT_SURE, "checklist.unwell", INFO),
    ("may_be_pregnant", PregnancyAnswer.YES, "checklist.may_be_pregnant", STOP),
    ("may_be_pregnant", PregnancyAnswer.NOT_SURE, "checklist.may_be_pregnant", CAUTION),
]


@pytest.mark.parametrize("answer", [PregnancyAnswer.NO, PregnancyAnswer.NOT_APPLICABLE])
def test_no_or_does_not_apply_to_the_pregnancy_question_raises_nothing(
    answer: PregnancyAnswer,
) -> None:
    checklist = example_checklist(may_be_pregnant=answer)
    assert screen_checkin(example_checkin(checklist=checklist), CONFIG) == ()


@pytest.mark.parametrize(("item", "answer", "code", "severity"), CHECKLIST_ANSWERS)
def test_each_checklist_answer_flags_as_clinical_md_says(
    item: str, answer: Answer | PregnancyAnswer, code: str, severity: Severity
) -> None:
    checklist = example_checklist(**{item: answer})
    assert codes(screen_checkin(example_checkin(checklist=checklist), CONFIG)) == {code: severity}


def test_no_driver_is_a_stop() -> None:
    checklist = example_checklist(has_driver=False, driver_name="", driver_phone="")
    (flag,) = screen_checkin(example_checkin(checklist=checklist), CONFIG)
    assert (flag.code, flag.severity, flag.answer) == ("checklist.no_driver", STOP, "no")


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_any_thought_of_self_harm_is_an_urgent_stop_shown_first(item9: int) -> None:
    checkin = example_checkin(
        phq9=Phq9((0, 0, 0, 0, 0, 0, 0, 0, item9)),
        checklist=example_checklist(has_driver=False),
        history=example_history(heart_disease=Answer.YES),
    )
    first, *rest = screen_checkin(checkin, CONFIG)
    assert (first.code, first.severity, first.urgent) == ("phq9.item9", STOP, True)
    assert not any(flag.urgent for flag in rest)
    assert f"item 9: {item9}" in first.answer


def test_the_self_harm_flag_is_raised_from_a_draft_as_soon_as_the_mood_section_exists() -> None:
    assert screen_draft(example_draft(), CONFIG) == ()
    (flag,) = screen_draft(example_draft(phq9=Phq9((0,) * 8 + (1,))), CONFIG)
    assert flag.urgent and flag.code == "phq9.item9"


def test_a_draft_flags_the_sections_done_so_far_but_not_fasting_times() -> None:
    history = example_history(stroke=Answer.YES)
    checklist = example_checklist(last_food_at=EXAMPLE_SUBMITTED_AT, has_driver=False)
    found = codes(screen_draft(example_draft(history=history, checklist=checklist), CONFIG))
    assert found == {"history.stroke": STOP, "checklist.no_driver": STOP}


VITALS_BOUNDARIES = [
    # (field, value that does not flag, value that does, code, severity)
    ("systolic_mmhg", 159, 160, "vitals.systolic", CAUTION),
    ("systolic_mmhg", 179, 180, "vitals.systolic", STOP),
    ("diastolic_mmhg", 99, 100, "vitals.diastolic", CAUTION),
    ("diastolic_mmhg", 109, 110, "vitals.diastolic", STOP),
    ("heart_rate_per_min", 50, 49, "vitals.heart_rate", CAUTION),
    ("heart_rate_per_min", 120, 121, "vitals.heart_rate", CAUTION),
    ("spo2_percent", 94, 93, "vitals.spo2", CAUTION),
    ("spo2_percent", 90, 89, "vitals.spo2", STOP),
    ("temperature_c", 37.9, 38.0, "vitals.temperature", CAUTION),
    ("respiratory_rate_per_min", 10, 9, "vitals.respiratory_rate", CAUTION),
    ("respiratory_rate_per_min", 24, 25, "vitals.respiratory_rate", CAUTION),
]


@pytest.mark.parametrize(("field", "calm", "held", "code", "severity"), VITALS_BOUNDARIES)
def test_each_hold_threshold_flags_exactly_at_its_boundary(
    field: str, calm: float, held: float, code: str, severity: Severity
) -> None:
    calm_flags = codes(screen_vitals(example_vitals(**{field: calm}), CONFIG))
    held_flags = codes(screen_vitals(example_vitals(**{field: held}), CONFIG))
    assert calm_flags.get(code) is not severity
    assert held_flags == {code: severity}


def test_the_nurse_reads_the_value_and_the_threshold() -> None:
    (flag,) = screen_vitals(example_vitals(systolic_mmhg=184), CONFIG)
    assert flag.answer == "184 mmHg"
    assert ">= 180" in flag.reason


def test_a_positive_pregnancy_test_is_a_stop_and_weight_and_pain_never_flag() -> None:
    vitals = example_vitals(pregnancy_test=PregnancyTest.POSITIVE, weight_kg=340.0, pain_now=10)
    assert codes(screen_vitals(vitals, CONFIG)) == {"vitals.pregnancy_test": STOP}


def test_flags_come_most_urgent_first() -> None:
    vitals = example_vitals(heart_rate_per_min=130, systolic_mmhg=190, temperature_c=38.5)
    flags = screen_vitals(vitals, CONFIG)
    assert [flag.severity for flag in flags] == [STOP, CAUTION, CAUTION]
    assert highest_severity(flags) is STOP


def test_a_clinic_can_change_a_severity_and_a_threshold() -> None:
    clinic = load_config_text(
        '[rules."med.lamotrigine"]\nseverity = "INFO"\n'
        "[thresholds.vitals.systolic]\ncaution_at_or_above = 140\n",
        "clinic.toml",
    )
    assert codes(flags_for_medication("Lamictal")) == {"med.lamotrigine": CAUTION}
    meds = example_medications(medications=(Medication("Lamictal", "", ""),))
    assert codes(screen_checkin(example_checkin(medications=meds), clinic)) == {
        "med.lamotrigine": INFO
    }
    assert codes(screen_vitals(example_vitals(systolic_mmhg=145), clinic)) == {
        "vitals.systolic": CAUTION
    }


def test_every_rule_the_engine_can_raise_is_in_the_defaults() -> None:

    flagged_classes = {
        code.removeprefix("med.") for code in CONFIG.rules if code.startswith("med.")
    }
    assert flagged_classes <= set(class_aliases())
    assert {f"history.{topic}" for topic in HISTORY_DEFAULTS} <= set(CONFIG.rules)
    assert {f"history.{topic}" for topic in RETIRED_HISTORY_TOPICS} <= set(CONFIG.rules)
    assert {c.rule_code for c in CONTROLLED_CONDITIONS} <= set(CONFIG.rules)
