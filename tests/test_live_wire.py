"""A live gate judged from the wire: what the provider received, as a recording upstream logged it.

The upstream is our mock behind a recorder that keeps every request as received (method, raw path,
query, body) and every answer. The judgement is the test's own, not the guard's: every JSON value,
form and query value and path segment that looks like a phone number is held to the list (or to
what the upstream itself answered with), requests are counted against the budget (probes,
retries and redirects included), and calls are found by their paths, also with an edited spec
whose operation ids differ.
"""

from __future__ import annotations

import copy
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote

import orjson
import phonenumbers
import pytest
import yaml
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from telecontract.credentials import Credentials
from telecontract.mock import MockConfig, create_app
from telecontract.server import serve_in_thread
from telecontract.spec import bundled_spec_path

GATE = [sys.executable, "-c", "from telecontract.cli import main; main()", "gate"]
LISTED = ("14155550123", "447700900123")
QUICK = ["--seed", "5", "--rate-limit", "5000/s"]
CALLS = re.compile(r"^/v1/voice/?$|^/v2/voice/?$")  # Voice v1 POST and Voice v2: each places a call


@dataclass
class Received:
    method: str
    raw_path: str
    query: str
    content_type: str
    body: bytes


@dataclass
class Upstream:
    """ASGI middleware: every request as received, and every answer's body; optionally redirects all."""

    app: ASGIApp
    redirect: bool = False
    requests: list[Received] = field(default_factory=list)
    answers: list[bytes] = field(default_factory=list)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        while True:
            message = await receive()
            messages.append(message)
            if not message.get("more_body"):
                break
        headers = {k.decode().lower(): v.decode("latin-1") for k, v in scope["headers"]}
        self.requests.append(
            Received(
                scope["method"],
                scope.get("raw_path", scope["path"].encode()).decode("latin-1"),
                scope["query_string"].decode("latin-1"),
                headers.get("content-type", ""),
                b"".join(m.get("body", b"") for m in messages),
            )
        )
        if self.redirect and scope["path"] != "/":
            # Somewhere else on the same host: a client that follows re-sends the request here.
            location = f"/elsewhere{scope['path']}".encode()
            await send({"type": "http.response.start", "status": 307, "headers": [(b"location", location)]})
            await send({"type": "http.response.body", "body": b""})
            return
        replay = iter(messages)

        async def replayed() -> Message:
            return next(replay, {"type": "http.disconnect"})

        async def keep(message: Message) -> None:
            if message["type"] == "http.response.body":
                self.answers.append(message.get("body", b""))
            await send(message)

        await self.app(scope, replayed, keep)


@contextmanager
def upstream(redirect: bool = False) -> Iterator[tuple[str, Upstream]]:
    app = Upstream(create_app(MockConfig(credentials=Credentials.from_env())), redirect=redirect)
    with serve_in_thread(app) as url:
        yield url, app


def gate(*args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | Credentials.from_env().environment()
    env.pop("TELECONTRACT_TARGET_URL", None)
    return subprocess.run([*GATE, *args], capture_output=True, text=True, timeout=600, env=env)


@pytest.fixture
def numbers_file(tmp_path: Path) -> Path:
    path = tmp_path / "numbers.txt"
    path.write_text("".join(f"{n}\n" for n in LISTED))
    return path


# ---- the test's own reading of the wire ------------------------------------------------------


def written_numbers(value: Any) -> Iterator[str]:
    """Digits of every value written as a possible phone number, in any JSON/form/query value."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from written_numbers(key)
            yield from written_numbers(item)
    elif isinstance(value, list):
        for item in value:
            yield from written_numbers(item)
    elif isinstance(value, int | str) and not isinstance(value, bool):
        text = str(value).strip()
        if re.fullmatch(r"\+?[\d\s().\-]+", text) and not re.fullmatch(r"\d{4}-\d\d-\d\d|\d+\.\d+|[\d.]+\.\d+", text):
            digits = re.sub(r"\D", "", text)
            if 7 <= len(digits) <= 15 and _possible(digits):
                yield digits
        if isinstance(value, str):
            yield from (d for d in re.findall(r"\+(\d{7,15})\b", value) if _possible(d))


def _possible(digits: str) -> bool:
    try:
        return phonenumbers.is_possible_number(phonenumbers.parse("+" + digits))
    except phonenumbers.NumberParseException:
        return False


def decoded(request: Received) -> list[Any]:
    values: list[Any] = [unquote(segment) for segment in request.raw_path.split("/")]
    values += [value for _, value in parse_qsl(request.query, keep_blank_values=True)]
    if "json" in request.content_type:
        try:
            values.append(orjson.loads(request.body))
        except orjson.JSONDecodeError:
            values.append(request.body.decode("utf-8", "replace"))
    elif "form" in request.content_type:
        values += [value for _, value in parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True)]
    elif request.body:
        values.append(request.body.decode("utf-8", "replace"))
    return values


def numbers_received(up: Upstream) -> set[str]:
    return {digits for request in up.requests for digits in written_numbers(decoded(request))}


def numbers_answered(up: Upstream) -> set[str]:
    found: set[str] = set()
    for body in up.answers:
        try:
            found.update(written_numbers(orjson.loads(body)))
        except orjson.JSONDecodeError:
            continue
    return found


def urls_received(up: Upstream) -> set[str]:
    return {
        text
        for request in up.requests
        for value in decoded(request)
        for text in re.findall(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^\s\"']+", orjson.dumps(value).decode())
    }


def calls_placed(up: Upstream) -> list[Received]:
    return [r for r in up.requests if r.method == "POST" and CALLS.match(unquote(r.raw_path))]


# ---- the tests ------------------------------------------------------------------------------


@pytest.mark.parametrize("budget", [40, 90])
def test_the_provider_receives_at_most_the_budget_probes_included(numbers_file: Path, budget: int) -> None:
    with upstream() as (url, up):
        result = gate("--target-url", url, "--numbers", str(numbers_file), "--max-requests", str(budget), *QUICK)
    assert result.returncode in (0, 1, 3), result.stdout[-3000:] + result.stderr[-2000:]
    assert budget - 5 <= len(up.requests) <= budget, len(up.requests)
    assert f"live-run guard: {len(up.requests)} requests sent of at most {budget}" in result.stdout


def test_a_redirect_is_never_followed_and_counts_once(numbers_file: Path) -> None:
    with upstream(redirect=True) as (url, up):
        result = gate("--target-url", url, "--numbers", str(numbers_file), "--max-requests", "30", *QUICK)
    assert result.returncode in (1, 3), result.stdout[-3000:]
    assert len(up.requests) <= 30
    assert not [r for r in up.requests if r.raw_path.startswith("/elsewhere")], "a redirect was followed"


def test_no_unlisted_number_no_call_and_no_strangers_callback_host_reach_the_provider(
    numbers_file: Path, tmp_path: Path
) -> None:
    # A team's edited spec: every operationId renamed. The guard decides by the spec's marks.
    document = copy.deepcopy(yaml.safe_load(bundled_spec_path().read_text()))
    for item in document["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and "operationId" in operation:
                operation["operationId"] = "team" + operation["operationId"][0].upper() + operation["operationId"][1:]
    for response in (r for item in document["paths"].values() for op in item.values() if isinstance(op, dict)
                     for r in op.get("responses", {}).values() if isinstance(r, dict)):  # fmt: skip
        for link in response.get("links", {}).values():
            link["operationId"] = "team" + link["operationId"][0].upper() + link["operationId"][1:]
    edited = tmp_path / "edited.yaml"
    edited.write_text(yaml.safe_dump(document, sort_keys=False))
    receiver = "http://127.0.0.1:1/team-receiver"
    with upstream() as (url, up):
        args = ["--target-url", url, "--numbers", str(numbers_file), "--spec", str(edited), "--max-requests", "400"]
        result = gate(*args, "--callback-url", receiver, *QUICK, "--", "--hypothesis-profile=quick")
    assert result.returncode in (0, 1, 3), result.stdout[-3000:] + result.stderr[-2000:]
    assert len(up.requests) <= 400
    assert len(up.requests) > 100, "too little traffic for the checks below to mean anything"
    assert calls_placed(up) == [], "a call went out without --allow-calls"
    assert "places real calls; pass --allow-calls" in result.stdout
    unlisted = numbers_received(up) - set(LISTED) - numbers_answered(up)
    assert not unlisted, f"{len(unlisted)} unlisted numbers reached the provider"
    assert numbers_received(up) & set(LISTED), "no listed number went out: the check above proves nothing"
    strangers = {u for u in urls_received(up) if not u.startswith(receiver)}
    assert not strangers, sorted(strangers)[:5]


def test_one_providers_url_receives_only_that_providers_requests(numbers_file: Path) -> None:
    with upstream() as (vts_url, vts):
        result = gate("--vts-url", vts_url, "--numbers", str(numbers_file), "--max-requests", "120", *QUICK)
    assert result.returncode in (0, 1, 3), result.stdout[-3000:] + result.stderr[-2000:]
    paths = {unquote(r.raw_path) for r in vts.requests}
    assert paths and all(p.startswith("/v1/Account/") or p == "/" for p in paths), sorted(paths)[:5]
    assert "no URL for TeleSign Number Masking and Voice v2; pass --telesign-url" in result.stdout
