"""The provider's callbacks: their kinds (the spec's webhooks), payloads, and how each is signed.

One place for what a provider sends to a customer, shared by the mock's outbound deliveries, the
receiver gate (`telecontract gate --receiver-url`) and the `callback_storm` load scenario.
"""

from __future__ import annotations

import base64
import copy
import dataclasses
import functools
import json
import uuid
from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st

from telecontract import auth
from telecontract.credentials import Credentials
from telecontract.spec import Spec

VTS_KIND = "vtsSessionCallback"
VOICE_EVENT = "voiceEvent"
# Events whose answer is the next action of the call (the Voice v2 page, step 2).
ANSWERED_EVENTS = frozenset({"incoming_call", "dial_completed", "play_completed", "speak_completed"})
JSON = "application/json"
# How long the provider waits for an answer before it counts the attempt as failed. The documents
# do not say; 5 s is our inference, and the receiver gate lets a team set its own.
PROVIDER_TIMEOUT = 5.0


def kinds(spec: Spec) -> list[str]:
    """The spec's webhook names: what `--receiver-url KIND=URL` accepts as KIND."""
    return list(spec.webhooks())


def operation_id(spec: Spec, kind: str) -> str:
    return spec.webhooks()[kind].operation_id


def signed_headers(kind: str, *, url: str, body: bytes, credentials: Credentials) -> dict[str, str]:
    """The headers the provider sends with a callback of `kind`: content type and signature.

    TeleSign signs the raw body with the API key; VTS (Plivo's V3 scheme) signs URL, nonce and body
    with the auth token, so the URL must be the one the receiver sees.
    """
    headers = {"Content-Type": JSON}
    if kind == VTS_KIND:
        nonce = uuid.uuid4().hex
        headers["X-VTS-Signature-V3"] = auth.sign_vts_callback(
            auth_token=credentials.vts_auth_token, url=url, nonce=nonce, body=body
        )
        headers["X-VTS-Signature-V3-Nonce"] = nonce
    else:
        headers["Authorization"] = auth.sign_telesign_callback(
            customer_id=credentials.telesign_customer_id, api_key=credentials.telesign_api_key, body=body
        )
    return headers


def signature_header_names(kind: str) -> tuple[str, ...]:
    return ("X-VTS-Signature-V3", "X-VTS-Signature-V3-Nonce") if kind == VTS_KIND else ("Authorization",)


def badly_signed_headers(kind: str, how: str, *, url: str, body: bytes, credentials: Credentials) -> dict[str, str]:
    """The headers of a callback whose signature is wrong: `unsigned`, or signed with a `wrong_key`.

    The mock sends these under its signature defects; the receiver gate sends them as forgeries.
    """
    if how == "wrong_key":
        credentials = dataclasses.replace(
            credentials,
            telesign_api_key=base64.b64encode(b"not the account's key").decode(),
            vts_auth_token="not-the-account-token",
        )
    headers = signed_headers(kind, url=url, body=body, credentials=credentials)
    if how == "unsigned":
        for name in signature_header_names(kind):
            del headers[name]
    elif how != "wrong_key":
        raise ValueError(f"unknown bad signature {how!r}")
    return headers


def signature_ok(kind: str, *, url: str, headers: Mapping[str, str], body: bytes, credentials: Credentials) -> bool:
    """Does a callback of `kind` carry the account's signature? `headers` must be case-insensitive."""
    if kind == VTS_KIND:
        return auth.verify_vts_callback(
            auth_token=credentials.vts_auth_token,
            url=url,
            nonce=headers.get("x-vts-signature-v3-nonce", ""),
            body=body,
            signature=headers.get("x-vts-signature-v3", ""),
        )
    keys = {credentials.telesign_customer_id: credentials.telesign_api_key}
    return auth.verify_telesign_callback(authorization=headers.get("authorization", ""), api_keys=keys, body=body)


def encode(payload: Any) -> bytes:
    """A payload as the provider would send it: compact UTF-8 JSON.

    The standard library rather than orjson: generated payloads carry integers beyond 64 bits,
    which JSON allows; a lone surrogate (not UTF-8) is sent escaped instead.
    """
    try:
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(payload, separators=(",", ":")).encode("ascii")


def examples(spec: Spec, kind: str) -> list[Any]:
    """The spec's named examples of a webhook's payload, in the order written."""
    prefix = f"#/webhooks/{kind}/post/requestBody/"
    return [copy.deepcopy(example.value) for example in spec.examples() if example.pointer.startswith(prefix)]


def new_reference_id() -> str:
    """A TeleSign-style reference id (32 hex digits) for a call or session that is new."""
    return uuid.uuid4().hex.upper()


def fresh(payload: Any) -> Any:
    """The payload about a new call or session: a new reference id or session uuid, so it is no one's duplicate."""
    if not isinstance(payload, dict):
        return payload
    renewed = dict(payload)
    if "reference_id" in renewed:
        renewed["reference_id"] = new_reference_id()
    if "session_uuid" in renewed:
        renewed["session_uuid"] = str(uuid.uuid4())
    return renewed


def payloads(spec: Spec, kind: str) -> st.SearchStrategy[Any]:
    """Payloads valid under the webhook's schema, generated by schemathesis from the spec.

    Schemathesis generates request bodies of operations only; each webhook becomes the one
    operation of a small derived document, so its generator (formats, patterns, oneOf) applies.
    """
    return _strategies(spec)[kind]


@functools.cache
def _strategies(spec: Spec) -> dict[str, st.SearchStrategy[Any]]:
    import schemathesis  # slow to import; only the receiver gate needs it

    document = spec.document
    paths = {
        f"/{kind}": {
            "post": {
                "operationId": op.operation_id,
                "requestBody": op.definition["requestBody"],
                "responses": {"200": {"description": "acknowledged"}},
            }
        }
        for kind, op in spec.webhooks().items()
    }
    derived = {
        "openapi": document["openapi"],
        "info": document["info"],
        "paths": paths,
        "components": document.get("components", {}),
    }
    schema = schemathesis.openapi.from_dict(derived)
    return {kind: schema[f"/{kind}"]["POST"].as_strategy().map(lambda case: case.body) for kind in spec.webhooks()}


def expects_action(kind: str, payload: Any) -> bool:
    """Is the answer to this callback the call's next action (a Voice v2 event that asks for one)?"""
    return kind == VOICE_EVENT and isinstance(payload, dict) and payload.get("event") in ANSWERED_EVENTS
