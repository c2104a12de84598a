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
from collections.abc import Collection, Iterable, Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from hypothesis import strategies as st

from telecontract import callback_signing
from telecontract.credentials import Credentials
from telecontract.spec import Spec

VTS_KIND = "vtsSessionCallback"
VOICE_EVENT = "voiceEvent"
# Events whose answer is the call's next action: the Voice v2 page (step 2) for dial_completed;
# TeleSign's demo servers (TeleSign/voice_server_demo) answer the others too.
ANSWERED_EVENTS = frozenset(
    {"incoming_call", "dial_completed", "play_completed", "speak_completed", "call_leg_completed"}
)
JSON = "application/json"
# How long the provider waits for an answer before it counts the attempt as failed. No page says;
# 5 s is our inference, and the receiver gate lets a team set its own (--receiver-timeout).
PROVIDER_TIMEOUT = 5.0

# TeleSign's "Authenticate callbacks" page: both headers are always included, with the same value.
TELESIGN_SIGNATURE_HEADERS = ("Authorization", "X-TS-Authorization")
# (signature, nonce) header pairs of a VTS callback. Which names VTS uses is not public. Plivo's come
# first, so a receiver written with Plivo's SDK (which VTS is compatible with) finds them; the
# X-VTS- pair, what this tool sent before, carries the same values so existing receivers keep working.
PLIVO_SIGNATURE_HEADERS = ("X-Plivo-Signature-V3", "X-Plivo-Signature-V3-Nonce")
VTS_SIGNATURE_HEADERS = ("X-VTS-Signature-V3", "X-VTS-Signature-V3-Nonce")
VTS_HEADER_PAIRS = (PLIVO_SIGNATURE_HEADERS, VTS_SIGNATURE_HEADERS)


def kinds(spec: Spec) -> list[str]:
    """The spec's webhook names: what `--receiver-url KIND=URL` accepts as KIND."""
    return list(spec.webhooks())


def operation_id(spec: Spec, kind: str) -> str:
    return spec.webhooks()[kind].operation_id


def vts_params(method: str, body: bytes) -> dict[str, Any]:
    """The params Plivo's V3 signs of a VTS callback: the JSON object of a POST; none for a GET (its URL has them)."""
    if method.upper() == "GET":
        return {}
    try:
        params = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return {}
    return params if isinstance(params, dict) else {}


def signed_headers(
    kind: str, *, url: str, body: bytes, credentials: Credentials, method: str = "POST"
) -> dict[str, str]:
    """The headers the provider sends with a callback of `kind`: content type and signature.

    TeleSign signs the raw body with the API key (in `Authorization` and `X-TS-Authorization`). VTS
    signs with Plivo's V3 scheme: the URL the receiver sees (query sorted), the params and a nonce,
    keyed with the auth token; a GET carries its params in that URL.
    """
    headers = {"Content-Type": JSON} if method.upper() != "GET" else {}
    if kind == VTS_KIND:
        nonce = uuid.uuid4().hex
        signature = callback_signing.sign_plivo_v3(
            auth_token=credentials.vts_auth_token, method=method, url=url, params=vts_params(method, body), nonce=nonce
        )
        for signature_name, nonce_name in VTS_HEADER_PAIRS:
            headers[signature_name] = signature
            headers[nonce_name] = nonce
    else:
        value = callback_signing.sign_telesign_callback(
            customer_id=credentials.telesign_customer_id, api_key=credentials.telesign_api_key, body=body
        )
        headers |= dict.fromkeys(TELESIGN_SIGNATURE_HEADERS, value)
    return headers


def signature_header_names(kind: str) -> tuple[str, ...]:
    if kind == VTS_KIND:
        return tuple(name for pair in VTS_HEADER_PAIRS for name in pair)
    return TELESIGN_SIGNATURE_HEADERS


def badly_signed_headers(
    kind: str, how: str, *, url: str, body: bytes, credentials: Credentials, method: str = "POST"
) -> dict[str, str]:
    """The headers of a callback whose signature is wrong: `unsigned`, or signed with a `wrong_key`.

    The mock sends these under its signature defects; the receiver gate sends them as forgeries.
    """
    if how == "wrong_key":
        credentials = dataclasses.replace(
            credentials,
            telesign_api_key=base64.b64encode(b"not the account's key").decode(),
            vts_auth_token="not-the-account-token",
        )
    headers = signed_headers(kind, url=url, body=body, credentials=credentials, method=method)
    if how == "unsigned":
        for name in signature_header_names(kind):
            del headers[name]
    elif how != "wrong_key":
        raise ValueError(f"unknown bad signature {how!r}")
    return headers


def signature_ok(
    kind: str, *, url: str, headers: Mapping[str, str], body: bytes, credentials: Credentials, method: str = "POST"
) -> bool:
    """Does a callback of `kind` carry the account's signature? `headers` must be case-insensitive.

    TeleSign: both headers, each verifying (the page says both are always included). VTS: at least
    one signature header pair, and every pair present verifying.
    """
    if kind == VTS_KIND:
        params = vts_params(method, body)
        present = [pair for pair in VTS_HEADER_PAIRS if headers.get(pair[0])]
        return bool(present) and all(
            callback_signing.verify_plivo_v3(
                auth_token=credentials.vts_auth_token,
                method=method,
                url=url,
                params=params,
                nonce=headers.get(nonce_name, ""),
                signatures=headers.get(signature_name, ""),
            )
            for signature_name, nonce_name in present
        )
    keys = {credentials.telesign_customer_id: credentials.telesign_api_key}
    values = {headers.get(name, "") for name in TELESIGN_SIGNATURE_HEADERS}  # the same value is checked once
    return "" not in values and all(
        callback_signing.verify_telesign_callback(authorization=value, api_keys=keys, body=body) for value in values
    )


def with_query(url: str, payload: Mapping[str, Any]) -> str:
    """The callback URL of a GET callback: the payload's fields added to its query, as Plivo sends GET callbacks."""
    params = [(key, _query_text(value)) for key, value in payload.items() if value is not None]
    if not params:
        return url
    parts = urlsplit(url)
    query = "&".join(part for part in (parts.query, urlencode(params)) if part)
    return urlunsplit(parts._replace(query=query))


def _query_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return json.dumps(value, separators=(",", ":"))


def payload_from_query(items: Iterable[tuple[str, str]], *, leave_out: Collection[str] = ()) -> dict[str, str]:
    """A GET callback's payload: its query parameters (the first of a repeated one), less the receiver's own."""
    payload: dict[str, str] = {}
    for key, value in items:
        if key not in leave_out:
            payload.setdefault(key, value)
    return payload


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
    strategies = {
        kind: schema[f"/{kind}"]["POST"].as_strategy().map(lambda case: case.body) for kind in spec.webhooks()
    }
    if VTS_KIND in strategies:
        # Plivo's V3 signs the params, and its SDK cannot order every JSON value (a list holding
        # objects and nulls): extra fields it cannot sign are left out, as VTS would never send them.
        strategies[VTS_KIND] = strategies[VTS_KIND].map(_plivo_signable)
    return strategies


def _plivo_signable(payload: Any) -> Any:
    if not isinstance(payload, dict):
        return payload
    return {key: value for key, value in payload.items() if callback_signing.plivo_can_sign(value)}


def expects_action(kind: str, payload: Any) -> bool:
    """Is the answer to this callback the call's next action (a Voice v2 event that asks for one)?"""
    return kind == VOICE_EVENT and isinstance(payload, dict) and payload.get("event") in ANSWERED_EVENTS


def action_of(answer: Any) -> Any:
    """The action in an answer to a Voice v2 event: the answer itself, or the one item of a list.

    TeleSign's AWS Lambda demo answers with a list holding the action (`Response([response])`).
    """
    if isinstance(answer, list) and len(answer) == 1:
        return answer[0]
    return answer
