"""Every exchange of a contract run, redacted as it is recorded, with the rules it broke.

Reports (Markdown, HAR, NDJSON) are written from this record; nothing unredacted is kept.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest

from telecontract.credentials import (
    ENV_TELESIGN_API_KEY,
    ENV_TELESIGN_CUSTOMER_ID,
    ENV_VTS_AUTH_ID,
    ENV_VTS_AUTH_TOKEN,
)
from telecontract.findings import Finding
from telecontract.redaction import redact_body, redact_headers, redact_text

MAX_BODY = 65536  # enough for a full page of VTS sessions; drift reads these bodies
# Headers curl writes itself from its command line: left out of a callback's curl.
UNSENT_HEADERS = frozenset({"host", "content-length", "user-agent", "accept", "accept-encoding", "connection"})


@dataclass(slots=True)
class Exchange:
    operation: str
    method: str
    url: str
    request_headers: dict[str, str]
    request_body: str
    status: int
    response_headers: dict[str, str]
    response_body: str
    elapsed_ms: float
    started: float
    findings: list[Finding] = field(default_factory=list)
    # A callback our own code delivered (the receiver gate's): signed by its headers, not by -u.
    callback: bool = False
    # rule -> the problem this exchange showed, where a test (not a check) turns it into a finding:
    # the reports show the exchange with the finding that quotes it.
    problems: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "request": {
                "method": self.method,
                "url": self.url,
                "headers": self.request_headers,
                "body": self.request_body,
            },
            "response": {"status": self.status, "headers": self.response_headers, "body": self.response_body},
            "elapsed_ms": round(self.elapsed_ms, 3),
            "started": self.started,
            "findings": [f.to_dict() for f in self.findings],
        }

    def curl(self) -> str:
        """A curl command for the request, with credentials taken from the environment."""
        if self.callback:
            return self._callback_curl()
        path = urlsplit(self.url).path
        if path.startswith("/v1/Account/"):
            user = f"${ENV_VTS_AUTH_ID}:${ENV_VTS_AUTH_TOKEN}"
        else:
            user = f"${ENV_TELESIGN_CUSTOMER_ID}:${ENV_TELESIGN_API_KEY}"
        parts = ["curl", "-X", self.method, "-u", f'"{user}"']
        content_type = self.request_headers.get("Content-Type") or self.request_headers.get("content-type")
        if content_type:
            parts += ["-H", shlex.quote(f"Content-Type: {content_type}")]
        if self.request_body:
            parts += ["--data-raw", shlex.quote(self.request_body)]
        parts.append(shlex.quote(self.url))
        return " ".join(parts)

    def _callback_curl(self) -> str:
        """The callback as it was delivered: its own headers (signatures redacted, as everywhere) and body."""
        parts = ["curl", "-X", self.method]
        for name, value in self.request_headers.items():
            if name.lower() not in UNSENT_HEADERS:
                parts += ["-H", shlex.quote(f"{name}: {value}")]
        if self.request_body:
            parts += ["--data-raw", shlex.quote(self.request_body)]
        parts.append(shlex.quote(self.url))
        return " ".join(parts)


def _text(content: bytes | str | None, secrets: tuple[str, ...], numbers: tuple[str, ...] = ()) -> str:
    if content is None:
        return ""
    text = content.decode("utf-8", errors="replace") if isinstance(content, bytes) else content
    return redact_body(text[:MAX_BODY], secrets, numbers)


@dataclass
class Recorder:
    # Never in a repr: a failure traceback at -vv prints whatever holds the recorder in full.
    secrets: tuple[str, ...] = field(default=(), repr=False)
    numbers: tuple[str, ...] = field(default=(), repr=False)  # the run's --numbers, masked wherever seen
    exchanges: list[Exchange] = field(default_factory=list)
    # Findings of our own tests (no single exchange): (test id, finding).
    test_findings: list[tuple[str, Finding]] = field(default_factory=list)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Hypothesis's pretty printer lists a dataclass's fields itself, repr=False or not."""
        printer.text(repr(self))

    def record(self, operation: str, response: Any, findings: list[Finding], started: float) -> None:
        """`response` is a schemathesis Response; `findings` what its checks came to."""
        request = response.request
        headers = {k: ", ".join(v) if isinstance(v, list) else v for k, v in response.headers.items()}
        self.exchanges.append(
            Exchange(
                operation=operation,
                method=request.method or "",
                url=redact_text(request.url or "", self.secrets, self.numbers),
                request_headers=redact_headers(dict(request.headers)),
                request_body=_text(request.body, self.secrets, self.numbers),
                status=response.status_code,
                response_headers=redact_headers(headers),
                response_body=_text(response.content, self.secrets, self.numbers),
                elapsed_ms=response.elapsed * 1000,
                started=started,
                findings=findings,
            )
        )

    def record_parts(
        self,
        operation: str,
        *,
        url: str,
        request_headers: dict[str, str],
        request_body: bytes,
        status: int,
        response_headers: dict[str, str],
        response_body: bytes,
        elapsed_ms: float,
        started: float,
        problems: Mapping[str, str | None] | None = None,
    ) -> None:
        """An exchange our own code made (the receiver gate's deliveries), redacted like the rest.

        `problems`: rule -> what was wrong with it (None: nothing), redacted too.
        """
        self.exchanges.append(
            Exchange(
                operation=operation,
                method="POST",
                url=redact_text(url, self.secrets, self.numbers),
                request_headers=redact_headers(request_headers),
                request_body=_text(request_body, self.secrets, self.numbers),
                status=status,
                response_headers=redact_headers(response_headers),
                response_body=_text(response_body, self.secrets, self.numbers),
                elapsed_ms=elapsed_ms,
                started=started,
                callback=True,
                problems={
                    rule: redact_text(said, self.secrets, self.numbers)
                    for rule, said in (problems or {}).items()
                    if said
                },
            )
        )

    def record_test_finding(self, test_id: str, found: Finding) -> None:
        self.test_findings.append((test_id, found))

    def by_rule(self) -> dict[tuple[str, str, str], list[tuple[Exchange | str, Finding]]]:
        """(severity, rule, source) -> where each finding was seen: an exchange, or a test's id. Sorted."""
        grouped: dict[tuple[str, str, str], list[tuple[Exchange | str, Finding]]] = {}
        for exchange in self.exchanges:
            for found in exchange.findings:
                grouped.setdefault((found.severity, found.rule, found.source), []).append((exchange, found))
        for test_id, found in self.test_findings:
            grouped.setdefault((found.severity, found.rule, found.source), []).append((test_id, found))
        return dict(sorted(grouped.items()))

    def latencies(self) -> dict[str, list[float]]:
        """Operation -> the milliseconds each of its answers took."""
        found: dict[str, list[float]] = {}
        for exchange in self.exchanges:
            found.setdefault(exchange.operation, []).append(exchange.elapsed_ms)
        return found


RECORDER_KEY = pytest.StashKey[Recorder]()


def recorder_for(config: pytest.Config) -> Recorder:
    """The run's recorder, created on first use."""
    if RECORDER_KEY not in config.stash:
        # Imported here: the output redaction reads the run's options through the engine, which imports us.
        from telecontract.contract.redacted_output import run_redaction

        redaction = run_redaction(config)
        config.stash[RECORDER_KEY] = Recorder(secrets=redaction.secrets, numbers=redaction.numbers)
    return config.stash[RECORDER_KEY]
