"""Consent: the clinic's text in the patient's language, read to its end, each acknowledgement
ticked and the full legal name typed as a signature. Declining asks once, then ends the
check-in politely."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Self

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.widgets import Button, Static

from kiosk.intake.checkin_session import CheckInSession
from kiosk.intake.config import ClinicConfig, ConsentDocument
from kiosk.intake.records import ConsentSignature
from kiosk.intake.validation import validate_signature
from kiosk.messages import ConsentDeclinePressed
from kiosk.screens.decline_consent import DeclineConsentScreen
from kiosk.screens.step_screen import StepScreen
from kiosk.widgets.tick_box import TickBox


class ConsentScreen(StepScreen):
    """Read, tick, sign; or decline."""

    STEP = "consent"

    DEFAULT_CSS = """
    ConsentScreen #consent-text {
        height: auto; padding: 1 2; margin-bottom: 1;
        background: $kiosk-field; color: $kiosk-text; border: tall $kiosk-border;
    }
    ConsentScreen #read-to-end { color: $kiosk-notice; height: auto; }
    ConsentScreen #decline { margin-top: 1; margin-bottom: 1; }
    """

    def __init__(
        self,
        language: str,
        clock: Callable[[], datetime],
        date_order: str,
        document: ConsentDocument,
    ) -> None:
        super().__init__(language, clock, date_order)
        self.document = document
        self.legal_name = ""
        self.read_to_end = False

    @classmethod
    def for_clinic(cls, language: str, clock: Callable[[], datetime], config: ClinicConfig) -> Self:
        return cls(language, clock, config.date_order, config.consent)

    def title_text(self) -> str:
        return self.text("screens.consent.title")

    def next_key(self) -> str:
        return "screens.consent.agree"

    def body(self) -> ComposeResult:
        yield Static(self.text("screens.consent.intro"), classes="intro", markup=False)
        yield Static(self.document.text[self.language], id="consent-text", markup=False)
        yield Static(self.text("screens.consent.read_to_end"), id="read-to-end", markup=False)
        # Why: Decline sits above the boxes, so Enter after the signature reaches "I agree".
        yield Button(self.text("screens.consent.decline"), id="decline")
        for acknowledgement in self.document.acknowledgements:
            box = TickBox(acknowledgement.text[self.language], box_id=f"ack-{acknowledgement.id}")
            box.disabled = True
            yield box
        yield from self.field(
            "signature",
            self.text("screens.consent.signature"),
            lambda raw: validate_signature(raw, self.legal_name),
            question=self.text("screens.consent.signature_help"),
        )

    def on_mount(self) -> None:
        body = self.query_one("#step-body", VerticalScroll)
        self.watch(body, "scroll_y", self._scrolled, init=False)
        super().on_mount()

    def on_screen_resume(self) -> None:
        self.call_after_refresh(self._scrolled)

    async def lay_out_ahead(self, size: Size) -> None:
        await super().lay_out_ahead(size)
        if not self.read_to_end:
            self._scrolled()  # a text that fits on the screen is all on screen once shown
            if self.read_to_end:
                await super().lay_out_ahead(size)

    def before_show(self, session: CheckInSession) -> None:
        self.legal_name = session.identity.legal_name if session.identity else ""
        self.refresh_state()

    def _scrolled(self, _scroll_y: float = 0.0) -> None:
        """Once the end of the consent text has been on screen, the boxes can be ticked."""
        bodies = self.query("#step-body").results(VerticalScroll)
        body = next(bodies, None)
        if self.read_to_end or body is None:  # None: the kiosk is closing, the step taken down
            return
        text = self.query_one("#consent-text", Static)
        text_bottom = text.virtual_region.bottom
        seen_to = body.scroll_y + body.scrollable_content_region.height
        if text.size.height and seen_to >= text_bottom:
            self.read_to_end = True
            for box in self.query(TickBox):
                box.disabled = False
            self.query_one("#read-to-end", Static).display = False
            self.refresh_state()

    def extra_problems(self) -> list[tuple[str, str]]:
        if not self.read_to_end:
            return [(self.text("screens.consent.title"), self.text("screens.consent.read_to_end"))]
        unticked = [box for box in self.query(TickBox) if not box.ticked]
        if unticked:
            return [
                (
                    self.text("screens.consent.acknowledgements"),
                    self.text_count("screens.consent.tick_all", len(unticked)),
                )
            ]
        return []

    def problems(self) -> list[tuple[str, str]]:
        """In screen order: the text read to its end, the statements ticked, then the name."""
        extra = self.extra_problems()
        return extra + [problem for problem in super().problems() if problem not in extra]

    def _first_problem_not_yet_said(self) -> bool:
        return not self.extra_problems() and super()._first_problem_not_yet_said()

    @on(Button.Pressed, "#decline")
    def _decline(self, event: Button.Pressed) -> None:
        event.stop()
        self.app.push_screen(DeclineConsentScreen(self.language), self._declined)

    def _declined(self, declined: bool | None) -> None:
        if declined:
            self.post_message(ConsentDeclinePressed())

    def collect(self) -> ConsentSignature:
        return ConsentSignature(
            document_id=self.document.document_id,
            version=self.document.version,
            language=self.language,
            text_sha256=self.document.text_sha256(self.language),
            acknowledgements=tuple(a.id for a in self.document.acknowledgements),
            typed_name=self.valid("signature"),
            signed_at=self.clock().astimezone(UTC),
            accepted=True,
        )
