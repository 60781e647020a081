"""The kiosk host's `POST /read-aloud`, on a real served kiosk on loopback with the real
espeak-ng: its own page gets speech; another site, malformed or huge requests and a language with
no voice get a one-line refusal and nothing rendered."""

from __future__ import annotations

import httpx
import pytest
from conftest import ServedKiosk

from kiosk.locale import translate
from tests.speech.test_espeak_audio import assert_speech_fits


def ask(kiosk: ServedKiosk, body: object, origin: str | None = "own") -> httpx.Response:
    headers = (
        {} if origin is None else {"Origin": kiosk.url.rstrip("/") if origin == "own" else origin}
    )
    return httpx.post(f"{kiosk.url.rstrip('/')}/read-aloud", json=body, headers=headers, timeout=30)


def test_the_page_gets_a_question_spoken_in_its_language(tiny_kiosk: ServedKiosk) -> None:
    question = translate("questions.history.seizures", "es")
    answer = ask(tiny_kiosk, {"language": "es", "text": question, "patient_words": False})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "audio/wav"
    assert answer.headers["cache-control"] == "no-store"
    assert_speech_fits(answer.content, question)


@pytest.mark.parametrize(
    "body, origin, status, reason",
    [
        ({"language": "en", "text": "Hello"}, "http://evil.example", 403, "own check-in page"),
        ({"language": "en", "text": "Hello"}, None, 403, "own check-in page"),
        ("not an object", "own", 400, "JSON object"),
        ({"language": "en"}, "own", 400, '"language" and "text"'),
        ({"language": "en", "text": "Hi", "patient_words": "no"}, "own", 400, "true or false"),
        ({"language": "tl", "text": "Kumusta"}, "own", 404, "no read-aloud voice for tl"),
        ({"language": "en", "text": "x" * 70_000}, "own", 413, "at most 65536 bytes"),
    ],
    ids=["other-site", "no-origin", "not-object", "no-text", "bad-flag", "tagalog", "huge"],
)
def test_a_bad_request_gets_one_line_and_no_audio(
    tiny_kiosk: ServedKiosk, body: object, origin: str | None, status: int, reason: str
) -> None:
    answer = ask(tiny_kiosk, body, origin)
    assert answer.status_code == status
    assert reason in answer.text and "\n" not in answer.text.strip()
    assert "Traceback" not in answer.text


def test_hostile_text_is_spoken_as_text(tiny_kiosk: ServedKiosk) -> None:
    hostile = '\x1b]0;owned\x07<speak><audio src="http://example.com/a.wav"/></speak> -v de'
    answer = ask(tiny_kiosk, {"language": "en", "text": hostile, "patient_words": True})
    assert answer.status_code == 200 and answer.content[:4] == b"RIFF"
