"""Reading a request the way the providers do: body, auth, and validation against the spec."""

from __future__ import annotations

import functools
import hmac
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

import orjson
from starlette.requests import Request
from starlette.responses import Response

from telecontract import auth
from telecontract.mock.responses import telesign_error, voice_rpc_error, vts_error
from telecontract.mock.state import MockState


@dataclass(frozen=True, slots=True)
class Invalid:
    """The first reason a body does not match its schema."""

    field: str
    message: str


def validation_error(state: MockState, operation_id: str, media_type: str, body: Any) -> Invalid | None:
    validator = state.spec.request_validator(operation_id, media_type)
    if validator.is_valid(body):  # the fast path: no error objects built
        return None
    for error in validator.iter_errors(body):
        path = [str(p) for p in error.instance_path]
        field = ".".join(path) if path else _missing_field(error.message) or "body"
        return Invalid(field, error.message)
    return None


def _missing_field(message: str) -> str | None:
    # jsonschema_rs reports a missing property as: "'name' is a required property".
    if message.endswith("is a required property"):
        return message.split('"')[1] if '"' in message else message.split("'")[1]
    return None


def parse_json(raw: bytes) -> Any:
    """The JSON body, or raise ValueError."""
    return orjson.loads(raw)


def parse_form(raw: bytes) -> dict[str, Any]:
    """A form body as a dict; a field sent twice is kept as a list so validation refuses it."""
    text = raw.decode("utf-8")
    fields = parse_qs(text, keep_blank_values=True, strict_parsing=bool(text))
    return {k: v[0] if len(v) == 1 else v for k, v in fields.items()}


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


@functools.cache
def _basic_header(customer_id: str, api_key: str) -> str:
    return auth.basic_authorization(customer_id, api_key)


async def telesign_auth_failure(request: Request, state: MockState, raw: bytes) -> auth.AuthFailure | None:
    return auth_failure(request, state, raw)


def auth_failure(request: Request, state: MockState, raw: bytes) -> auth.AuthFailure | None:
    """Why a TeleSign request is not authentic, or None (no await: the hot path calls it directly)."""
    if state.config.has("auth_ignored"):
        return None
    authorization = request.headers.get("authorization", "")
    if authorization.startswith("Basic "):
        # The account's own Basic header, compared whole in constant time: the same verdict as
        # decoding it (anything else is decoded below, for the exact failure), without the decoding.
        credentials = state.config.credentials
        expected = _basic_header(credentials.telesign_customer_id, credentials.telesign_api_key)
        if hmac.compare_digest(authorization.encode(), expected.encode()):
            return None
    return auth.verify_telesign(
        headers=request.headers,
        method=request.method,
        resource=request.scope["path"],  # the path as sent; cheaper than building request.url
        body=raw,
        api_keys=state.telesign_keys,
        nonces=state.nonces,
        now=time.time(),
    )


async def telesign_refusal(request: Request, state: MockState, raw: bytes) -> Response | None:
    """A 401 in TeleSign's shape when the request is not authentic."""
    return telesign_refused(request, state, raw)


def telesign_refused(request: Request, state: MockState, raw: bytes) -> Response | None:
    """`telesign_refusal` without an await, for the hot path."""
    failure = auth_failure(request, state, raw)
    if failure is None:
        return None
    if request.scope["path"].startswith("/v2/"):
        status = "credentials_not_provided" if failure is auth.MISSING_CREDENTIALS else "not_authorized"
        return voice_rpc_error(401, status, failure.reason)
    return telesign_error(401, failure.code, failure.reason)


def vts_refusal(request: Request, state: MockState) -> Response | None:
    """401 for bad credentials, 403 when the path names another account."""
    if state.config.has("auth_ignored"):
        return None
    credentials = auth.parse_basic(request.headers.get("authorization", ""))
    expected = state.config.credentials
    if (
        credentials is None
        or credentials[0] != expected.vts_auth_id
        or not hmac.compare_digest(credentials[1].encode(), expected.vts_auth_token.encode())
    ):
        return vts_error(401, "Authentication credentials invalid or missing.")
    if request.path_params.get("auth_id") != expected.vts_auth_id:
        return vts_error(403, "The auth_id in the path is not the authenticated account.")
    return None
