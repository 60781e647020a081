"""The bundled drug list and the matching a patient's typing goes through."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from intake_hypothesis import ci_examples

from kiosk.intake.config import default_config
from kiosk.intake.drugs import (
    MAX_MATCH_CHARS,
    class_aliases,
    drug_list,
    drug_names,
    match_medication,
    read_as,
    sources,
    suggest,
    words,
)

CLINICAL_MIGRAINE_DRUGS = """sumatriptan rizatriptan zolmitriptan eletriptan naratriptan
almotriptan frovatriptan lasmiditan ubrogepant rimegepant atogepant erenumab fremanezumab
galcanezumab eptinezumab onabotulinumtoxinA topiramate propranolol metoprolol amitriptyline
nortriptyline venlafaxine valproate candesartan dihydroergotamine""".split()
CASES_PATH = Path(__file__).with_name("drug_cases.txt")
FLAGGED = {code.removeprefix("med.") for code in default_config().rules if code.startswith("med.")}


def _cases() -> list[tuple[str, frozenset[str], str]]:
    cases = []
    for line in CASES_PATH.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            typed, classes, source = (part.strip() for part in line.split("|"))
            cases.append((typed, frozenset(classes.split()) - {"-"}, source))
    return cases


CASES = _cases()


def flagged_classes(typed: str) -> frozenset[str]:
    return frozenset(c for match in match_medication(typed) for c in match.classes if c in FLAGGED)


def generics(text: str) -> list[str | None]:
    return [match.generic for match in match_medication(text)]


def test_the_case_table_covers_both_languages_and_every_flagged_class() -> None:
    assert len(CASES) >= 400
    assert all(source for _typed, _classes, source in CASES)
    assert FLAGGED == {c for _typed, classes, _source in CASES for c in classes}
    assert sum("AEMPS" in source or "Spanish" in source for *_, source in CASES) >= 150


@pytest.mark.parametrize(("typed", "classes", "source"), CASES, ids=[c[0] for c in CASES])
def test_a_typed_line_raises_exactly_the_classes_the_case_table_gives(
    typed: str, classes: frozenset[str], source: str
) -> None:
    assert flagged_classes(typed) == classes, source


def test_the_list_has_about_a_thousand_names_each_group_with_its_source() -> None:
    assert len({" ".join(words(name.text)) for name in drug_names()}) >= 1000
    assert len(drug_list()) >= 300
    assert len({drug.generic for drug in drug_list()}) == len(drug_list())
    for drug in drug_list():
        assert set(drug.classes) <= set(class_aliases()), drug.generic
    fields = {"generic", "es", "zh-Hans", "vi", "ko", "intl", "us", "spain", "latam", "abbr"}
    assert fields | {"combination_us", "combination_es"} == set(sources())


def test_no_name_means_two_different_drugs() -> None:
    meaning: dict[tuple[str, ...], str | None] = {}
    for name in drug_names():
        key = words(name.text)
        assert meaning.setdefault(key, name.generic) == name.generic, name.text


def test_a_combination_carries_every_class_of_its_parts() -> None:
    classes_of = {drug.generic: set(drug.classes) for drug in drug_list()}
    combinations = [name for name in drug_names() if name.generic and len(name.parts) > 1]
    assert len(combinations) >= 100
    for name in combinations:
        assert set(name.classes) == set().union(*(classes_of[part] for part in name.parts))
    nyquil = next(name for name in drug_names() if name.text == "NyQuil")
    assert {"sedating_antihistamines", "nmda_antagonists"} <= set(nyquil.classes)


@pytest.mark.parametrize("name", CLINICAL_MIGRAINE_DRUGS)
def test_every_migraine_drug_clinical_md_lists_is_recognised(name: str) -> None:
    assert generics(name) == [name]


def test_a_name_of_several_words_wins_over_its_first_word() -> None:
    (match,) = match_medication("Tylenol PM 2 caplets")
    assert match.matched_name == "Tylenol PM"
    assert "sedating_antihistamines" in match.classes


def test_the_nurse_reads_what_was_typed_and_what_it_was_read_as() -> None:
    (rivotril,) = match_medication("Rivotril 2 mg")
    assert rivotril.reading() == "'Rivotril' read as Rivotril (clonazepam)"
    (slip,) = match_medication("tomo lamotrigene 100")
    assert slip.reading() == "'lamotrigene' read as lamotrigine"
    assert not slip.exact
    (glued,) = match_medication("Klonopin1mg")
    assert glued.reading() == "'Klonopin' read as Klonopin (clonazepam)"


def test_the_record_keeps_what_a_line_was_read_as() -> None:
    assert read_as("Rivotril 2 mg y teofilina") == (
        "Rivotril (clonazepam)",
        "teofilina (theophylline)",
    )
    assert read_as("fish oil ultra") == ()


def test_a_class_word_alone_is_recognised_without_a_drug() -> None:
    (match,) = match_medication("my benzo")
    assert match.generic is None and match.classes == ("benzodiazepines",)


def test_a_spanish_patient_is_offered_spanish_names_and_an_english_one_english_names() -> None:
    assert suggest("lamo", 3, language="es") == ["lamotrigina"]
    assert suggest("lamo", 3, language="en") == ["lamotrigine"]
    assert suggest("teof", 3, language="es") == ["teofilina"]
    assert "Rivotril" in suggest("rivo", 3, language="es")
    assert "levotiroxina" in suggest("levot", 3, language="es")
    # Brands bought in the US are offered to both.
    assert suggest("Tylenol P", 3, language="es") == ["Tylenol PM"]
    assert suggest("Tylenol P", 3, language="en") == ["Tylenol PM"]


def test_each_patient_is_offered_the_names_of_their_language_and_the_us_brands() -> None:
    # Chinese and Korean: their own generic, and the English one a US bottle carries.
    assert suggest("拉莫", 3, language="zh-Hans") == ["拉莫三嗪"]
    assert suggest("lamo", 3, language="zh-Hans") == ["lamotrigine"]
    assert suggest("라모", 3, language="ko") == ["라모트리진"]
    # Vietnamese: its own spelling instead of its English near twin; brands as everywhere.
    assert suggest("lamo", 3, language="vi") == ["lamotrigin"]
    assert suggest("Lamic", 2, language="vi") == ["Lamictal", "Lamictal XR"]
    # Tagalog: the English and international names Filipino patients use (paracetamol).
    assert suggest("parac", 1, language="tl") == ["paracetamol"]
    assert suggest("parac", 1, language="en") == ["paracetamol"]


def test_the_nurse_reads_a_name_typed_in_any_script_as_its_drug() -> None:
    assert read_as("拉莫三嗪100毫克") == ("拉莫三嗪 (lamotrigine)",)
    assert read_as("라모트리진 100mg") == ("라모트리진 (lamotrigine)",)
    assert flagged_classes("氨茶碱") == {"theophyllines"}
    assert flagged_classes("thuốc huyết áp") == frozenset()
    # A slip as near the English name as its Vietnamese twin is read, and as the English.
    (slip,) = match_medication("theophyline")
    assert slip.reading() == "'theophyline' read as theophylline"


def test_suggestions_start_with_what_was_typed() -> None:
    assert suggest("lam")[:3] == ["Lamictal", "Lamictal XR", "lamotrigine"]
    assert suggest("Suma", 1) == ["sumatriptan"]
    assert suggest("", 5) == []
    assert suggest("xyzzy", 5) == []
    assert len(suggest("a", 5)) == 5
    assert suggest("Tylenol 3", 5) == ["Tylenol #3"]


@pytest.mark.fuzz
@ci_examples(150)
@given(
    st.text(max_size=MAX_MATCH_CHARS) | st.text(alphabet="lamotrigine xanax 100mg#-", max_size=300)
)
def test_any_line_up_to_300_characters_is_read_within_bounds_and_never_fails(typed: str) -> None:
    matches = match_medication(typed)
    assert len(matches) <= len(words(typed))
    for match in matches:
        assert match.typed and match.typed in typed[:MAX_MATCH_CHARS]
        assert match.reading().startswith(f"'{match.typed}' read as ")
    assert len(suggest(typed, 5, language="es")) <= 5


@pytest.mark.fuzz
@ci_examples(50)
@given(st.text(min_size=MAX_MATCH_CHARS + 1, max_size=5000))
def test_a_longer_line_is_read_only_up_to_its_first_300_characters(typed: str) -> None:
    assert match_medication(typed) == match_medication(typed[:MAX_MATCH_CHARS])
