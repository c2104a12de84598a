"""What a provider signs a callback with, and checking it, as each provider's own material says:
TeleSign's `TSA customer_id:signature` over the raw body, Plivo's V3 signature over URL, nonce and
parameters; a receiver written with the provider's SDK or sample accepts what we send (tests run
those against us), and the sink verifies with the same functions."""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlparse, urlunparse

from telecontract.auth import decode_api_key, hmac_b64


def sign_telesign_callback(*, customer_id: str, api_key: str, body: bytes) -> str:
    """`TSA {customer_id}:{signature}`: base64 HMAC-SHA256 over the raw body, keyed with the decoded API key.

    TeleSign's "Authenticate callbacks" page: the string to sign is the body alone. TeleSign puts the
    value in both `Authorization` and `X-TS-Authorization`.
    """
    return f"TSA {customer_id}:{hmac_b64(decode_api_key(api_key), body)}"


def verify_telesign_callback(*, authorization: str, api_keys: Mapping[str, str], body: bytes) -> bool:
    """Does one `Authorization` / `X-TS-Authorization` value sign `body` for a known customer?"""
    if not authorization.startswith("TSA "):
        return False
    customer_id, _, signature = authorization[4:].partition(":")
    api_key = api_keys.get(customer_id)
    if api_key is None:
        return False
    expected = hmac_b64(decode_api_key(api_key), body)
    return hmac.compare_digest(expected.encode(), signature.encode())


def _plivo_text(value: Any) -> Any:
    """A value as Plivo's `string_format` renders it: numbers and booleans through `str`, lists item by item."""
    if isinstance(value, bool | int | float):
        return str(value)
    if isinstance(value, list):
        return [_plivo_text(item) for item in value]
    return value


def _plivo_params(params: Mapping[str, Any]) -> str:
    """POST params as Plivo's V3 signs them: sorted by key, each key then its value; dicts nested, lists sorted."""
    parts = []
    for key in sorted(params):
        value = params[key]
        if isinstance(value, list):
            parts.append("".join(f"{key}{item}" for item in sorted(_plivo_text(value))))
        elif isinstance(value, dict):
            parts.append(f"{key}{_plivo_params(value)}")
        else:
            parts.append(f"{key}{_plivo_text(value)}")
    return "".join(parts)


def _plivo_query(params: Mapping[str, Any]) -> str:
    """Query params as Plivo's V3 signs them: sorted `key=value` (decoded), repeated keys' values sorted."""
    parts = []
    for key in sorted(params):
        value = params[key]
        if isinstance(value, list):
            parts.append("&".join(f"{key}={item}" for item in sorted(_plivo_text(value))))
        else:
            parts.append(f"{key}={_plivo_text(value)}")
    return "&".join(parts)


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return True


def plivo_can_sign(value: Any) -> bool:
    """Can Plivo's SDK render this param value for its V3 signature without failing?

    Its algorithm sorts a list's items and encodes the whole as UTF-8: a list mixing objects, lists
    or nulls cannot be sorted, and a lone surrogate cannot be encoded.
    """
    if isinstance(value, str):
        return _utf8(value)
    if value is None or isinstance(value, bool | int | float):
        return True
    if isinstance(value, dict):
        return all(isinstance(key, str) and _utf8(key) and plivo_can_sign(item) for key, item in value.items())
    if isinstance(value, list):
        return all(isinstance(item, bool | int | float) or (isinstance(item, str) and _utf8(item)) for item in value)
    return False


def plivo_v3_string(*, method: str, url: str, params: Mapping[str, Any], nonce: str) -> bytes:
    """What Plivo's V3 signature covers (plivo SDK, `plivo/utils/signature_v3.py`).

    The URL without its query, then `?` and its query sorted; for POST, the params sorted by key
    (after a `.` when the URL has a query); then `.` and the nonce. For GET, `params` are query
    params too (the URL's own are merged in); the body is not signed.
    """
    post = method.upper() != "GET"
    parts = urlparse(url)
    base = urlunparse((parts.scheme, parts.netloc, parts.path, "", "", ""))
    query: dict[str, Any] = {} if post else dict(params)
    query.update(parse_qs(parts.query, keep_blank_values=True))
    sorted_query = _plivo_query(query)
    # Plivo asks whether there are POST params at all, not whether they render to anything.
    with_params = post and bool(params)
    if sorted_query or with_params:
        base += "?" + sorted_query
    if sorted_query and with_params:
        base += "."
    signed_params = _plivo_params(params) if post else ""
    return f"{base}{signed_params}.{nonce}".encode()


def sign_plivo_v3(*, auth_token: str, method: str, url: str, params: Mapping[str, Any], nonce: str) -> str:
    """`X-Plivo-Signature-V3`: base64 HMAC-SHA256 of `plivo_v3_string`, keyed with the auth token."""
    message = plivo_v3_string(method=method, url=url, params=params, nonce=nonce)
    return hmac_b64(auth_token.encode(), message)


def verify_plivo_v3(
    *, auth_token: str, method: str, url: str, params: Mapping[str, Any], nonce: str, signatures: str
) -> bool:
    """Is any of the comma-separated `signatures` the V3 signature? (Plivo sends several as one header.)"""
    if not nonce or not signatures:
        return False
    try:
        expected = sign_plivo_v3(auth_token=auth_token, method=method, url=url, params=params, nonce=nonce).encode()
    except (TypeError, UnicodeEncodeError):
        return False  # params Plivo's algorithm cannot order or encode: no signature can match
    found = [candidate.strip().encode() for candidate in signatures.split(",")]
    return any(hmac.compare_digest(expected, candidate) for candidate in found)
