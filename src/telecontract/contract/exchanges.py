"""One exchange read the way every domain check reads it: the operation, the JSON asked and answered.

Checks see schemathesis's case and response; these helpers keep what they read alike across
checks (a request's own body is read from the wire, as it was sent, not as it was generated).
"""

from __future__ import annotations

from typing import Any

import orjson

MASKING_PATHS = ("/v1/anonymous/session/sms", "/v1/anonymous/session/sms_voice")
# VTS paths, compared without their trailing slash (the VTS page writes none, the Plivo SDK one).
VTS_SESSION = "/v1/Account/{auth_id}/Masking/Session/{session_uuid}"
VTS_SESSIONS = "/v1/Account/{auth_id}/Masking/Session"
VOICE_CALL = "/v1/voice/{reference_id}"


def json_body(response: Any) -> Any:
    """The answer's JSON, or None when it is not JSON (the content-type checks report that)."""
    if not response.headers.get("content-type", [""])[0].startswith("application/json"):
        return None
    try:
        return response.json()
    except ValueError:
        return None


def request_json(response: Any) -> Any:
    """The JSON body of the request as it went out, or None (no body, a form, not JSON)."""
    body = getattr(response.request, "body", None)
    if not body:
        return None
    try:
        return orjson.loads(body)
    except (orjson.JSONDecodeError, TypeError):
        return None


def is_operation(case: Any, method: str, *paths: str) -> bool:
    return case.method.upper() == method and case.operation.path.rstrip("/") in paths


def vts_session(body: dict[str, Any]) -> dict[str, Any]:
    """The session of a VTS answer: flat (the VTS page) or wrapped (`response` / `session`, Plivo's form)."""
    for wrapper in ("response", "session"):
        inner = body.get(wrapper)
        if isinstance(inner, dict) and "session_uuid" in inner:
            return inner
    return body


def vts_listed(body: Any) -> list[dict[str, Any]]:
    """The sessions of a VTS list answer: `objects` flat, or inside `response` (Plivo's form)."""
    if not isinstance(body, dict):
        return []
    page = body.get("response") if isinstance(body.get("response"), dict) else body
    objects = page.get("objects")
    return [item for item in objects if isinstance(item, dict)] if isinstance(objects, list) else []


def digits(number: Any) -> Any:
    """A number as digits: the Plivo-compatible forms write the same number with and without `+`."""
    return number.lstrip("+") if isinstance(number, str) else number
