"""The other forms the providers' own material answers in, for the quirks of the same names.

The mock answers in the seed pages' forms; each function here rewrites one of those answers into
the form another public source shows, so a team can test its client against either:

- `published_masking`: TeleSign's published Number Masking definition (`validity` a string; a 400
  or 503 in the body shape of a created session, `masked_id: null`, no `errors` array);
- `published_voice_v2`: TeleSign's published Voice definition (every answer carries a 32-hex
  `reference_id`; a blocked number is `to_number_blocked_by_telesign`; a dial's `external_id`
  comes back in its 202);
- `plivo_vts`: the plivo SDK's fixtures (create 201 with `session {...}`, reads wrapped in
  `response`, update `{api_id, message, session}`, delete 200, values typed).

Each takes (method, path, status, answer, request) and gives (status, answer).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from telecontract import phone
from telecontract.mock.masking import party
from telecontract.mock.responses import reference_id

MASKING_PREFIX = "/v1/anonymous/session/"
VTS_SESSION = re.compile(r"^/v1/Account/[^/]+/Masking/Session/?$")
VTS_ONE_SESSION = re.compile(r"^/v1/Account/[^/]+/Masking/Session/[^/]+/?$")
# Fields the VTS seed writes as text that the Plivo-compatible API answers as numbers.
VTS_NUMBERS = frozenset(
    {"call_time_limit", "ring_timeout", "total_call_count", "total_call_amount", "total_call_billed_duration"}
)
VTS_BOOLEANS = frozenset({"record", "initiate_call_to_first_party"})
VTS_TIMES = frozenset({"created_time", "modified_time", "expiry_time", "last_interaction_time"})


def published_masking(method: str, path: str, status: int, answer: Any, request: Any) -> tuple[int, Any]:
    if not path.startswith(MASKING_PREFIX) or not isinstance(answer, dict):
        return status, answer
    if status == 200 and isinstance(answer.get("session_data"), dict):
        data = answer["session_data"]
        data["validity"] = str(data.get("validity"))
        return status, answer | {"external_id": answer.get("external_id"), "error": None}
    if status in (400, 503) and "errors" in answer:
        return status, _masking_failure(path, answer, request if isinstance(request, dict) else {})
    return status, answer


def _masking_failure(path: str, answer: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "session_end_on": "",
        "resource": path.removeprefix(MASKING_PREFIX).strip("/"),
        "message": answer["status"].get("description", ""),
    }
    for field in ("phone_number_1", "phone_number_2"):
        number = request.get(field)
        try:
            data[field] = party(str(number), phone.country_of(str(number)), None)
        except phone.InvalidNumber:
            continue  # no party to describe: the request's number was not a number
    if isinstance(request.get("validity_period"), int):
        data["validity"] = str(request["validity_period"])
    return {
        "reference_id": answer.get("reference_id") or reference_id(),
        "external_id": None,
        "status": answer["status"],
        "session_data": data,
        "error": None,
    }


def published_voice_v2(method: str, path: str, status: int, answer: Any, request: Any) -> tuple[int, Any]:
    if path.rstrip("/") != "/v2/voice" or not isinstance(answer, dict):
        return status, answer
    answer = dict(answer)
    if answer.get("reference_id") is None:
        answer["reference_id"] = reference_id()
    if answer.get("status") == "blocked":
        answer["status"] = "to_number_blocked_by_telesign"
    params = request.get("params") if isinstance(request, dict) else None
    if answer.get("status") == "dial_accepted" and isinstance(params, dict) and "external_id" in params:
        answer["external_id"] = params["external_id"]
    return status, answer


def plivo_vts(method: str, path: str, status: int, answer: Any, request: Any) -> tuple[int, Any]:
    api_id = str(uuid.uuid4())
    if method == "DELETE" and status == 204 and VTS_ONE_SESSION.match(path):
        return 200, {"api_id": api_id, "message": "Session Deleted"}
    if status != 200 or not isinstance(answer, dict):
        return status, answer
    if method == "POST" and VTS_SESSION.match(path):
        session = _typed(answer)
        return 201, {
            "api_id": api_id,
            "message": "Session created",
            "session_uuid": session["session_uuid"],
            "virtual_number": session["virtual_number"],
            "session": session,
        }
    if method == "POST" and VTS_ONE_SESSION.match(path):
        return status, {"api_id": api_id, "message": "Session updated", "session": _typed(answer)}
    if method == "GET" and VTS_ONE_SESSION.match(path):
        return status, {"api_id": api_id, "response": _typed(answer)}
    if method == "GET" and VTS_SESSION.match(path) and "objects" in answer:
        objects = [_typed(item) for item in answer["objects"]]
        return status, {"api_id": api_id, "response": {"meta": answer.get("meta"), "objects": objects}}
    return status, answer


def _typed(session: dict[str, Any]) -> dict[str, Any]:
    """A seed-shaped session (every value text) as the Plivo-compatible API writes it."""
    typed: dict[str, Any] = {}
    for name, value in session.items():
        if name in ("api_id", "message"):
            continue
        value = None if value in ("null", None) else value
        if name in VTS_BOOLEANS:
            value = value == "true"
        elif name in VTS_NUMBERS and value is not None:
            value = int(float(value))
        elif name in VTS_TIMES:
            value = f"{value}.000000 +0000 UTC" if value else ""
        elif name == "interaction":
            value = None
        elif name == "session_expiry":
            name, value = "duration", int(float(value or 0))
        typed[name] = value
    return typed | {"amount": 0, "total_session_amount": 0}


SHAPES = {
    "telesign_published_masking": published_masking,
    "telesign_published_voice_v2": published_voice_v2,
    "plivo_vts_shapes": plivo_vts,
}
