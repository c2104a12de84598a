"""How a run's clients take the guard's answers: a refusal is a skipped case, never a finding.

The guard answers what it refused with `X-Telecontract-Refused: KIND: reason` (the request never
left) and a failed forward with `X-Telecontract-Upstream-Error` (no answer came back): the first
discards the case (inside a property test) or skips the test, the second is a transport error.
A spent budget skips the test: every later request would be refused too.

`Refused` is a pytest skip, so it passes through schemathesis's hooks (which wrap any Exception)
and skips a plain test; a property test turns it into a discarded example (`discarding_refused`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import httpx
import hypothesis
import pytest

from telecontract.wire.guard import REFUSED, UPSTREAM_ERROR


class UpstreamUnreachable(httpx.TransportError):
    """The guard could not get an answer from the provider (connection refused, timeout)."""


class Refused(pytest.skip.Exception):  # type: ignore[misc,name-defined]
    """The guard refused to send the request: not the provider's answer, nothing to judge."""


@contextmanager
def discarding_refused() -> Iterator[None]:
    """Inside a property test: a refused case is discarded, and hypothesis tries another one."""
    try:
        yield
    except Refused:
        hypothesis.reject()


def _header(headers: Mapping[str, Any], name: str) -> str | None:
    """One header of an httpx, requests or schemathesis response (whose values are lists)."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return str(value[0] if isinstance(value, list) and value else value)
    return None


def refusal_of(headers: Mapping[str, Any]) -> tuple[str, str] | None:
    """(kind, reason) when the guard refused the request, else None."""
    text = _header(headers, REFUSED)
    if text is None:
        return None
    kind, _, reason = text.partition(": ")
    return kind, reason


def take(headers: Mapping[str, Any], on_budget_spent: Callable[[], None]) -> None:
    """Act on a guard's answer: skip or discard a refused case, raise on an unreachable provider."""
    if error := _header(headers, UPSTREAM_ERROR):
        raise UpstreamUnreachable(f"the provider did not answer: {error}")
    refused = refusal_of(headers)
    if refused is None:
        return
    kind, reason = refused
    if kind == "budget":
        on_budget_spent()
        pytest.skip(f"{reason} (raise it with --max-requests)")
    raise Refused(f"refused by the live-run guard: {reason}")


def httpx_hooks(on_budget_spent: Callable[[], None]) -> dict[str, list[Any]]:
    """Event hooks for our own httpx clients."""

    def on_response(response: httpx.Response) -> None:
        take(response.headers, on_budget_spent)

    return {"response": [on_response]}
