"""A nurse resumes an interrupted check-in: the patient screens come back with the answers
already given, at the step the patient had reached, and the next draft supersedes the old one."""

from __future__ import annotations

from textual.widgets import Input

from kiosk.app import KioskApp
from kiosk.desk.facade import Kiosk
from kiosk.intake.records import Draft, RecordKind
from kiosk.widgets.choice_list import ChoiceList
from tests.examples import example_draft
from tests.screens.conftest import click, resume_draft, sealed, tap_choice


async def test_a_resumed_draft_comes_back_filled_in_at_its_step(
    app: KioskApp, kiosk: Kiosk
) -> None:
    draft = example_draft(step="mood", phq9=None, checklist=None)
    async with app.run_test(size=(120, 40)) as pilot:
        record_id = await resume_draft(app, pilot, kiosk, draft)
        assert app.screen.name == "mood"
        assert draft.identity is not None and draft.history is not None
        identity = app.steps["identity"]
        assert identity.query_one("#legal_name", Input).value == draft.identity.legal_name
        history = app.steps["history"].query_one("#history-questions", ChoiceList)
        assert history.answers == {a.question_id: a.answer.value for a in draft.history.answers}
        for number in range(1, 10):
            await tap_choice(pilot, "phq9-questions", f"item{number}", "0")
        await click(pilot, "#next")
        await app.seals_settled()
        assert app.screen.name == "checklist"
    # The resumed draft is superseded (and its payload purged); the new one is at "checklist".
    drafts = [d for d in sealed(kiosk, RecordKind.DRAFT) if isinstance(d, Draft)]
    assert [d.step for d in drafts] == ["checklist"]
    [newest] = [r for r in kiosk.store.records(RecordKind.DRAFT.value) if r.has_payload]
    assert newest.supersedes == record_id
