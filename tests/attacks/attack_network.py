"""Someone on the clinic network, between the kiosk's sync engine and the real clinic server.

`TamperingNetwork` is an httpx transport the engine sends through: it forwards to the server, and
on the exchange it is told to spoil it replays, duplicates, truncates, bit-flips, holds back
(delivering later, out of order) or drops requests and responses. Everything it did is recorded
so a test can say what the kiosk and the server made of it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from enum import StrEnum

import httpx

from sync.wire import Refusal, WireError


class Tamper(StrEnum):
    """What the network does to one exchange."""

    REQUEST_BITFLIP = "request_bitflip"  # one bit of the body or of a signed header flipped
    REQUEST_TRUNCATED = "request_truncated"  # the body cut short
    REQUEST_DUPLICATED = "request_duplicated"  # delivered twice; the kiosk sees the 2nd answer
    REQUEST_REPLAYED = "request_replayed"  # an earlier captured request sent again first
    REQUEST_HELD = "request_held"  # never arrives now; delivered later, after others
    RESPONSE_LOST = "response_lost"  # the server acted, the answer never came (a long delay)
    RESPONSE_BITFLIP = "response_bitflip"  # one bit of the answer flipped
    RESPONSE_TRUNCATED = "response_truncated"  # the answer cut short
    RESPONSE_SWAPPED = "response_swapped"  # an earlier answer delivered instead of this one


@dataclass(frozen=True)
class Captured:
    """A request as it crossed the wire, good for replaying."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def build(self) -> httpx.Request:
        # The length is recomputed: a cut body travels as a well-formed, shorter request.
        headers = [(k, v) for k, v in self.headers if k.lower() != "content-length"]
        return httpx.Request(self.method, self.url, headers=headers, content=self.body)


@dataclass
class TamperingNetwork(httpx.BaseTransport):
    """Forwards to the clinic server; spoils the exchanges listed in `plan` (by their number)."""

    rng: random.Random
    plan: dict[int, Tamper] = field(default_factory=dict)
    exchanges: int = 0
    captured: list[Captured] = field(default_factory=list)
    held: list[Captured] = field(default_factory=list)
    answers: list[bytes] = field(default_factory=list)
    replay_refusals: list[str] = field(default_factory=list)
    applied: list[Tamper] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._upstream = httpx.HTTPTransport()

    def close(self) -> None:
        self._upstream.close()

    def forward(self, request: httpx.Request) -> httpx.Response:
        response = self._upstream.handle_request(request)
        content = response.read()
        response.close()
        return httpx.Response(
            response.status_code, headers=response.headers.multi_items(), content=content
        )

    def release_held(self) -> list[httpx.Response]:
        """Deliver every held-back request now, late and out of order."""
        held, self.held = self.held, []
        self.rng.shuffle(held)
        return [self.forward(item.build()) for item in held]

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        captured = Captured(
            request.method, str(request.url), tuple(request.headers.multi_items()), body
        )
        number, self.exchanges = self.exchanges, self.exchanges + 1
        tamper = self.plan.get(number)
        self.captured.append(captured)
        if tamper is None:
            return self._answered(self.forward(captured.build()))
        self.applied.append(tamper)
        return self._spoil(tamper, captured)

    def _answered(self, response: httpx.Response) -> httpx.Response:
        if response.status_code == 200:
            self.answers.append(response.content)
        return response

    def _spoil(self, tamper: Tamper, captured: Captured) -> httpx.Response:
        if tamper is Tamper.REQUEST_BITFLIP:
            return self.forward(self._flipped_request(captured))
        if tamper is Tamper.REQUEST_TRUNCATED:
            cut = self.rng.randrange(len(captured.body)) if captured.body else 0
            return self.forward(replace(captured, body=captured.body[:cut]).build())
        if tamper is Tamper.REQUEST_DUPLICATED:
            self.forward(captured.build())
            return self.forward(captured.build())
        if tamper is Tamper.REQUEST_REPLAYED:
            for earlier in self.captured[:-1][-3:]:
                self.replay_refusals.append(_refusal_code(self.forward(earlier.build())))
            return self._answered(self.forward(captured.build()))
        if tamper is Tamper.REQUEST_HELD:
            self.held.append(captured)
            raise httpx.ReadTimeout("held back by the network")
        if tamper is Tamper.RESPONSE_LOST:
            self._answered(self.forward(captured.build()))
            raise httpx.ReadTimeout("the answer never came")
        response = self.forward(captured.build())
        content = response.content
        if tamper is Tamper.RESPONSE_BITFLIP and content:
            spoiled = bytearray(content)
            spoiled[self.rng.randrange(len(spoiled))] ^= 1 << self.rng.randrange(8)
            content = bytes(spoiled)
        elif tamper is Tamper.RESPONSE_TRUNCATED:
            content = content[: self.rng.randrange(len(content))] if content else content
        elif tamper is Tamper.RESPONSE_SWAPPED and self.answers:
            content = self.rng.choice(self.answers)
        headers = [(k, v) for k, v in response.headers.multi_items() if k != "content-length"]
        return httpx.Response(response.status_code, headers=headers, content=content)

    def _flipped_request(self, captured: Captured) -> httpx.Request:
        signed = [i for i, (k, _v) in enumerate(captured.headers) if k.startswith("x-clinic-")]
        if captured.body and self.rng.random() < 0.7:
            spoiled = bytearray(captured.body)
            spoiled[self.rng.randrange(len(spoiled))] ^= 1 << self.rng.randrange(8)
            return replace(captured, body=bytes(spoiled)).build()
        headers = list(captured.headers)
        at = self.rng.choice(signed)
        name, value = headers[at]
        chars = list(value)
        spot = self.rng.randrange(len(chars))
        chars[spot] = chr(ord(chars[spot]) ^ (1 << self.rng.randrange(5)))
        headers[at] = (name, "".join(chars))
        return replace(captured, headers=tuple(headers)).build()


def _refusal_code(response: httpx.Response) -> str:
    """The server's refusal code for a replayed request, or what it did instead."""
    if response.status_code == 200:
        return "accepted"
    try:
        return Refusal.from_json(response.content).code
    except WireError:
        return f"http {response.status_code} without a refusal"
