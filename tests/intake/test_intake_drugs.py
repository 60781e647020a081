"""The bundled drug list and the matching a patient's typing goes through."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from intake_hypothesis import ci_examples

from kiosk.intake.drugs import class_aliases, drug_list, edit_distance, match_medication, suggest

CLINICAL_MIGRAINE_DRUGS = """sumatriptan rizatriptan zolmitriptan eletriptan naratriptan
almotriptan frovatriptan lasmiditan ubrogepant rimegepant atogepant erenumab fremanezumab
galcanezumab eptinezumab onabotulinumtoxinA topiramate propranolol metoprolol amitriptyline
nortriptyline venlafaxine valproate candesartan dihydroergotamine""".split()


def generics(text: str) -> list[str | None]:
    return [match.generic for match in match_medication(text)]


def test_the_list_is_large_and_every_class_it_names_is_defined() -> None:
    drugs = drug_list()
    assert len(drugs) >= 150
    assert len({drug.generic for drug in drugs}) == len(drugs)
    for drug in drugs:
        assert set(drug.classes) <= set(class_aliases()), drug.generic


@pytest.mark.parametrize("name", CLINICAL_MIGRAINE_DRUGS)
def test_every_migraine_drug_clinical_md_lists_is_recognised(name: str) -> None:
    assert generics(name) == [name]


@pytest.mark.parametrize(
    ("typed", "generic"),
    [
        ("Lamictal 100mg twice daily", "lamotrigine"),
        ("lamotrigene", "lamotrigine"),
        ("LAMOTRIGINE", "lamotrigine"),
        ("Lamictál", "lamotrigine"),
        ("xanex", "alprazolam"),
        ("Imitrex nasal spray 20 mg", "sumatriptan"),
        ("Topamax 50 mg at night", "topiramate"),
        ("levothyroxin", "levothyroxine"),
        ("metoprolol succinate ER", "metoprolol"),
        ("hydrocodone/acetaminophen", "hydrocodone"),
    ],
)
def test_brand_names_dose_text_case_accents_and_small_misspellings(
    typed: str, generic: str
) -> None:
    assert generic in generics(typed)


@pytest.mark.parametrize(
    "typed",
    [
        "twice daily",
        "one tablet every morning",
        "as needed for headache",
        "I don't take anything",
        "water",
        "coffee",
        "sleep",
        "pills",
        "stress",
        "blood pressure",
        "some",
        "none",
        "lamps",
        "soda",
    ],
)
def test_everyday_words_are_never_read_as_drugs(typed: str) -> None:
    assert match_medication(typed) == []


def test_a_class_word_alone_is_recognised_without_a_drug() -> None:
    (match,) = match_medication("my benzo")
    assert match.generic is None and match.classes == ("benzodiazepines",)


def test_suggestions_start_with_what_was_typed() -> None:
    assert suggest("lam") == ["Lamictal", "lamotrigine"]
    assert suggest("Suma", 1) == ["sumatriptan"]
    assert suggest("", 5) == []
    assert suggest("xyzzy", 5) == []
    assert len(suggest("a", 5)) == 5


def test_edit_distance_counts_swaps_as_one() -> None:
    assert edit_distance("lamotrigine", "lamotrigien", 2) == 1
    assert edit_distance("abc", "xyz", 1) == 2


@pytest.mark.fuzz
@ci_examples(150)
@given(st.text() | st.text(alphabet="lamotrigine xanax 100mg", max_size=5000))
def test_any_text_gives_a_list_quickly_and_never_fails(typed: str) -> None:
    assert isinstance(match_medication(typed), list)
    assert isinstance(suggest(typed, 5), list)
