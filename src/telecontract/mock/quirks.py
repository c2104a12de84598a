"""Conforming variations: ways a real provider may answer that differ from our mock and still honour
the documents. The gate must pass a provider with any of them (some with a warning), so each one is
a test that the gate does not cry wolf. Unlike defects, none of them breaks a sourced rule.

They wrap the mock as ASGI middleware, rewriting what it answers, so the mock itself stays one
faithful implementation.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from telecontract.limits import BODY_KEY
from telecontract.mock.provider_shapes import SHAPES

VTS_PREFIX = "/v1/Account/"
RATE_LIMIT_EVERY = 10  # with a rate-limit quirk, every 10th TeleSign request is answered 429


@dataclass(frozen=True, slots=True)
class Quirk:
    name: str
    description: str


QUIRKS = {
    quirk.name: quirk
    for quirk in (
        Quirk("extra_fields", "every JSON object answered carries a field the documents do not show"),
        Quirk("reworded_descriptions", "status descriptions are worded otherwise than on the documents' pages"),
        Quirk("vts_without_slash", "VTS paths are served only without a trailing slash, as the VTS page writes them"),
        Quirk("vts_with_slash", "VTS paths are served only with a trailing slash, as the Plivo SDK writes them"),
        Quirk("json_rate_limit", "every 10th TeleSign request is answered 429 with a JSON error body"),
        Quirk("text_rate_limit", "every 10th TeleSign request is answered 429 as text/plain (a warning)"),
        Quirk("v2_dial_answers_200", "a Voice v2 dial is answered 200 instead of 202 (a warning: 202 is inferred)"),
        Quirk(
            "telesign_published_masking",
            "Number Masking answers as TeleSign's published definition: validity a string, 400/503 in the "
            "body shape of a session (masked_id null, no errors array)",
        ),
        Quirk(
            "telesign_published_voice_v2",
            "Voice v2 answers as TeleSign's published definition: a 32-hex reference_id on every answer, "
            "to_number_blocked_by_telesign, the dial's external_id echoed",
        ),
        Quirk(
            "plivo_vts_shapes",
            "VTS answers as the plivo SDK's fixtures: create 201 with session {...}, reads wrapped in response, "
            "update {api_id, message, session}, delete 200, values typed",
        ),
    )
}
# Quirks that rewrite a whole answer into another provider source's form (see provider_shapes).
REWRITING = frozenset({"extra_fields", "reworded_descriptions", "v2_dial_answers_200", *SHAPES})


class QuirksMiddleware:
    def __init__(self, app: ASGIApp, quirks: frozenset[str]) -> None:
        unknown = quirks - QUIRKS.keys()
        if unknown:
            raise ValueError(f"unknown quirk(s): {', '.join(sorted(unknown))}")
        self.app = app
        self.quirks = quirks
        self.counter = itertools.count(1)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path.startswith(VTS_PREFIX) and self._refuses_form(path):
            await _answer(send, 404, b'{"api_id": "quirk", "error": "Not found"}')
            return
        if not path.startswith(("/v1/Account/", "/_sim/")) and self._rate_limited():
            if "json_rate_limit" in self.quirks:
                await _answer(send, 429, _rate_limit_body(path))
            else:
                await _answer(send, 429, b"Too many requests", content_type=b"text/plain")
            return
        if not self.quirks & REWRITING:
            await self.app(scope, receive, send)
            return
        # The body as BodyLimit read it (handlers take it from the scope, not from receive).
        sent: list[bytes] = [scope[BODY_KEY]] if BODY_KEY in scope else []

        async def recording_receive() -> Message:
            # The provider forms echo what was asked (parties, external_id): keep the request body.
            message = await receive()
            if message["type"] == "http.request" and BODY_KEY not in scope:
                sent.append(message.get("body", b""))
            return message

        await self.app(scope, recording_receive, self._rewriting(send, scope["method"], path, sent))

    def _refuses_form(self, path: str) -> bool:
        slashed = path.endswith("/")
        return ("vts_without_slash" in self.quirks and slashed) or ("vts_with_slash" in self.quirks and not slashed)

    def _rate_limited(self) -> bool:
        if not self.quirks & {"json_rate_limit", "text_rate_limit"}:
            return False
        return next(self.counter) % RATE_LIMIT_EVERY == 0

    def _rewriting(self, send: Send, method: str, path: str, sent: list[bytes]) -> Send:
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def rewriting_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            original = b"".join(chunks)
            status, body = self._rewrite(start["status"], original, method, path, b"".join(sent))
            headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
            if body and not original:  # a 204 that became an answer with a body
                headers.append((b"content-type", b"application/json"))
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        return rewriting_send

    def _rewrite(self, status: int, body: bytes, method: str, path: str, request: bytes) -> tuple[int, bytes]:
        document = _json_or_none(body)
        asked = _json_or_none(request)
        for name in sorted(self.quirks & SHAPES.keys()):
            status, document = SHAPES[name](method, path, status, document, asked)
        if not isinstance(document, dict):
            return status, body if document is None else orjson.dumps(document)
        if "v2_dial_answers_200" in self.quirks and path == "/v2/voice" and document.get("status") == "dial_accepted":
            status = 200
        if "reworded_descriptions" in self.quirks and isinstance(document.get("status"), dict):
            description = document["status"].get("description")
            if isinstance(description, str):
                document["status"]["description"] = f"{description} (as this provider words it)"
        if "extra_fields" in self.quirks:
            _add_fields(document)
        return status, orjson.dumps(document)


def _json_or_none(body: bytes) -> Any:
    try:
        return orjson.loads(body) if body else None
    except orjson.JSONDecodeError:
        return None


def _add_fields(node: Any) -> None:
    if isinstance(node, dict):
        for value in list(node.values()):
            _add_fields(value)
        node["x_provider_trace"] = "7f3a"
    elif isinstance(node, list):
        for value in node:
            _add_fields(value)


def _rate_limit_body(path: str) -> bytes:
    if path == "/v2/voice":
        return b'{"status": "rate_limit_exceeded"}'
    error = {"code": -40000, "description": "Too many requests"}
    return orjson.dumps(
        {"reference_id": None, "status": {**error, "updated_on": "2026-01-01T00:00:00Z"}, "errors": [error]}
    )


async def _answer(send: Send, status: int, body: bytes, *, content_type: bytes = b"application/json") -> None:
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
