"""Sending one callback to the team's receiver, as the provider would, and keeping what came back."""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx

from telecontract import webhooks
from telecontract.credentials import Credentials


@dataclass(frozen=True, slots=True)
class Exchange:
    kind: str
    url: str
    request_headers: dict[str, str]
    body: bytes
    status: int | None  # None: no answer (timed out, refused, reset)
    content_type: str
    answer: bytes
    elapsed_ms: float
    started: float
    error: str = ""  # why there was no answer
    timed_out: bool = False  # no answer within the provider's timeout

    @property
    def acknowledged(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    def outcome(self) -> str:
        """What happened, in a few words, for a finding's message."""
        if self.status is None:
            return self.error
        kind = self.content_type.split(";", 1)[0] or "no content type"
        return f"answered {self.status} ({kind}, {len(self.answer)} bytes) in {self.elapsed_ms:.0f} ms"


class Sender:
    """Delivers callbacks to the receiver's URLs with the provider's signature and timeout."""

    def __init__(self, urls: dict[str, str], credentials: Credentials, timeout: float) -> None:
        self.urls = urls
        self.credentials = credentials
        self.timeout = timeout
        # No redirects: a provider posts to the URL it was given.
        self._client = httpx.Client(timeout=timeout, follow_redirects=False)

    def headers(self, kind: str, body: bytes) -> dict[str, str]:
        return webhooks.signed_headers(kind, url=self.urls[kind], body=body, credentials=self.credentials)

    def send(self, kind: str, body: bytes, headers: dict[str, str]) -> Exchange:
        url = self.urls[kind]
        started = time.time()
        clock = time.perf_counter()
        try:
            response = self._client.post(url, content=body, headers=headers)
        except httpx.TimeoutException:
            error = f"no answer within {self.timeout:g} s"
            return self._unanswered(kind, url, headers, body, started, clock, error, timed_out=True)
        except httpx.HTTPError as exc:
            return self._unanswered(kind, url, headers, body, started, clock, f"no answer: {type(exc).__name__}")
        return Exchange(
            kind,
            url,
            headers,
            body,
            response.status_code,
            response.headers.get("content-type", ""),
            response.content,
            (time.perf_counter() - clock) * 1000,
            started,
        )

    @staticmethod
    def _unanswered(
        kind: str,
        url: str,
        headers: dict[str, str],
        body: bytes,
        started: float,
        clock: float,
        error: str,
        *,
        timed_out: bool = False,
    ) -> Exchange:
        elapsed = (time.perf_counter() - clock) * 1000
        return Exchange(kind, url, headers, body, None, "", b"", elapsed, started, error, timed_out)

    def close(self) -> None:
        self._client.close()
