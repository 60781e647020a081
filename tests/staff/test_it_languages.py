"""IT sees every language's standing at the kiosk: offered or not and why, who translated it and
how, the SHA-256 a reviewer records, and, while any translation lacks a clinical review, that the
law asks for one (Section 1557) and where the clinic records it."""

from __future__ import annotations

from pathlib import Path

from kiosk.desk.facade import Kiosk
from kiosk.intake.languages import text_sha256
from tests.screens.conftest import kiosk_offering_drafts
from tests.staff.conftest import StaffHostApp
from tests.staff.test_it_console import shown, sign_in_as_it

SECTION_1557 = "Section 1557, 45 CFR 92.201(c)(3)"


async def languages_shown(kiosk: Kiosk) -> list[str]:
    app = StaffHostApp(kiosk)
    async with app.run_test(size=(120, 60)) as pilot:
        await sign_in_as_it(pilot)
        return shown(app, "#it-languages").splitlines()


async def test_it_sees_the_four_new_languages_are_unreviewed_drafts_kept_from_patients(
    kiosk: Kiosk,
) -> None:
    lines = await languages_shown(kiosk)
    assert lines[0] == "English: the source text, offered"
    assert lines[1].startswith("Español: offered, with no clinical review on record")
    for name in ("中文(简体)", "Tiếng Việt", "한국어", "Tagalog"):
        headline = f"{name}: draft, not offered: no clinical review, and the clinic's"
        assert any(line.startswith(headline) for line in lines), name
    vi = lines.index(next(line for line in lines if line.startswith("Tiếng Việt:")))
    assert lines[vi + 1] == (
        "  translated by Claude, an AI model (Anthropic), for the project on 2026-12-03 "
        "(machine translation)"
    )
    assert lines[vi + 2] == "  SHA-256: " + text_sha256("vi", kiosk.config)
    assert SECTION_1557 in lines[-1] and "[languages.reviews.<language>]" in lines[-1]


async def test_it_sees_drafts_the_clinic_shows_to_patients_named_as_such(tmp_path: Path) -> None:
    kiosk = kiosk_offering_drafts(tmp_path / "kiosk")
    try:
        lines = await languages_shown(kiosk)
    finally:
        kiosk.close()
    assert any(line.startswith("한국어: DRAFT OFFERED TO PATIENTS") for line in lines)
    assert SECTION_1557 in lines[-1]


async def test_it_sees_who_reviewed_a_language_and_when_its_text_changed_since(
    tmp_path: Path,
) -> None:
    data = tmp_path / "kiosk"
    kiosk = kiosk_offering_drafts(data)
    digest = text_sha256("ko", kiosk.config)
    kiosk.close()
    reviews = (
        f'\n[languages.reviews.ko]\nreviewed_by = "Ji-woo Park, CHI (Korean)"\n'
        f'reviewed_on = 2027-02-01\ntext_sha256 = "{digest}"\n'
        '\n[languages.reviews.vi]\nreviewed_by = "Lan Tran"\n'
        f'reviewed_on = 2027-01-15\ntext_sha256 = "{"0" * 64}"\n'
    )
    with (data / "clinic.toml").open("a", encoding="utf-8") as clinic:
        clinic.write(reviews)
    kiosk = Kiosk.open(data)
    try:
        lines = await languages_shown(kiosk)
    finally:
        kiosk.close()
    assert "한국어: offered, reviewed by Ji-woo Park, CHI (Korean) on 2027-02-01" in lines
    vi = lines.index(next(line for line in lines if line.startswith("Tiếng Việt:")))
    assert lines[vi].startswith("Tiếng Việt: DRAFT OFFERED TO PATIENTS")
    assert lines[vi + 2] == "  reviewed by Lan Tran on 2027-01-15, but the text has changed since"


async def test_it_sees_which_languages_are_read_aloud(kiosk: Kiosk) -> None:
    lines = await languages_shown(kiosk)
    tl = lines.index(next(line for line in lines if line.startswith("Tagalog:")))
    es = lines.index(next(line for line in lines if line.startswith("Español:")))
    assert "  read aloud with espeak-ng's es-419 voice" in lines[es:tl]
    assert lines[tl + 3] == "  not read aloud: espeak-ng has no voice for this language"
