"""A receiver that checks callbacks with the providers' own code, and nothing of ours.

TeleSign: the signature is parsed out of `TSA {customer_id}:{signature}` in `X-TS-Authorization`
(the header TeleSign's Python sample verifier reads) or `Authorization` (the one its Java sample
reads), as the "Authenticate callbacks" page says to, and checked with the telesign SDK's
`verify_telesign_callback_signature`: base64 HMAC-SHA256 of the body, keyed with the decoded API
key. VTS: the plivo SDK's `validate_v3_signature` on Plivo's headers, with the JSON body's fields as
the params of a POST and the query's as those of a GET.

If our signing drifted from the providers', these checks, not ours, would say so.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from plivo.utils.signature_v3 import validate_v3_signature
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from telesign.util import verify_telesign_callback_signature

from telecontract.credentials import Credentials

VTS = "vtsSessionCallback"
TELESIGN_HEADERS = ("X-TS-Authorization", "Authorization")
# How a customer's call flow answers, after TeleSign's demo servers: transfer, then speak, then hang up.
NEXT_ACTION = {
    "dial_completed": {
        "jsonrpc": "2.0",
        "method": "dial",
        "params": {"to": "15550000204", "caller_id_number": "15558675309"},
    },
    "call_leg_completed": {
        "jsonrpc": "2.0",
        "method": "speak",
        "params": {"tts": {"message": "How was your call?", "language": None}, "collect_digits": {"max": 1}},
    },
}
HANG_UP = {"jsonrpc": "2.0", "method": "hangup", "params": {}}
ASKS_FOR_AN_ACTION = {"incoming_call", "dial_completed", "play_completed", "speak_completed", "call_leg_completed"}


def telesign_signed(api_key: str, header_value: str, body: bytes) -> bool:
    scheme, _, credentials = header_value.partition(" ")
    _, _, signature = credentials.rpartition(":")
    if scheme != "TSA" or not signature:
        return False
    return bool(verify_telesign_callback_signature(api_key, signature, body.decode("utf-8")))


def plivo_signed(auth_token: str, method: str, url: str, headers: Mapping[str, str], body: bytes) -> bool:
    signature = headers.get("x-plivo-signature-v3", "")
    nonce = headers.get("x-plivo-signature-v3-nonce", "")
    if not signature or not nonce:
        return False
    # A GET's params are its query (Plivo merges the URL's in as well); a POST's, the JSON body's fields.
    params = dict(query_of(url)) if method == "GET" else json.loads(body)
    return bool(validate_v3_signature(method, url, nonce, auth_token, signature, params=params))


def query_of(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


def verified_by_the_providers_code(
    kind: str,
    *,
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    credentials: Credentials,
    telesign_header: str = "X-TS-Authorization",
) -> bool:
    """`headers` case-insensitive, as a server framework hands them over."""
    if kind == VTS:
        return plivo_signed(credentials.vts_auth_token, method, url, headers, body)
    return telesign_signed(credentials.telesign_api_key, headers.get(telesign_header, ""), body)


@dataclass
class Heard:
    kind: str
    method: str
    verified: bool
    payload: Any


@dataclass
class SdkReceiver:
    url: str
    heard: list[Heard] = field(default_factory=list)


def sdk_receiver_app(credentials: Credentials, heard: list[Heard], telesign_header: str) -> Starlette:
    async def receive(request: Request) -> Response:
        kind = request.path_params["kind"]
        body = await request.body()
        verified = verified_by_the_providers_code(
            kind,
            method=request.method,
            url=str(request.url),
            headers=request.headers,
            body=body,
            credentials=credentials,
            telesign_header=telesign_header,
        )
        payload = dict(request.query_params) if request.method == "GET" else json.loads(body or b"null")
        heard.append(Heard(kind, request.method, verified, payload))
        if not verified:
            return JSONResponse({"error": "bad signature"}, status_code=401)
        event = payload.get("event") if isinstance(payload, dict) else None
        if kind == "voiceEvent" and event in ASKS_FOR_AN_ACTION:
            return JSONResponse(NEXT_ACTION.get(event, HANG_UP))
        return Response(status_code=204)

    return Starlette(routes=[Route("/{kind}", receive, methods=["GET", "POST"])])
