"""Signing and verifying provider auth on requests, shared by the mock, the client side and the sink
(callbacks the provider signs: `telecontract.callback_signing`).

One module so that the mock and every client compute the TeleSign string to sign the same way:
a change here changes both sides, and the official SDK tests keep both honest.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import uuid
from collections import deque
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


def hmac_b64(key: bytes, message: bytes) -> str:
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
        "Authorization": f"TSA {customer_id}:{hmac_b64(decode_api_key(api_key), to_sign)}",
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


def basic_matches(authorization: str, accounts: Mapping[str, str]) -> bool:
    """Is `authorization` Basic credentials of one of `accounts` (user -> secret)?"""
    credentials = parse_basic(authorization)
    if credentials is None or credentials[0] not in accounts:
        return False
    return hmac.compare_digest(accounts[credentials[0]].encode(), credentials[1].encode())


class NonceCache:
    """Nonces seen while their requests' dates are still accepted; a nonce seen twice is a replay.

    Each nonce is kept until its request's date falls out of the skew window (then the date
    check refuses a replay anyway), at most 2 x the window after its first use. A queue in arrival
    order holds them: forgetting pops from the front, so a request costs amortised O(1) however
    many are held (rebuilding the whole dict past 100,000 once cost 18 ms per request at 200,000).
    Past `max_entries` the oldest go early, bounding memory under a flood; such a nonce could then
    be replayed while its date is still fresh.
    """

    def __init__(self, max_entries: int = 1_000_000) -> None:
        self.max_entries = max_entries
        self._seen: set[str] = set()
        self._order: deque[tuple[float, str]] = deque()  # (forget at, nonce), oldest first

    def first_use(self, nonce: str, now: float, *, sent_at: float | None = None) -> bool:
        """True the first time `nonce` is seen; `sent_at` is its request's date, when known."""
        self._forget(now)
        if nonce in self._seen:
            return False
        until = now + 2 * MAX_CLOCK_SKEW_SECONDS
        if sent_at is not None:
            until = min(until, sent_at + MAX_CLOCK_SKEW_SECONDS)
        self._seen.add(nonce)
        self._order.append((until, nonce))
        return True

    def _forget(self, now: float) -> None:
        order, seen = self._order, self._seen
        # A front entry kept a little longer than its own date needs holds back the ones behind
        # it: that only makes the check stricter, never lets a replay through.
        while order and (order[0][0] <= now or len(order) >= self.max_entries):  # room for one more
            seen.discard(order.popleft()[1])

    def __len__(self) -> int:
        return len(self._seen)


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
    sent_at = _sent_at(ts_date or date)
    if sent_at is None or abs(now - sent_at) > MAX_CLOCK_SKEW_SECONDS:
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
    expected_signature = hmac_b64(decode_api_key(api_key), to_sign)
    if not hmac.compare_digest(expected_signature.encode(), signature.encode()):
        return BAD_SIGNATURE
    # Only a correctly signed request may spend a nonce, or anyone could burn them. The documents
    # make the nonce optional: without one, the signature itself (over date, body and resource)
    # may serve once while its date is fresh, so an exact replay is refused all the same.
    if not nonces.first_use(nonce or NONCELESS + signature, now, sent_at=sent_at):
        return REUSED_NONCE
    return None


NONCELESS = "\x00signature:"  # cannot start a header's value: a nonce-less key never equals a nonce


def _sent_at(value: str) -> float | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
