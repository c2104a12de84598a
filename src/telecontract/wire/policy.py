"""What a live run allows on the wire, and the decision for one request: send it (where), or refuse it (why).

The decision needs no client's cooperation: it reads the request as it would leave (method, path,
query, body) and the spec's marks. A refused request is never sent; the reason is reported.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from telecontract import phone
from telecontract.redaction import redact_text
from telecontract.wire.marks import Marks, OperationMarks
from telecontract.wire.scan import decoded_body, numbers_in_request

VTS_PREFIX = "/v1/Account/"
VOICE_V1 = "/v1/voice"
# Each provider's URL flag, and what falls back for it: only --target-url (README, "A live run
# never harms anyone"): one provider's host never receives another's requests.
PROVIDERS = {
    "telesign": ("TeleSign Number Masking and Voice v2", "--telesign-url"),
    "telesign_voice": ("TeleSign Voice v1", "--telesign-voice-url"),
    "vts": ("VTS", "--vts-url"),
}
NULLISH = ("", "null", "None")


def provider_of(path: str) -> str:
    if path.startswith(VTS_PREFIX):
        return "vts"
    if path == VOICE_V1 or path.startswith(VOICE_V1 + "/"):
        return "telesign_voice"
    return "telesign"


@dataclass(frozen=True, slots=True)
class Refusal:
    kind: str  # budget, host, operation, call, number, callback
    reason: str


class Allowance:
    """The request budget and the rate limit: every request that would leave takes one slot."""

    def __init__(self, max_requests: int | None, per_second: float | None) -> None:
        self.max_requests = max_requests
        self.interval = 1.0 / per_second if per_second else 0.0
        self.spent = 0
        self._next_slot = 0.0
        self._lock = threading.Lock()  # the guard's loop and the probes (before the run) share it

    def take(self) -> float | None:
        """Seconds to wait before sending, or None when the budget is spent (nothing is taken)."""
        with self._lock:
            if self.max_requests is not None and self.spent >= self.max_requests:
                return None
            self.spent += 1
            now = time.monotonic()
            wait = max(0.0, self._next_slot - now)
            self._next_slot = max(now, self._next_slot) + self.interval
            return wait


@dataclass
class Policy:
    marks: Marks
    upstreams: dict[str, str | None]  # provider -> base URL; None: not given, its requests are refused
    numbers: frozenset[str] | None = None  # None: any number (the embedded mock)
    allow_calls: bool = False
    callback_bases: tuple[str, ...] = ()
    learned: set[str] = field(default_factory=set)  # numbers the target itself answered with

    def upstream_for(self, path: str) -> str | Refusal:
        provider = provider_of(path)
        base = self.upstreams.get(provider)
        if base is None:
            name, flag = PROVIDERS[provider]
            return Refusal("host", f"no URL for {name}: pass {flag} (or --target-url)")
        return base

    def refusal(self, method: str, path: str, query: str, content_type: str, body: bytes) -> Refusal | None:
        """Why this request must not leave, or None."""
        marks = self.marks.matching(method, path)
        if marks is None and not self.marks.serves_path(path):
            return Refusal("operation", f"{method} {path} is no operation of the spec")
        # marks None: a method the path does not have (schemathesis's check for a 405), which places
        # nothing and names no callback; its numbers are still read.
        if marks and not self.allow_calls and (why := self._places_call(marks, content_type, body)):
            return Refusal("call", f"{marks.operation.operation_id} {why}; pass --allow-calls to send it")
        if self.numbers is not None:
            for where, digits in numbers_in_request(path, query, content_type, body):
                if digits not in self.numbers and digits not in self.learned:
                    shown = f"{redact_text(where)[:80]} carries {phone.redact_number(digits)}"
                    return Refusal("number", f"{shown}, which --numbers does not list")
        for name, url in self._callback_urls(marks, query, content_type, body) if marks else ():
            if not self.callback_bases:
                return Refusal("callback", f"{name} names a host you did not give (pass --callback-url)")
            if not url.startswith(self.callback_bases):
                return Refusal("callback", f"{name} names a host you did not give (not under --callback-url)")
        return None

    def learn(self, content_type: str, body: bytes) -> None:
        """Numbers in the target's answers (masked ids, virtual numbers) may be sent back to it."""
        if self.numbers is not None:
            self.learned.update(digits for _, digits in numbers_in_request("", "", content_type, body))

    @staticmethod
    def _places_call(marks: OperationMarks, content_type: str, body: bytes) -> str | None:
        if marks.places_call:
            return "places a call"
        values = decoded_body(content_type, body)
        for name in marks.call_switches:
            if any(value in (True, "true", "True", 1) for value in _values_named(values, name)):
                return f"places a call ({name} is true)"
        return None

    @staticmethod
    def _callback_urls(marks: OperationMarks, query: str, content_type: str, body: bytes) -> Iterator[tuple[str, str]]:
        values = decoded_body(content_type, body)
        pairs = [(name, value) for name in marks.callback_fields for value in _values_named(values, name)]
        pairs += [(name, value) for name, value in parse_qsl(query) if name in marks.callback_fields]
        for name, value in pairs:
            # Only what the provider could reach counts: "not-a-url" is negative data, not a host.
            if isinstance(value, str) and value.strip() not in NULLISH and "//" in value:
                yield name, value


def _values_named(value: Any, name: str) -> Iterator[Any]:
    """Every value of a property called `name`, at any depth."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == name:
                yield item
            yield from _values_named(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from _values_named(item, name)
