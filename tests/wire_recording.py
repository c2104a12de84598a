"""A recording upstream and the tests' own reading of the wire, for the live-run tests.

The upstream is our mock behind a recorder that keeps every request as received (method, raw
path, query, body) and every answer's body. The reading is independent of the live-run guard:
every JSON value and key, form and query value and path segment written as a phone number is
found, every URL in any of them, and calls by their paths.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote

import orjson
import phonenumbers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from telecontract.credentials import Credentials
from telecontract.mock import MockConfig, create_app
from telecontract.server import serve_in_thread

LISTED = ("14155550123", "447700900123")
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
def upstream(redirect: bool = False, **config: Any) -> Iterator[tuple[str, Upstream]]:
    """The mock (`config`: its MockConfig settings, quirks say) on loopback, behind the recorder."""
    app = Upstream(create_app(MockConfig(credentials=Credentials.from_env(), **config)), redirect=redirect)
    with serve_in_thread(app) as url:
        yield url, app


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
