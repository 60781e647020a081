"""`POST /read-aloud`: the audio of one utterance, for the kiosk's own page to play.

The page is told what to say over the page channel (kiosk/read_aloud.py) and asks the kiosk host
for each utterance's WAV here, so no request leaves the kiosk host. The request is JSON
`{"language": "es", "text": "...", "patient_words": false}` from the kiosk's own origin (another
site's page is refused, as at the websocket), at most `MAX_REQUEST_BYTES`; a bad one gets a
one-line reason and renders nothing. The text is never logged, and the patient's words are never
kept (kiosk/speech/speaker.py); at most `RENDERS_AT_ONCE` renders run at a time, so a flood of
requests cannot take the host's cores from the check-ins.
"""

from __future__ import annotations

import asyncio
import json
from urllib.parse import urlsplit

from aiohttp import web

from kiosk.speech.espeak import SpeechFailed
from kiosk.speech.speaker import NoVoice, Speaker, Utterance

#: The largest request (the consent is said sentence by sentence; a sentence is far smaller).
MAX_REQUEST_BYTES = 64 * 1024
#: Renders at once: espeak-ng takes a core each.
RENDERS_AT_ONCE = 2


class ReadAloudRoute:
    """Renders utterances for the page, the clinic's words from the host's one cache."""

    def __init__(self, speaker: Speaker | None = None) -> None:
        self.speaker = speaker if speaker is not None else Speaker()
        self._renders = asyncio.Semaphore(RENDERS_AT_ONCE)

    async def handle(self, request: web.Request) -> web.Response:
        origin = request.headers.get("Origin")
        if origin is None or urlsplit(origin).netloc != request.host:
            raise web.HTTPForbidden(text="This kiosk only reads aloud for its own check-in page.")
        if request.content_length is None or request.content_length > MAX_REQUEST_BYTES:
            raise web.HTTPRequestEntityTooLarge(
                max_size=MAX_REQUEST_BYTES,
                actual_size=request.content_length or 0,
                text=f"A read-aloud request is at most {MAX_REQUEST_BYTES} bytes.",
            )
        utterance = _utterance(await request.read())
        try:
            async with self._renders:
                wav = await asyncio.to_thread(self.speaker.audio, utterance)
        except NoVoice as missing:
            raise web.HTTPNotFound(text=str(missing)) from missing
        except SpeechFailed as failed:
            raise web.HTTPServiceUnavailable(text=f"Read aloud failed: {failed}") from failed
        return web.Response(body=wav, content_type="audio/wav")


def _utterance(body: bytes) -> Utterance:
    """The request's utterance, or a 400 naming what is wrong (never echoing the text)."""
    try:
        asked = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise web.HTTPBadRequest(text="A read-aloud request is a JSON object.") from error
    if not isinstance(asked, dict):
        raise web.HTTPBadRequest(text="A read-aloud request is a JSON object.")
    language, text = asked.get("language"), asked.get("text")
    patient_words = asked.get("patient_words", True)
    if not isinstance(language, str) or not isinstance(text, str) or not text.strip():
        raise web.HTTPBadRequest(text='A read-aloud request needs "language" and "text".')
    if not isinstance(patient_words, bool):
        raise web.HTTPBadRequest(text='"patient_words" is true or false.')
    return Utterance(language[:16], text, patient_words)
