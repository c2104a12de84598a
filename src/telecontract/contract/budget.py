"""Politeness and safety towards live targets, shared by every client of a run.

`Budget`: a request budget and a rate limit. `Wire`: what every request of the suite passes
through on its way out (schemathesis's requests and our own httpx clients alike): it spends from
the budget, sends the request to the host that serves its path, drops HTTP framing headers a
generated case may carry, and refuses to send a number the user did not list.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

import httpx
import orjson
import pytest
import requests

from telecontract.contract.options import per_second
from telecontract.contract.target import Target
from telecontract.errors import UsageError
from telecontract.numbers import check_listed

# Set by the HTTP layer from the body; a generated value here only breaks framing (and a
# front door answers that in its own shape, which is not the API's).
FRAMING_HEADERS = frozenset({"transfer-encoding", "content-length", "host", "connection"})


class Budget:
    def __init__(
        self,
        max_requests: int | None = None,
        per_second: float | None = None,
        on_exhausted: Callable[[], None] | None = None,
    ) -> None:
        self.max_requests = max_requests
        self.on_exhausted = on_exhausted
        self.interval = 1.0 / per_second if per_second else 0.0
        self.spent = 0
        self.exhausted = False
        self._next_slot = 0.0
        self._lock = threading.Lock()

    def spend(self) -> None:
        """Account for one request: wait for its slot, or skip the test when the budget is used up."""
        with self._lock:
            if self.max_requests is not None and self.spent >= self.max_requests:
                self.exhausted = True
                if self.on_exhausted is not None:
                    self.on_exhausted()
                pytest.skip(f"request budget of {self.max_requests} spent (raise it with --max-requests)")
            self.spent += 1
            now = time.monotonic()
            wait = max(0.0, self._next_slot - now)
            self._next_slot = max(now, self._next_slot) + self.interval
        if wait:
            time.sleep(wait)


def parse_rate(text: str | None) -> float | None:
    """`10/s`, `300/m` or a bare number of requests per second; None for no limit (inside pytest)."""
    try:
        return per_second(text)
    except UsageError as exc:
        raise pytest.UsageError(str(exc)) from None


class Wire:
    """The checks and routing every outgoing request of a run goes through."""

    def __init__(self, target: Target, budget: Budget, numbers: tuple[str, ...] | None) -> None:
        self.target = target
        self.budget = budget
        # On a live target only the listed numbers may go out; on the embedded mock any may.
        self.allowed = None if target.embedded else frozenset(numbers or ())

    def routed(self, url: str) -> str:
        """`url`, built on the run's first base URL, moved to the host that serves its path."""
        parts = urlsplit(url)
        prefix = urlsplit(self.target.base_url).path.rstrip("/")
        path = parts.path[len(prefix) :] if prefix and parts.path.startswith(prefix) else parts.path
        base = urlsplit(self.target.url_for(path))
        return urlunsplit((base.scheme, base.netloc, base.path.rstrip("/") + path, parts.query, parts.fragment))

    def guard(self, url: str, content_type: str, body: bytes | str | None) -> None:
        if self.allowed is None:
            return
        query = {k: v if len(v) > 1 else v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        check_listed(query, self.allowed)
        if body:
            check_listed(_decode(content_type, body), self.allowed)


def _decode(content_type: str, body: bytes | str) -> Any:
    raw = body.encode("utf-8") if isinstance(body, str) else body
    if "json" in content_type:
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            return None
    if "x-www-form-urlencoded" in content_type:
        return {k: v if len(v) > 1 else v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
    return None


class WireAuth(requests.auth.AuthBase):
    """For schemathesis (which sends with requests): the wire's checks and routing, then the real auth."""

    def __init__(self, auth: requests.auth.AuthBase, wire: Wire) -> None:
        self.auth = auth
        self.wire = wire

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        for name in [n for n in request.headers if n.lower() in FRAMING_HEADERS and n.lower() != "content-length"]:
            del request.headers[name]
        self.wire.guard(request.url or "", request.headers.get("Content-Type", ""), request.body)
        self.wire.budget.spend()
        request.url = self.wire.routed(request.url or "")
        return self.auth(request)


def httpx_hooks(wire: Wire) -> dict[str, list[Any]]:
    """The same for our own httpx clients, as event hooks (they run after auth, before sending)."""

    def on_request(request: httpx.Request) -> None:
        wire.guard(str(request.url), request.headers.get("Content-Type", ""), request.content)
        wire.budget.spend()
        request.url = httpx.URL(wire.routed(str(request.url)))

    return {"request": [on_request]}
