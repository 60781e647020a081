"""A stand-in kiosk that sends its page messages through the side channel (page_channel.py):
a greeting holding hostile characters, then, on another button, malformed messages followed by
one good one. A text box shows the session still takes typing afterwards."""

from collections.abc import Sequence

from textual.app import App, ComposeResult
from textual.widgets import Button, Input, Label

from kiosk.page_channel import MAX_PAGE_MESSAGE_BYTES, PAGE_CHANNEL_OSC, send_to_page

#: What the greeting carries: words of the kiosk's languages and characters a terminal obeys.
GREETING = "Hello 안녕하세요 你好 xin chào \x1b[2J\x1b]0;title\x07 \x1b\\ end"
#: Sequences on the page's channel that are not messages, each to be dropped by the page.
GARBAGE = (
    "{not json",
    "[1, 2, 3]",
    '{"kind": "garbage"}',
    '{"kind": 7, "body": {}}',
    '{"kind": "garbage", "body": "not an object"}',
    '{"kind": "nobody_listens", "body": {}}',
    '{"kind": "garbage", "body": {"words": "' + "x" * MAX_PAGE_MESSAGE_BYTES + '"}}',
)


class PageMessageApp(App[None]):
    """Say hello: one greeting message. Send garbage: the malformed ones, then 'after'."""

    def compose(self) -> ComposeResult:
        yield Label("Messages sent: 0", id="sent")
        yield Button("Say hello", id="hello")
        yield Button("Send garbage", id="garbage")
        box = Input(placeholder="Type here", id="box")
        box.cursor_blink = False  # a blinking cursor keeps redrawing (see tiny_kiosk_app.py)
        yield box

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "hello":
            sent = send_to_page(self, "greeting", {"words": GREETING, "number": 17})
            self.query_one("#sent", Label).update(f"Messages sent: {int(sent)} greeting")
        else:
            driver = self._driver
            assert driver is not None
            for payload in GARBAGE:
                driver.write(f"\x1b]{PAGE_CHANNEL_OSC};{payload}\x07")
            send_to_page(self, "after_garbage", {"words": "still listening"})
            self.query_one("#sent", Label).update("Messages sent: garbage and one more")


def main(_argv: Sequence[str]) -> int:
    """What the session forker runs in each forked session."""
    PageMessageApp().run()
    return 0
