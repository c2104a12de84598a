"""Signing and verifying provider auth, shared by the mock, the client side and the sink.

One module so that the mock and every client compute the TeleSign string to sign the same way:
a change here changes both sides, and the official SDK tests keep both honest.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime

HMAC_METHOD = "HMAC-SHA256"
MAX_CLOCK_SKEW_SECONDS = 15 * 60


@dataclass(frozen=True, slots=True)
class AuthFailure:
    """Why a request was refused; `code` is the provider's error code."""

    code: int
    reason: str


# TeleSign codes for auth failures (HTTP 401 each).
MISSING_CREDENTIALS = AuthFailure(-30000, "Invalid or missing Authorization header")
UNKNOWN_CUSTOMER = AuthFailure(-30001, "Customer ID not recognized")
BAD_SIGNATURE = AuthFailure(-30002, "Signature does not match")
BAD_DATE = AuthFailure(-30003, "Date header missing, malformed, or more than 15 minutes off")
REUSED_NONCE = AuthFailure(-30004, "Nonce already used")
BAD_AUTH_METHOD = AuthFailure(-30005, "Unsupported X-TS-Auth-Method")


def _hmac_b64(key: bytes, message: bytes) -> str:
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode("ascii")


def decode_api_key(api_key: str) -> bytes:
    """TeleSign API keys are base64; the HMAC key is the decoded bytes."""
    return base64.b64decode(api_key, validate=True)


def telesign_string_to_sign(
    *,
    method: str,
    content_type: str,
    date: str,
    nonce: str | None,
    body: str | bytes,
    resource: str,
    ts_date: str | None = None,
) -> bytes:
    """The canonical bytes TeleSign signs (see the `telesignHmac` scheme in the spec).

    The body goes in as the exact bytes sent, so a body that is not UTF-8 signs and verifies alike.
    """
    parts = [method.upper(), content_type, "" if ts_date else date, f"x-ts-auth-method:{HMAC_METHOD}"]
    if ts_date:
        parts.append(f"x-ts-date:{ts_date}")
    if nonce:
        parts.append(f"x-ts-nonce:{nonce}")
    encoded = [part.encode("utf-8") for part in parts]
    if content_type and body:
        encoded.append(body if isinstance(body, bytes) else body.encode("utf-8"))
    encoded.append(resource.encode("utf-8"))
    return b"\n".join(encoded)


def telesign_hmac_headers(
    *,
    customer_id: str,
    api_key: str,
    method: str,
    resource: str,
    body: str | bytes = "",
    content_type: str = "",
    date: str | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    """Headers for a TSA HMAC-SHA256 signed request."""
    date = date or formatdate(usegmt=True)
    nonce = nonce or str(uuid.uuid4())
    content_type = content_type if method.upper() != "GET" else ""
    to_sign = telesign_string_to_sign(
        method=method, content_type=content_type, date=date, nonce=nonce, body=body, resource=resource
    )
    headers = {
        "Authorization": f"TSA {customer_id}:{_hmac_b64(decode_api_key(api_key), to_sign)}",
        "Date": date,
        "X-TS-Auth-Method": HMAC_METHOD,
        "X-TS-Nonce": nonce,
    }
    if content_type:
        headers["Content-Type"] = content_type
    return headers


def basic_authorization(user: str, password: str) -> str:
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return f"Basic {token}"


def parse_basic(authorization: str) -> tuple[str, str] | None:
    """(user, password) from a Basic header, or None when it is not one."""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "basic" or not token:
        return None
    try:
        decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = decoded.partition(":")
    return (user, password) if sep else None


class NonceCache:
    """Nonces seen within the clock-skew window; a nonce seen twice is a replay."""

    def __init__(self) -> None:
        self._seen: dict[str, float] = {}

    def first_use(self, nonce: str, now: float) -> bool:
        if len(self._seen) > 100_000:
            # Forget nonces old enough that their dates are refused anyway.
            horizon = now - 2 * MAX_CLOCK_SKEW_SECONDS
            self._seen = {n: t for n, t in self._seen.items() if t > horizon}
        if nonce in self._seen:
            return False
        self._seen[nonce] = now
        return True


def verify_telesign(
    *,
    headers: Mapping[str, str],
    method: str,
    resource: str,
    body: str | bytes,
    api_keys: Mapping[str, str],
    nonces: NonceCache,
    now: float,
) -> AuthFailure | None:
    """Check TeleSign Basic or TSA auth; None means the request is authentic.

    `headers` must be case-insensitive (Starlette's Headers, httpx's Headers).
    `api_keys` maps customer id to base64 API key.
    """
    authorization = headers.get("authorization", "")
    if authorization.startswith("Basic "):
        credentials = parse_basic(authorization)
        if credentials is None:
            return MISSING_CREDENTIALS
        customer_id, api_key = credentials
        expected = api_keys.get(customer_id)
        if expected is None:
            return UNKNOWN_CUSTOMER
        return None if hmac.compare_digest(expected.encode(), api_key.encode()) else BAD_SIGNATURE
    if not authorization.startswith("TSA "):
        return MISSING_CREDENTIALS
    customer_id, sep, signature = authorization[4:].partition(":")
    if not sep or not signature:
        return MISSING_CREDENTIALS
    api_key = api_keys.get(customer_id)
    if api_key is None:
        return UNKNOWN_CUSTOMER
    if headers.get("x-ts-auth-method", "").upper() != HMAC_METHOD:
        return BAD_AUTH_METHOD
    ts_date = headers.get("x-ts-date")
    date = headers.get("date", "")
    if not _date_is_fresh(ts_date or date, now):
        return BAD_DATE
    nonce = headers.get("x-ts-nonce")
    to_sign = telesign_string_to_sign(
        method=method,
        content_type=headers.get("content-type", "") if method.upper() != "GET" else "",
        date=date,
        nonce=nonce,
        body=body,
        resource=resource,
        ts_date=ts_date,
    )
    expected_signature = _hmac_b64(decode_api_key(api_key), to_sign)
    if not hmac.compare_digest(expected_signature.encode(), signature.encode()):
        return BAD_SIGNATURE
    # Only a correctly signed request may spend a nonce, or anyone could burn them.
    if nonce and not nonces.first_use(nonce, now):
        return REUSED_NONCE
    return None


def _date_is_fresh(value: str, now: float) -> bool:
    if not value:
        return False
    try:
        sent = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return False
    return abs(now - sent) <= MAX_CLOCK_SKEW_SECONDS


# ---- callbacks ------------------------------------------------------------------------------


def sign_telesign_callback(*, customer_id: str, api_key: str, body: bytes) -> str:
    """The Authorization header of a TeleSign callback: HMAC-SHA256 over the raw body."""
    return f"TSA {customer_id}:{_hmac_b64(decode_api_key(api_key), body)}"


def verify_telesign_callback(*, authorization: str, api_keys: Mapping[str, str], body: bytes) -> bool:
    if not authorization.startswith("TSA "):
        return False
    customer_id, _, signature = authorization[4:].partition(":")
    api_key = api_keys.get(customer_id)
    if api_key is None:
        return False
    expected = _hmac_b64(decode_api_key(api_key), body)
    return hmac.compare_digest(expected.encode(), signature.encode())


def sign_vts_callback(*, auth_token: str, url: str, nonce: str, body: bytes) -> str:
    """`X-VTS-Signature-V3`: HMAC-SHA256 keyed with the auth token over url, nonce and body."""
    return _hmac_b64(auth_token.encode(), url.encode() + nonce.encode() + body)


def verify_vts_callback(*, auth_token: str, url: str, nonce: str, body: bytes, signature: str) -> bool:
    expected = sign_vts_callback(auth_token=auth_token, url=url, nonce=nonce, body=body)
    return hmac.compare_digest(expected.encode(), signature.encode())
